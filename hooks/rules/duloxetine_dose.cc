#include "hooks/rules/duloxetine_dose.h"

#include "hooks/rules/dose_checks.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDuloxetineDose(const RuleBuildContext& ctx) {
  DoseRuleSpec spec;
  spec.daily_range = true;
  spec.trigger =
      "A draft duloxetine order whose daily dose (dose x frequency) is outside the range, or "
      "cannot be "
      "computed (info).";
  spec.suggestions = "None: the card names the dose problem; the prescriber edits the order.";
  return MakeDoseRule(ctx, spec);
}

}  // namespace cds::hooks
