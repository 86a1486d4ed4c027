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

}  // namespace cds::store
