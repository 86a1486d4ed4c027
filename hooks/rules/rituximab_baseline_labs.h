// Rule rituximab-baseline-labs: Immunoglobulins, CBC and CD19+ B cells within 90 days before rituximab.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/rituximab-baseline-labs.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeRituximabBaselineLabs(const RuleBuildContext& ctx);

}  // namespace cds::hooks
