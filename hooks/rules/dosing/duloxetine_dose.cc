// duloxetine-dose: what it checks and why, config/knowledge/rules/duloxetine-dose.json; how doses
// are read and compared, dose_rule.h.
#include "hooks/rules/dosing/dose_rule.h"

namespace cds::hooks {

RuleRegistration DuloxetineDoseRule() {
  return DoseRuleRegistration(
      "duloxetine-dose", {.daily_range = true},
      "None: the card names the dose problem; the prescriber edits the order.");
}

}  // namespace cds::hooks
