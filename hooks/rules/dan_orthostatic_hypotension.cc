#include "hooks/rules/dan_orthostatic_hypotension.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDanOrthostaticHypotension(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
