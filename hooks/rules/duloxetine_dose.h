// Rule duloxetine-dose: Daily duloxetine outside 60-120 mg.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/duloxetine-dose.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDuloxetineDose(const RuleBuildContext& ctx);

}  // namespace cds::hooks
