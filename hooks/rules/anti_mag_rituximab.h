// Rule anti-mag-rituximab: IgM anti-MAG / IgM paraproteinaemic neuropathy and no rituximab.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/anti-mag-rituximab.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeAntiMagRituximab(const RuleBuildContext& ctx);

}  // namespace cds::hooks
