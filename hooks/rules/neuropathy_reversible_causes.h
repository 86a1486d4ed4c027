// Rule neuropathy-reversible-causes: Peripheral neuropathy with reversible-cause labs missing in 12 months.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/neuropathy-reversible-causes.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeNeuropathyReversibleCauses(const RuleBuildContext& ctx);

}  // namespace cds::hooks
