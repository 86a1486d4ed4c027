// midodrine-dose: what it checks and why, config/knowledge/rules/midodrine-dose.json; how doses are
// read and compared, dose_rule.h.
#include "hooks/rules/dosing/dose_rule.h"

namespace cds::hooks {

RuleRegistration MidodrineDoseRule() {
  return DoseRuleRegistration(
      "midodrine-dose", {.single_dose = true, .administrations = true},
      "None: the card names the dose problem; the prescriber edits the order.");
}

}  // namespace cds::hooks
