// Rule duloxetine-dose: a duloxetine order whose daily dose is outside 60-120 mg.
//
// On order-select (the selected orders) and order-sign (every draft), each duloxetine
// MedicationRequest (any product, matched by code or through medicationReference) has its
// daily dose computed from dosageInstruction (fhir/dosage.h): 30 mg twice a day is 60 mg.
// Above the maximum, or -- for the last step of a titration -- below the minimum: a
// warning. A daily dose that cannot be computed (tablets without a strength, no
// frequency, "as needed" without one): an info card saying the dose was not checked,
// never a silent pass. The limits, texts and drug codes are in
// knowledge/rules/duloxetine-dose.json; the checks are in dose_checks.h.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDuloxetineDose(const RuleBuildContext& ctx);

}  // namespace cds::hooks
