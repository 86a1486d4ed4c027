#include "hooks/rules/neuropathy_opioid.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeNeuropathyOpioid(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
