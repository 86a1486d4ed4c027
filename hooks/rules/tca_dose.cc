#include "hooks/rules/tca_dose.h"

#include "hooks/rules/dose_checks.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeTcaDose(const RuleBuildContext& ctx) {
  DoseRuleSpec spec;
  spec.daily_range = true;
  spec.bedtime = true;
  spec.trigger =
      "A draft tricyclic order (amitriptyline, nortriptyline) whose daily dose is outside the "
      "drug's "
      "range or that is not given at bedtime; info when the dose cannot be computed.";
  spec.suggestions =
      "None: the card names the dose or timing problem; the prescriber edits the order.";
  return MakeDoseRule(ctx, spec);
}

}  // namespace cds::hooks
