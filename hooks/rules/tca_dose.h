// Rule tca-dose: an amitriptyline order outside 10-75 mg a day, a nortriptyline order
// outside 25-75 mg a day, or either not given at bedtime.
//
// Targets and the daily dose as in duloxetine-dose (dose_checks.h); each drug has its own
// range in knowledge/rules/tca-dose.json. "At bedtime" means every administration is at
// bedtime: timing.repeat.when HS or NIGHT, timing.code BED/QHS/HS, a timeOfDay from 20:00
// to 02:59, or bedtime words in the text ("at bedtime", "nightly", "qhs", "nocte") with at
// most one dose a day. A dose that cannot be computed: an info card, never a silent pass.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeTcaDose(const RuleBuildContext& ctx);

}  // namespace cds::hooks
