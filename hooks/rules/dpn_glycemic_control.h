// Rule dpn-glycemic-control (info; patient-view): diabetic neuropathy and either no
// HbA1c within `recent_within` (6 months), or the latest HbA1c above `target` (7 %).
//
// The patient has diabetic neuropathy when a current Condition (active, not refuted or
// entered in error) is in the `neuropathy` value set. HbA1c results come from data key
// neuropathyLabs; only final/amended/corrected results count. "Within 6 months" is
// day-granular: a result dated on the window's first day counts; a result whose date
// is too coarse to place inside the window does not. Values in % or mmol/mol are
// converted (HbA1cNgspPercent); exactly at the target does not fire. A recent latest
// result with no value, an unknown unit or a comparator that leaves the target open is
// insufficient data: no card, never read as "controlled".
//
// The "no HbA1c" card suggests an HbA1c ServiceRequest. Never fires on data it could
// not read (conditions or labs unavailable): the engine answers 412 or says so.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDpnGlycemicControl(const RuleBuildContext& ctx);

}  // namespace cds::hooks
