// Rule igm-flare-risk: rituximab with a latest serum IgM at or above the threshold
// (4 g/dL = 4000 mg/dL = 40 g/L by default), where an IgM flare follows in 40-50%.
//
// The latest usable IgM result is converted from its own unit before comparing; a
// comparator that leaves the answer open ("<5 g/dL") or a unit that cannot be
// converted means no card and a debug note, never a guess. Suggests a ServiceRequest
// for plasmapheresis.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeIgmFlareRisk(const RuleBuildContext& ctx);

}  // namespace cds::hooks
