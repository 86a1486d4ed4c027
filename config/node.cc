#include "config/node.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace cds::config {

std::string Node::ChildPath(std::string_view key) const { return path_ + "." + std::string(key); }

Status Node::Error(std::string_view message) const {
  return InvalidArgumentError(file_ + ": " + path_ + ": " + std::string(message));
}

Status Node::ErrorAt(std::string_view key, std::string_view message) const {
  return InvalidArgumentError(file_ + ": " + ChildPath(key) + ": " + std::string(message));
}

bool Node::Has(std::string_view key) const { return json::Find(*v_, key) != nullptr; }

Status Node::ExpectObject() const {
  if (!v_->IsObject()) return Error("must be an object");
  return OkStatus();
}

StatusOr<Node> Node::Child(std::string_view key) const {
  const json::Value* c = json::Find(*v_, key);
  if (c == nullptr) return ErrorAt(key, "is required");
  if (!c->IsObject()) return ErrorAt(key, "must be an object");
  return Node(*c, file_, ChildPath(key));
}

std::optional<Node> Node::OptionalChild(std::string_view key) const {
  const json::Value* c = json::Find(*v_, key);
  if (c == nullptr) return std::nullopt;
  return Node(*c, file_, ChildPath(key));
}

std::vector<Node> Node::Elements() const {
  std::vector<Node> out;
  if (!v_->IsArray()) return out;
  for (rapidjson::SizeType i = 0; i < v_->Size(); ++i) {
    out.emplace_back((*v_)[i], file_, path_ + "[" + std::to_string(i) + "]");
  }
  return out;
}

std::vector<std::pair<std::string, Node>> Node::Members() const {
  std::vector<std::pair<std::string, Node>> out;
  if (!v_->IsObject()) return out;
  for (auto it = v_->MemberBegin(); it != v_->MemberEnd(); ++it) {
    std::string name(json::AsStringView(it->name));
    if (!name.empty() && name[0] == '_') continue;
    out.emplace_back(name, Node(it->value, file_, ChildPath(name)));
  }
  return out;
}

StatusOr<std::vector<Node>> Node::Array(std::string_view key) const {
  const json::Value* c = json::Find(*v_, key);
  if (c == nullptr) return ErrorAt(key, "is required");
  if (!c->IsArray()) return ErrorAt(key, "must be an array");
  return Node(*c, file_, ChildPath(key)).Elements();
}

StatusOr<std::vector<Node>> Node::OptionalArray(std::string_view key) const {
  if (!Has(key)) return std::vector<Node>{};
  return Array(key);
}

StatusOr<std::string> Node::String(std::string_view key) const {
  const json::Value* c = json::Find(*v_, key);
  if (c == nullptr) return ErrorAt(key, "is required");
  if (!c->IsString()) return ErrorAt(key, "must be a string");
  if (c->GetStringLength() == 0) return ErrorAt(key, "must not be empty");
  return std::string(json::AsStringView(*c));
}

StatusOr<std::string> Node::StringOr(std::string_view key, std::string fallback) const {
  const json::Value* c = json::Find(*v_, key);
  if (c == nullptr) return fallback;
  if (!c->IsString()) return ErrorAt(key, "must be a string");
  return std::string(json::AsStringView(*c));  // "" is allowed: an optional setting left unset
}

StatusOr<double> Node::Number(std::string_view key) const {
  const json::Value* c = json::Find(*v_, key);
  if (c == nullptr) return ErrorAt(key, "is required");
  if (!c->IsNumber()) return ErrorAt(key, "must be a number");
  return c->GetDouble();
}

StatusOr<double> Node::NumberOr(std::string_view key, double fallback) const {
  if (!Has(key)) return fallback;
  return Number(key);
}

StatusOr<int64_t> Node::Int(std::string_view key) const {
  const json::Value* c = json::Find(*v_, key);
  if (c == nullptr) return ErrorAt(key, "is required");
  if (!c->IsInt64()) return ErrorAt(key, "must be an integer");
  return c->GetInt64();
}

StatusOr<int64_t> Node::IntOr(std::string_view key, int64_t fallback) const {
  if (!Has(key)) return fallback;
  return Int(key);
}

StatusOr<bool> Node::BoolOr(std::string_view key, bool fallback) const {
  const json::Value* c = json::Find(*v_, key);
  if (c == nullptr) return fallback;
  if (!c->IsBool()) return ErrorAt(key, "must be true or false");
  return c->GetBool();
}

StatusOr<std::vector<std::string>> Node::StringList(std::string_view key) const {
  const json::Value* c = json::Find(*v_, key);
  if (c == nullptr) return ErrorAt(key, "is required");
  if (!c->IsArray()) return ErrorAt(key, "must be an array of strings");
  std::vector<std::string> out;
  for (rapidjson::SizeType i = 0; i < c->Size(); ++i) {
    const json::Value& e = (*c)[i];
    if (!e.IsString() || e.GetStringLength() == 0) {
      return ErrorAt(std::string(key) + "[" + std::to_string(i) + "]",
                     "must be a non-empty string");
    }
    out.emplace_back(json::AsStringView(e));
  }
  return out;
}

StatusOr<std::vector<std::string>> Node::StringListOr(std::string_view key) const {
  if (!Has(key)) return std::vector<std::string>{};
  return StringList(key);
}

StatusOr<CalendarSpan> Node::Span(std::string_view key) const {
  auto text = String(key);
  if (!text.ok()) return text.status();
  auto span = ParseSpan(*text);
  if (!span.ok()) return ErrorAt(key, span.status().message());
  return *span;
}

Status Node::CheckKnownKeys(std::initializer_list<std::string_view> allowed) const {
  if (!v_->IsObject()) return Error("must be an object");
  for (auto it = v_->MemberBegin(); it != v_->MemberEnd(); ++it) {
    std::string_view name = json::AsStringView(it->name);
    if (!name.empty() && name[0] == '_') continue;
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) return ErrorAt(name, "unknown setting (misspelt?)");
  }
  return OkStatus();
}

StatusOr<CalendarSpan> ParseSpan(std::string_view text) {
  CalendarSpan span;
  std::string_view rest = text;
  if (rest.empty()) return InvalidArgumentError("empty duration");
  while (!rest.empty()) {
    int n = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (ec != std::errc() || n < 0 || n > 1200) {
      return InvalidArgumentError("'" + std::string(text) +
                                  "' is not a duration like 12mo, 90d, 2w or 5y");
    }
    rest.remove_prefix(static_cast<size_t>(ptr - rest.data()));
    if (rest.rfind("mo", 0) == 0) {
      span.months += n;
      rest.remove_prefix(2);
    } else if (!rest.empty() && rest[0] == 'y') {
      span.months += 12 * n;
      rest.remove_prefix(1);
    } else if (!rest.empty() && rest[0] == 'w') {
      span.days += 7 * n;
      rest.remove_prefix(1);
    } else if (!rest.empty() && rest[0] == 'd') {
      span.days += n;
      rest.remove_prefix(1);
    } else {
      return InvalidArgumentError("'" + std::string(text) +
                                  "' is not a duration like 12mo, 90d, 2w or 5y");
    }
  }
  return span;
}

StatusOr<JsonFile> ReadJsonFile(const std::string& path, const std::string& display_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError(display_name + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  json::JsonLimits limits;
  limits.max_string_length = 1 << 20;
  auto doc = json::ParseJson(ss.str(), limits);
  if (!doc.ok()) return InvalidArgumentError(display_name + ": " + doc.status().message());
  return JsonFile{display_name, std::move(doc).value()};
}

}  // namespace cds::config
