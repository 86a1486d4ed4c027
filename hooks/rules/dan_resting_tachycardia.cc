#include "hooks/rules/dan_resting_tachycardia.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDanRestingTachycardia(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
