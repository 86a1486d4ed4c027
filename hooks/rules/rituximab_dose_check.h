// Rule rituximab-dose-check: the ordered rituximab dose fits none of the regimens.
//
// On order-select (selected orders) and order-sign (every draft), each rituximab
// MedicationRequest's dose per administration (fhir/dosage.h; every instruction) is
// compared with the knowledge's regimens, by default 375 mg/m2 (within 10 %) and a fixed
// 1000 mg (the day 1 and day 15 regimen):
//  - a dose written per m2 is compared with the per-m2 regimens directly;
//  - a dose in mg is first compared with the fixed doses, and only if none fits does the
//    rule read bodyMeasurements: body surface area by Mosteller from the latest height and
//    weight (units converted: cm, m, in; kg, g, lb), expected dose = 375 x BSA;
//  - fitting nothing: a warning that shows the computed expected dose and range.
// Height or weight missing (none on file, a weight older than `weight_valid_for`, or a
// value without a usable unit): an info card saying the dose could not be checked. So is a
// dose that cannot be read (mL, tablets, no dose). bodyMeasurements that could not be
// fetched never yields a card here: the engine answers 412 or says the check was not made.
// Subcutaneous rituximab (Rituxan Hycela, fixed SC doses) is excluded by value set.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeRituximabDoseCheck(const RuleBuildContext& ctx);

}  // namespace cds::hooks
