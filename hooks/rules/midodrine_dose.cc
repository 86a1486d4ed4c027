#include "hooks/rules/midodrine_dose.h"

#include "hooks/rules/dose_checks.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeMidodrineDose(const RuleBuildContext& ctx) {
  DoseRuleSpec spec;
  spec.single_dose = true;
  spec.administrations = true;
  spec.trigger =
      "A draft midodrine order with a single dose above the maximum or more doses a day than "
      "allowed; "
      "info when either cannot be read.";
  spec.suggestions = "None: the card names the dose problem; the prescriber edits the order.";
  return MakeDoseRule(ctx, spec);
}

}  // namespace cds::hooks
