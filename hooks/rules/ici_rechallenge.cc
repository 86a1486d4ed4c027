#include "hooks/rules/ici_rechallenge.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeIciRechallenge(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
