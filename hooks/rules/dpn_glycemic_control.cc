#include "hooks/rules/dpn_glycemic_control.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDpnGlycemicControl(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
