#include "hooks/rules/tca_dose.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeTcaDose(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
