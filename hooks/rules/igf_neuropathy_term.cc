#include "hooks/rules/igf_neuropathy_term.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeIgfNeuropathyTerm(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
