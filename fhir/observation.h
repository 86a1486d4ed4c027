// Observation: lab results and vital signs as the rules read them.
//
// Only results with status final, amended or corrected are clinical facts
// (HasUsableStatus); preliminary, registered, cancelled and entered-in-error never count.
// The time of a result is effectiveDateTime / effectiveInstant, else the span of
// effectivePeriod, else `issued`.
//
// Qualitative results (HBsAg "positive") are read, in this order, from
// valueCodeableConcept (SNOMED CT qualifier values or v3/v2 interpretation codes),
// valueString (an exact word such as "reactive"; free sentences are not guessed at) and
// `interpretation` (POS, NEG, DET, ND, RR, NR, A, AA, N, IND, E). A purely numeric result
// has no qualitative reading here; the rule applies its own configured cut-off.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/decimal.h"

#include "fhir/datetime.h"
#include "fhir/quantity.h"
#include "fhir/resource.h"

namespace cds::fhir {

enum class Qualitative { kUnknown, kPositive, kNegative, kIndeterminate };
std::string_view QualitativeName(Qualitative q);  // "positive", "negative", ...

class Observation : public ResourceView {
 public:
  using ResourceView::ResourceView;

  std::string_view status() const { return json::GetString(*v_, "status").value_or(""); }
  bool HasUsableStatus() const;
  const json::Value* code() const { return json::GetObject(*v_, "code"); }
  std::optional<FhirDateTime> EffectiveTime() const;

  std::optional<Quantity> ValueQuantity() const { return GetQuantity(*v_, "valueQuantity"); }
  std::optional<std::string_view> ValueString() const {
    return json::GetString(*v_, "valueString");
  }
  const json::Value* ValueConcept() const { return json::GetObject(*v_, "valueCodeableConcept"); }
  Qualitative QualitativeResult() const;

  // The result as a clinician reads it ("positive", "<5 g/dL", "4.2 g/dL"), for card
  // detail text. "" when there is no value.
  std::string ValueText() const;
};

// Maps one word ("Reactive", "not detected") to a qualitative result.
Qualitative QualitativeFromText(std::string_view text);

// Numbers are shown as base/decimal.h writes them ("4.2", "1000", "0.05").
using ::cds::FormatNumber;

}  // namespace cds::fhir
