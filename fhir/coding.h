// Codings, CodeableConcepts and code sets.
//
// A CodeSet answers "is this cc one of ours?" by exact system + code across every
// coding of a CodeableConcept, never by display text. Prefix entries cover hierarchical
// systems such as ATC, where "N02A" stands for every opioid below it.
//
// Views (CodingView) point into the parsed request and live as long as its Document.
// A CodeSet is immutable after construction and safe to share between threads.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/json.h"

namespace cds::fhir {

// Code system URIs the service reads (sources in ../shared/terminology.md).
inline constexpr std::string_view kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
inline constexpr std::string_view kLoinc = "http://loinc.org";
inline constexpr std::string_view kSnomed = "http://snomed.info/sct";
inline constexpr std::string_view kIcd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr std::string_view kUcum = "http://unitsofmeasure.org";
inline constexpr std::string_view kAtc = "http://www.whocc.no/atc";
inline constexpr std::string_view kV3Interpretation =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

struct CodingView {
  std::string_view system;
  std::string_view code;
  std::string_view display;
};

// Reads a Coding object; nullopt unless it has string `system` and `code`.
std::optional<CodingView> ReadCoding(const json::Value& coding);

// Calls f(CodingView) for each well-formed coding of a CodeableConcept value.
void ForEachCoding(const json::Value& cc, const std::function<void(const CodingView&)>& f);

// The human text of a CodeableConcept: `text`, else the first coding display, else "".
std::string_view ConceptText(const json::Value& cc);

class CodeSet {
 public:
  CodeSet() = default;

  void Add(std::string_view system, std::string_view code);
  // Every code of `system` that starts with `prefix` (e.g. ATC "N02A").
  void AddPrefix(std::string_view system, std::string_view prefix);
  void AddAll(const CodeSet& other);

  bool Contains(std::string_view system, std::string_view code) const;
  // The first coding of `cc` (a CodeableConcept) that is in the set.
  std::optional<CodingView> FirstMatch(const json::Value& cc) const;
  bool Matches(const json::Value& cc) const { return FirstMatch(cc).has_value(); }
  // Member `key` of `resource` as a CodeableConcept (e.g. Observation.code).
  bool MatchesMember(const json::Value& resource, std::string_view key) const;

  bool empty() const { return codes_.empty() && prefixes_.empty(); }
  size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using CodeTable = std::unordered_set<std::string, Hash, std::equal_to<>>;
  std::unordered_map<std::string, CodeTable, Hash, std::equal_to<>> codes_;
  std::unordered_map<std::string, std::vector<std::string>, Hash, std::equal_to<>> prefixes_;
};

}  // namespace cds::fhir
