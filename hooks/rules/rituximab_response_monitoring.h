// Rule rituximab-response-monitoring (patient-view): rituximab given for neuropathy
// within `exposure.lookback` (12 months) and no CD19+ B-cell count since the last dose.
//
// "For neuropathy": a reasonCode or reasonReference (to one of the patient's Conditions)
// on any rituximab record naming a neuropathy in `indications`; when no rituximab record
// names a reason, a current condition in `indications` on the problem list. A record that
// names only other reasons (e.g. lymphoma) means rituximab was not given for neuropathy.
//
// "Last dose": the latest rituximab administration (completed, in progress or stopped);
// without administrations, the latest order date or statement start. A CD19+ count counts
// only if dated wholly after the last dose's day (a same-day sample is taken to be the
// pre-infusion baseline). With no dated dose, any count within the lookback counts.
// The info card suggests a CD19+ count and names the response scales (INCAT, I-RODS, MRC
// sum score, NIS) to use at 2-4 weeks.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeRituximabResponseMonitoring(const RuleBuildContext& ctx);

}  // namespace cds::hooks
