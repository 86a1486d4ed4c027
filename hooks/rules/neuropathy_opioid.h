// Rule neuropathy-opioid: Painful neuropathy and an active or newly ordered opioid.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/neuropathy-opioid.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeNeuropathyOpioid(const RuleBuildContext& ctx);

}  // namespace cds::hooks
