#include "config/binder.h"

namespace cds::config {

StatusOr<bool> FieldType<bool>::Read(const Node& n, const BindContext&) {
  if (!n.value().IsBool()) return n.Error("must be true or false");
  return n.value().GetBool();
}

StatusOr<CalendarSpan> FieldType<CalendarSpan>::Read(const Node& n, const BindContext&) {
  if (!n.value().IsString()) return n.Error("must be a string");
  if (n.value().GetStringLength() == 0) return n.Error("must not be empty");
  auto span = ParseSpan(json::AsStringView(n.value()));
  if (!span.ok()) return n.Error(span.status().message());
  return span;
}

StatusOr<CodeEntry> FieldType<CodeEntry>::Read(const Node& n, const BindContext& ctx) {
  if (!n.value().IsObject()) return n.Error("must be an object");
  if (ctx.knowledge == nullptr) return n.Error("a code needs the knowledge to resolve its system");
  return ParseCodeEntry(n, *ctx.knowledge);
}

namespace binder_internal {

bool Bounds::Holds(double v) const {
  if (min && (min_exclusive ? v <= *min : v < *min)) return false;
  if (max && (max_exclusive ? v >= *max : v > *max)) return false;
  return true;
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

Status CheckNoUnknownKeys(const Node& n, const std::vector<std::string>& known,
                          std::string_view message) {
  if (!n.value().IsObject()) return n.Error("must be an object");
  for (const auto& [name, member] : n.Members()) {  // "_comment" members are left out
    bool found = false;
    for (const std::string& k : known) found = found || k == name;
    if (!found) return n.ErrorAt(name, message);
  }
  return OkStatus();
}

}  // namespace binder_internal
}  // namespace cds::config
