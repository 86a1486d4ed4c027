#include "hooks/rules/rituximab_dose_check.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeRituximabDoseCheck(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
