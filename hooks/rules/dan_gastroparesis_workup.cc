#include "hooks/rules/dan_gastroparesis_workup.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDanGastroparesisWorkup(const RuleBuildContext& ctx) {
  return InternalError("rule '" + ctx.basics().id + "' is not implemented yet");
}

}  // namespace cds::hooks
