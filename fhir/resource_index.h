// ResourceIndex: finds the resources of one request by reference.
//
// A MedicationRequest's medicationReference may point into its own `contained`, at
// another entry of a prefetch Bundle (by fullUrl, often "urn:uuid:..."), at "Type/id"
// anywhere in the request, or at the FHIR server. The index holds pointers into the
// request's Documents (and any fetched ones) and never copies JSON.
//
// Not thread-safe for writes; build it, then read it from one request's evaluation.
// REQUIRES: every Document added outlives the index.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/json.h"

namespace cds::fhir {

class ResourceIndex {
 public:
  // Adds a resource, under "Type/id" and, when given, its Bundle fullUrl. A later
  // resource with the same key does not replace the first.
  void Add(const json::Value& resource, std::string_view full_url = "");
  // Adds every entry of a Bundle, descending into nested Bundles (as batch responses have)
  // in document order, so the first occurrence of a key as written is the one kept.
  void AddBundle(const json::Value& bundle);

  const json::Value* Find(std::string_view type, std::string_view id) const;
  // The Bundle entry whose fullUrl is exactly `url`, or nullptr.
  const json::Value* FindByFullUrl(std::string_view url) const;

  // Resolves `reference` as written inside `from`: "#id" in from.contained, a fullUrl,
  // "Type/id", or an absolute URL ending in Type/id. nullptr when not in the request.
  const json::Value* Resolve(const json::Value& from, std::string_view reference) const;

  size_t size() const { return by_key_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, const json::Value*, Hash, std::equal_to<>>;
  Map by_key_;       // "Type/id"
  Map by_full_url_;  // Bundle.entry.fullUrl
};

}  // namespace cds::fhir
