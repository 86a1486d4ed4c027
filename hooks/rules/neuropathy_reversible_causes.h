// Rule neuropathy-reversible-causes (info; patient-view): a current peripheral
// neuropathy (diabetic included) and any of the configured reversible-cause tests --
// HbA1c, vitamin B12, TSH, vitamin B6, folate, serum protein electrophoresis -- without
// a final/amended/corrected result within `window` (12 months).
//
// A test counts as done when a usable result with one of its codes is dated inside the
// window (day-granular; a coarse date that may fall inside counts). Values are not
// interpreted: an abnormal result is a finding for the clinician, not a missing test.
// The card lists the missing tests, shows the last older result of each when there is
// one, and suggests one ServiceRequest per missing test (selectionBehavior "any").
//
// Never fires on data it could not read (conditions or labs unavailable).
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeNeuropathyReversibleCauses(const RuleBuildContext& ctx);

}  // namespace cds::hooks
