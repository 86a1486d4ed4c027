// Rule igf-neuropathy-term: A condition described as 'IGF neuropathy' with no recognised neuropathy code.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/igf-neuropathy-term.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeIgfNeuropathyTerm(const RuleBuildContext& ctx);

}  // namespace cds::hooks
