#include "hooks/rules/anti_mag_rituximab.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeAntiMagRituximab(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
