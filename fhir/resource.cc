#include "fhir/resource.h"

namespace cds::fhir {

std::string ResourceView::Key() const {
  std::string key(resource_type());
  std::string_view rid = id();
  if (!rid.empty()) {
    key += '/';
    key += rid;
  }
  return key;
}

const json::Value* ResourceView::FindContained(std::string_view cid) const {
  const json::Value* contained = json::GetArray(*v_, "contained");
  if (contained == nullptr) return nullptr;
  for (const json::Value& r : contained->GetArray()) {
    if (json::GetString(r, "id") == cid) return &r;
  }
  return nullptr;
}

std::string_view ResourceView::ReferenceOf(std::string_view key) const {
  const json::Value* ref = json::GetObject(*v_, key);
  if (ref == nullptr) return "";
  return json::GetString(*ref, "reference").value_or("");
}

bool IsResourceOfType(const json::Value& v, std::string_view type) {
  return json::GetString(v, "resourceType") == type;
}

}  // namespace cds::fhir
