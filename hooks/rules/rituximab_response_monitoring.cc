#include "hooks/rules/rituximab_response_monitoring.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeRituximabResponseMonitoring(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
