// Rule rituximab-baseline-labs (order-select, order-sign): before rituximab, immunoglobulins
// (IgG, IgA, IgM), a complete blood count and a CD19+ B-cell count within `window`
// (90 days).
//
// A test counts when a final/amended/corrected Observation with one of its codes carries a
// result (a value, panel members or components; no dataAbsentReason) and is dated within
// the window -- the whole of a partial date must lie inside it. A CBC counts as a panel or
// as its leukocyte, haemoglobin and platelet counts together (`or_all_of`). A test drafted
// in this order session is not missing. The info card lists what is missing and suggests
// ServiceRequests for it. A lab query that could not be read leaves the rule undecided:
// it never reports a test "missing" that it could not see.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeRituximabBaselineLabs(const RuleBuildContext& ctx);

}  // namespace cds::hooks
