// Rule rituximab-dose-check: Ordered rituximab dose fits neither 375 mg/m2 (Mosteller BSA) nor 1000 mg.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/rituximab-dose-check.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeRituximabDoseCheck(const RuleBuildContext& ctx);

}  // namespace cds::hooks
