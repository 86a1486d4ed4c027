// FHIR references ("Patient/123", "#med1", "https://ehr/fhir/Medication/9",
// "urn:uuid:...") and FHIR ids.
//
// ParsedReference holds views into the original string. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cds::fhir {

enum class ReferenceKind {
  kContained,  // "#id": a resource in the referring resource's `contained`
  kRelative,   // "Type/id" (optionally "/_history/v")
  kAbsolute,   // "http(s)://host/.../Type/id" (Type/id in the path, not the host)
  kUrn,        // "urn:uuid:..." or "urn:oid:..." (non-empty): a Bundle entry's fullUrl
  kInvalid,
};

struct ParsedReference {
  ReferenceKind kind = ReferenceKind::kInvalid;
  std::string_view type;  // for kRelative and kAbsolute
  std::string_view id;    // the id, or the contained id without '#'
  std::string_view raw;
};

ParsedReference ParseReference(std::string_view reference);

// FHIR id: 1-64 characters of [A-Za-z0-9-.].
bool IsFhirId(std::string_view id);

// A FHIR resource type name: an ASCII capital followed by letters.
bool IsResourceTypeName(std::string_view type);

// "Patient/123" -> "123"; "123" -> "123"; anything else -> "" (caller reports it).
std::string_view StripTypePrefix(std::string_view value, std::string_view type);

}  // namespace cds::fhir
