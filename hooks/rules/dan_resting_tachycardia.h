// Rule dan-resting-tachycardia: Autonomic neuropathy, resting heart rate above 100/min and no beta-blocker.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/dan-resting-tachycardia.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDanRestingTachycardia(const RuleBuildContext& ctx);

}  // namespace cds::hooks
