// Rule midodrine-dose: Midodrine above 10 mg a dose or more than 4 doses a day.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/midodrine-dose.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeMidodrineDose(const RuleBuildContext& ctx);

}  // namespace cds::hooks
