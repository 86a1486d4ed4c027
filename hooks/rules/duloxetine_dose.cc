#include "hooks/rules/duloxetine_dose.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDuloxetineDose(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
