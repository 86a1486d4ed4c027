// The dose rule shared by the prescribing rules (duloxetine-dose, tca-dose, midodrine-dose):
// one rule, configured per drug, that reads each target draft MedicationRequest's
// dosageInstruction (fhir/dosage.h) and compares it with the drug's limits.
//
// Knowledge (the rule's file):
//   "drugs": [{"label": "Duloxetine", "codes": "<value set>",
//              "daily_dose": {"min": 60, "max": 120, "unit": "mg"},      (daily_range)
//              "single_dose": {"max": 10, "unit": "mg"},                (single_dose)
//              "max_administrations_per_day": 4,                       (administrations)
//              "at_bedtime": true}],                                   (bedtime)
//   "findings": {"daily_above", "daily_below", "single_dose_above",
//                "too_many_administrations", "not_at_bedtime", "not_computable"}
//                (placeholders {daily} {dose} {count} {min} {max} {why}),
//   "summary", "detail"                  the warning card ({drug} {findings}
//                                        {findings_list} {dosage} {limits}),
//   "summary_not_computable", "detail_not_computable"   the info card (... {why}).
// A rule states which of the four checks its knowledge may configure (DoseChecks); any
// other key is an error at load.
//
// Which doses a limit applies to (clinical judgement, also in each knowledge file):
//  - a maximum (daily, single dose, doses a day) applies to every step of a titration and
//    to the high end of a range or of an as-needed schedule;
//  - a daily minimum applies to the last step only (earlier steps are the titration) and
//    to the low end of a range; for a dose that is all "as needed" there is no low end,
//    so the most that may be taken is compared instead;
//  - bedtime must hold for every step.
// One card per order: a warning listing every finding (a dose that could not be computed
// is listed too), else an info card when any check could not be made -- never a silent
// pass. Immutable; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "hooks/rule_kit/rule_basics.h"

namespace cds::hooks {

// The checks a dose rule's knowledge may configure.
struct DoseChecks {
  bool daily_range = false;      // drugs[].daily_dose {min?, max?, unit}
  bool single_dose = false;      // drugs[].single_dose {max, unit}
  bool administrations = false;  // drugs[].max_administrations_per_day
  bool bedtime = false;          // drugs[].at_bedtime
};

// The registration of dose rule `id` making `checks`; `suggestions` is for docs/rules.md.
RuleRegistration DoseRuleRegistration(std::string_view id, DoseChecks checks,
                                      std::string suggestions);

}  // namespace cds::hooks
