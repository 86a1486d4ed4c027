// Rule midodrine-dose: a midodrine order above 10 mg a dose or more than 4 doses a day.
//
// Targets as in duloxetine-dose (dose_checks.h). The single dose is the largest amount of
// one administration (the high end of a range); doses a day come from the timing (Q4H is
// 6; "as needed" counts the most allowed). Exactly 10 mg four times a day is within the
// limits. Either figure that cannot be read gives an info card, never a silent pass.
// Limits and texts: knowledge/rules/midodrine-dose.json.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeMidodrineDose(const RuleBuildContext& ctx);

}  // namespace cds::hooks
