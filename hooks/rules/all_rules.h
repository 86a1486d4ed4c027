// The single, ordered list of rule implementations. Adding a rule is one line here plus
// its files; nothing registers itself.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

using RuleFactory = StatusOr<std::unique_ptr<Rule>> (*)(const RuleBuildContext&);

struct RuleRegistration {
  std::string_view id;
  RuleFactory make;
};

const std::vector<RuleRegistration>& AllRules();

}  // namespace cds::hooks
