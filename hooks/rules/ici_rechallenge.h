// Rule ici-rechallenge (order-select: selected orders; order-sign: every draft): a
// checkpoint inhibitor ordered for a patient who had checkpoint-inhibitor neuropathy.
//
//   critical  Guillain-Barre syndrome, or any neuropathy that ever reached grade 3-4:
//             permanently discontinue (suggests removing the draft order);
//   warning   a grade 2 neuropathy not yet back to grade <= 1: hold;
//   warning   an ICI neuropathy whose grade is not recorded (or whose latest grade
//             Observation cannot be read): confirm the grade before re-challenge.
// Past (resolved, inactive) conditions count for the peak grade: a grade 3 neuropathy
// that has resolved still forbids re-challenge. "ICI neuropathy" needs a checkpoint
// inhibitor on record (not the draft) and, when attribution is on, an onset not before
// it (ici_grade.h). Resolution to grade <= 1 is the latest CTCAE grade Observation, or,
// without one, every qualifying condition no longer being active.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeIciRechallenge(const RuleBuildContext& ctx);

}  // namespace cds::hooks
