// Rule ici-rechallenge: A checkpoint inhibitor ordered after grade 3-4 (or unresolved grade 2) ICI neuropathy.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/ici-rechallenge.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeIciRechallenge(const RuleBuildContext& ctx);

}  // namespace cds::hooks
