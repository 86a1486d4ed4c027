#include "hooks/rules/diabetic_neuropathy/hba1c.h"

#include <cmath>

#include "base/status_macros.h"

namespace cds::hooks {

StatusOr<double> HbA1cNgspPercent(const fhir::Quantity& q) {
  auto unit = fhir::CanonicalUnit(q);
  if (unit && *unit == "mmol/mol") {
    CDS_ASSIGN_OR_RETURN(double percent, fhir::HbA1cPercent(q));
    return std::round(percent * 10) / 10;
  }
  return fhir::ValueIn(q, "%");
}

StatusOr<fhir::Tri> HbA1cAbove(const fhir::Quantity& q, double target_percent) {
  CDS_ASSIGN_OR_RETURN(double percent, HbA1cNgspPercent(q));
  fhir::Quantity in_percent = q;
  in_percent.value = percent;
  in_percent.unit = "%";
  in_percent.system = fhir::kUcum;
  in_percent.code = "%";
  return fhir::IsAbove(in_percent, target_percent, "%");
}

}  // namespace cds::hooks
