// Rule dan-screening-due: Autonomic neuropathy screening due and none recorded in 12 months.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/dan-screening-due.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDanScreeningDue(const RuleBuildContext& ctx);

}  // namespace cds::hooks
