// HbA1c as the diabetic-neuropathy rules compare it: in NGSP percent, whichever unit the
// lab reported. Pure functions; thread-safe.
#pragma once

#include "base/status.h"

#include "fhir/coding.h"
#include "fhir/quantity.h"

namespace cds::hooks {

// HbA1c in NGSP percent. Percent values are taken as written; IFCC mmol/mol values are
// converted with the master equation and rounded to one decimal, the precision at
// which NGSP results are reported (so 53 mmol/mol reads as 7.0 %, not 7.0004 %).
// kInvalidArgument for a missing or unknown unit: never assumed.
StatusOr<double> HbA1cNgspPercent(const fhir::Quantity& q);
// Is the HbA1c above `target_percent`? kUnknown when a comparator leaves it open.
StatusOr<fhir::Tri> HbA1cAbove(const fhir::Quantity& q, double target_percent);

}  // namespace cds::hooks
