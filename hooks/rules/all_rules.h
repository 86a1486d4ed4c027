// The single, ordered list of rule implementations. Adding a rule is one line in
// all_rules.cc plus its files; nothing registers itself.
#pragma once

#include <vector>

#include "hooks/rule_kit/rule_basics.h"

namespace cds::hooks {

const std::vector<RuleRegistration>& AllRules();

}  // namespace cds::hooks
