#include "fhir/bundle.h"

namespace cds::fhir {

void Bundle::ForEachEntry(
    const std::function<void(const json::Value& resource, std::string_view full_url)>& f) const {
  const json::Value* entries = json::GetArray(*v_, "entry");
  if (entries == nullptr) return;
  for (const json::Value& e : entries->GetArray()) {
    const json::Value* r = json::GetObject(e, "resource");
    if (r != nullptr) f(*r, json::GetString(e, "fullUrl").value_or(""));
  }
}

size_t Bundle::EntryCount() const {
  const json::Value* entries = json::GetArray(*v_, "entry");
  return entries == nullptr ? 0 : entries->Size();
}

std::optional<std::string_view> Bundle::NextLink() const {
  const json::Value* links = json::GetArray(*v_, "link");
  if (links == nullptr) return std::nullopt;
  for (const json::Value& l : links->GetArray()) {
    if (json::GetString(l, "relation") == "next") {
      if (auto url = json::GetString(l, "url"); url && !url->empty()) return url;
    }
  }
  return std::nullopt;
}

bool OperationOutcome::HasErrors() const {
  const json::Value* issues = json::GetArray(*v_, "issue");
  // An outcome with no issues (absent or an empty array) says nothing usable.
  if (issues == nullptr || issues->Empty()) return true;
  for (const json::Value& i : issues->GetArray()) {
    auto sev = json::GetString(i, "severity");
    if (sev == "fatal" || sev == "error") return true;
  }
  return false;
}

std::string OperationOutcome::Summary() const {
  std::string out;
  const json::Value* issues = json::GetArray(*v_, "issue");
  if (issues == nullptr || issues->Empty()) return "no issues";
  size_t n = 0;
  for (const json::Value& i : issues->GetArray()) {
    if (++n > 5) break;
    if (!out.empty()) out += ", ";
    std::string_view sev = json::GetString(i, "severity").value_or("?");
    std::string_view code = json::GetString(i, "code").value_or("?");
    // Severity and code are FHIR code values; cap them in case a server sends junk.
    out.append(sev.substr(0, 16));
    out += '/';
    out.append(code.substr(0, 32));
  }
  return out;
}

bool IsErrorOutcome(const json::Value& resource) {
  return IsResourceOfType(resource, "OperationOutcome") && OperationOutcome(resource).HasErrors();
}

}  // namespace cds::fhir
