// Rule rituximab-response-monitoring: Rituximab for neuropathy in the last 12 months and no CD19+ count since the last dose.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/rituximab-response-monitoring.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeRituximabResponseMonitoring(const RuleBuildContext& ctx);

}  // namespace cds::hooks
