// Rule tca-dose: Amitriptyline or nortriptyline outside their daily ranges, or not at bedtime.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/tca-dose.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeTcaDose(const RuleBuildContext& ctx);

}  // namespace cds::hooks
