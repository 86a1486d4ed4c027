// Rule dan-orthostatic-hypotension: Diabetic autonomic neuropathy with orthostatic hypotension.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/dan-orthostatic-hypotension.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDanOrthostaticHypotension(const RuleBuildContext& ctx);

}  // namespace cds::hooks
