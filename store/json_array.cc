#include "store/json_array.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "base/json.h"

namespace cds::store {

std::string EncodeJsonStringArray(const std::vector<std::string>& items) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const std::string& item : items) {
    writer.String(item.data(), static_cast<rapidjson::SizeType>(item.size()));
  }
  writer.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

StatusOr<std::vector<std::string>> DecodeJsonStringArray(std::string_view text) {
  StatusOr<std::unique_ptr<json::Document>> doc = json::ParseJson(text, json::JsonLimits{});
  if (!doc.ok()) return InternalError("stored string list: " + doc.status().message());
  const json::Value& root = **doc;
  if (!root.IsArray()) return InternalError("stored string list: not an array");
  std::vector<std::string> items;
  items.reserve(root.Size());
  for (const json::Value& item : root.GetArray()) {
    if (!item.IsString()) return InternalError("stored string list: non-string element");
    items.emplace_back(json::AsStringView(item));
  }
  return items;
}

std::string EncodeJsonCodingArray(const std::vector<OverrideReasonCoding>& codings) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto member = [&writer](const char* key, const std::string& value) {
    if (value.empty()) return;
    writer.Key(key);
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartArray();
  for (const OverrideReasonCoding& coding : codings) {
    writer.StartObject();
    member("system", coding.system);
    member("code", coding.code);
    member("display", coding.display);
    writer.EndObject();
  }
  writer.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

StatusOr<std::vector<OverrideReasonCoding>> DecodeJsonCodingArray(std::string_view text) {
  StatusOr<std::unique_ptr<json::Document>> doc = json::ParseJson(text, json::JsonLimits{});
  if (!doc.ok()) return InternalError("stored coding list: " + doc.status().message());
  const json::Value& root = **doc;
  if (!root.IsArray()) return InternalError("stored coding list: not an array");
  std::vector<OverrideReasonCoding> codings;
  codings.reserve(root.Size());
  for (const json::Value& item : root.GetArray()) {
    if (!item.IsObject()) return InternalError("stored coding list: non-object element");
    OverrideReasonCoding coding;
    for (auto [key, out] : {std::pair{"system", &coding.system},
                            {"code", &coding.code},
                            {"display", &coding.display}}) {
      const json::Value* value = json::Find(item, key);
      if (value == nullptr) continue;
      if (!value->IsString()) return InternalError("stored coding list: non-string member");
      *out = std::string(json::AsStringView(*value));
    }
    codings.push_back(std::move(coding));
  }
  return codings;
}

}  // namespace cds::store
