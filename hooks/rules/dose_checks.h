// Dose checks shared by the prescribing rules (duloxetine-dose, tca-dose, midodrine-dose):
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
// A rule states which of the four checks its knowledge may configure (DoseRuleSpec); any
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

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fhir/coding.h"

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

// The checks a dose rule may configure.
struct DoseRuleSpec {
  bool daily_range = false;
  bool single_dose = false;
  bool administrations = false;
  bool bedtime = false;
  std::string trigger;      // for docs/rules.md
  std::string suggestions;  // for docs/rules.md
};

StatusOr<std::unique_ptr<Rule>> MakeDoseRule(const RuleBuildContext& ctx, const DoseRuleSpec& spec);

// Mosteller body surface area in m2: sqrt(height_cm * weight_kg / 3600).
double MostellerBsa(double height_cm, double weight_kg);

// Does `value` lie within `tolerance` (a fraction, 0.1 = 10 %) of `target`, edges included?
// A relative slack of 1e-9 absorbs binary rounding at the edges.
bool WithinTolerance(double value, double target, double tolerance);

// A mass limit from knowledge: {"value"|"min"|"max": n, "unit": "mg"}, kept as written
// for cards and converted to mg for comparisons.
struct MassLimit {
  double value = 0;  // as written
  std::string unit;  // as written
  double mg = 0;
  std::string Text() const;  // "120 mg"
};
// Reads member `key` ("min", "max", "value") with the node's "unit"; kInvalidArgument
// naming the path when it is not a positive mass.
StatusOr<MassLimit> ParseMassLimit(const config::Node& n, std::string_view key);

}  // namespace cds::hooks
