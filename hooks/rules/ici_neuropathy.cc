#include "hooks/rules/ici_neuropathy.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeIciNeuropathy(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
