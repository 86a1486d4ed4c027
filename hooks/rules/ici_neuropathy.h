// Rule ici-neuropathy (patient-view): immune-checkpoint-inhibitor (ICI) exposure with a
// peripheral neuropathy, Guillain-Barre or cranial neuropathy condition, managed by grade.
//
// Fires when a checkpoint inhibitor is active or was given within `exposure.lookback`
// (6 months) and a current qualifying condition is attributable to it (ici_grade.h). The
// grade comes from the latest CTCAE grade Observation, else Condition.severity, with the
// cranial (>= 2) and Guillain-Barre (>= 3) floors:
//   grade 1    warning: hold, or continue with close monitoring; reassess in a week;
//   grade 2    warning: hold; prednisone 0.5-1 mg/kg/day computed in mg from the latest
//              weight; resume at grade <= 1; neuropathic pain drugs;
//   grade 3-5  critical: permanently discontinue, admit, neurology, IV methylprednisolone
//              2-4 mg/kg/day computed, pulse / IVIG / plasmapheresis, work-up orders;
//   unknown    warning: grade it, with both dose ranges shown.
// A latest grade of 0 means resolved: no card. Doses, ranges, texts and orders are in
// knowledge/rules/ici-neuropathy.json. A weight that is missing, stale, implausible or
// unreadable leaves the dose "not computed" with the reason; it never withholds the card.
// Current corticosteroid or IVIG orders are listed as evidence, never used to stay silent.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeIciNeuropathy(const RuleBuildContext& ctx);

}  // namespace cds::hooks
