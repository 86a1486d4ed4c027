// Rule dpn-glycemic-control: Diabetic neuropathy with no HbA1c in 6 months, or the latest above target.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/dpn-glycemic-control.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDpnGlycemicControl(const RuleBuildContext& ctx);

}  // namespace cds::hooks
