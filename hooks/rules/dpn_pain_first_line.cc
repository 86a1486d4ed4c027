#include "hooks/rules/dpn_pain_first_line.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDpnPainFirstLine(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
