// Rule dan-gastroparesis-workup: Gastroparesis without a gastric emptying study.
// (Implementation pending: issue 3. The factory fails until the rule is written, and a
// rule only runs once its knowledge/rules/dan-gastroparesis-workup.json exists.)
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDanGastroparesisWorkup(const RuleBuildContext& ctx);

}  // namespace cds::hooks
