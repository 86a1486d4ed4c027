// Rule ici-neuropathy: Checkpoint-inhibitor exposure with neuropathy, GBS or cranial neuropathy, managed by grade.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/ici-neuropathy.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeIciNeuropathy(const RuleBuildContext& ctx);

}  // namespace cds::hooks
