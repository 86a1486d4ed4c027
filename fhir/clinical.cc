#include "fhir/clinical.h"

namespace cds::fhir {

std::optional<FhirDateTime> Procedure::Performed() const {
  if (auto t = GetDateTime(*v_, "performedDateTime")) return t;
  if (auto p = GetPeriod(*v_, "performedPeriod")) {
    FhirDateTime span = p->start ? *p->start : *p->end;
    if (p->start && p->end) span.end = p->end->end;
    return span;
  }
  return std::nullopt;
}

}  // namespace cds::fhir
