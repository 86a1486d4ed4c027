// Rule dpn-pain-first-line: Painful diabetic neuropathy without duloxetine, pregabalin or gabapentin.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/dpn-pain-first-line.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDpnPainFirstLine(const RuleBuildContext& ctx);

}  // namespace cds::hooks
