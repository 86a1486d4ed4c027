#include "fhir/medication.h"

#include <cstdint>

namespace cds::fhir {
namespace {

std::optional<FhirDateTime> EffectiveOf(const json::Value& v, std::string_view dt_key,
                                        std::string_view period_key) {
  if (auto t = GetDateTime(v, dt_key)) return t;
  if (auto p = GetPeriod(v, period_key)) {
    FhirDateTime span = p->start ? *p->start : *p->end;
    if (p->start && p->end) span.end = p->end->end;
    // An open-ended period ("still taking it") reaches to the end of time.
    if (p->start && !p->end) span.end = INT64_MAX;
    return span;
  }
  return std::nullopt;
}

}  // namespace

std::optional<FhirDateTime> MedicationStatement::Effective() const {
  if (auto t = EffectiveOf(*v_, "effectiveDateTime", "effectivePeriod")) return t;
  return GetDateTime(*v_, "dateAsserted");
}

std::optional<FhirDateTime> MedicationAdministration::Effective() const {
  return EffectiveOf(*v_, "effectiveDateTime", "effectivePeriod");
}

}  // namespace cds::fhir
