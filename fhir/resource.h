// ResourceView: a typed, read-only view of one FHIR resource inside a parsed Document.
//
// Views are two pointers wide, copyable, and never own or copy JSON: they are valid as
// long as the Document they point into. Accessors return std::nullopt / "" / nullptr for
// absent or mistyped elements; malformed data is the caller's "insufficient data", never
// a crash. Thread-safe for concurrent reads.
#pragma once

#include <string>
#include <string_view>

#include "base/json.h"

namespace cds::fhir {

class ResourceView {
 public:
  explicit ResourceView(const json::Value& resource) : v_(&resource) {}

  const json::Value& json() const { return *v_; }
  std::string_view resource_type() const {
    return json::GetString(*v_, "resourceType").value_or("");
  }
  std::string_view id() const { return json::GetString(*v_, "id").value_or(""); }
  // "Type/id", or "Type" alone when the resource has no id (draft orders may not).
  std::string Key() const;
  // The resource in `contained` with this id (without '#'), or nullptr.
  const json::Value* FindContained(std::string_view id) const;
  // The `reference` string of member `key` (a Reference), or "".
  std::string_view ReferenceOf(std::string_view key) const;

 protected:
  const json::Value* v_;
};

// True if `v` is an object with a string resourceType equal to `type`.
bool IsResourceOfType(const json::Value& v, std::string_view type);

}  // namespace cds::fhir
