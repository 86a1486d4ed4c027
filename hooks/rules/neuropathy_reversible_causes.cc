#include "hooks/rules/neuropathy_reversible_causes.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeNeuropathyReversibleCauses(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
