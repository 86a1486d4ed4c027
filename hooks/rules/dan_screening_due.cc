#include "hooks/rules/dan_screening_due.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDanScreeningDue(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
