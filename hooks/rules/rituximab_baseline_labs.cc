#include "hooks/rules/rituximab_baseline_labs.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeRituximabBaselineLabs(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
