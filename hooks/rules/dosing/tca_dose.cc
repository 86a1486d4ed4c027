// tca-dose: what it checks and why, config/knowledge/rules/tca-dose.json; how doses are
// read and compared, dose_rule.h.
#include "hooks/rules/dosing/dose_rule.h"

namespace cds::hooks {

RuleRegistration TcaDoseRule() {
  return DoseRuleRegistration(
      "tca-dose", {.daily_range = true, .bedtime = true},
      "None: the card names the dose or timing problem; the prescriber edits the order.");
}

}  // namespace cds::hooks
