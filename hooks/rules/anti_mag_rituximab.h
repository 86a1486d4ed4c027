// Rule anti-mag-rituximab (patient-view): IgM anti-MAG / IgM paraproteinaemic neuropathy
// and no rituximab.
//
// No code names anti-MAG neuropathy (terminology.md, section 4, note 5), so the diagnosis
// is recognised from combinations, each needing a current neuropathy condition
// (`neuropathy`: non-specific neuropathy incl. G63, CIDP):
//   1. the latest readable anti-MAG IgM result (LOINC 39087-2) is positive (qualitative
//      positive, or an interpretation flag in `anti_mag_positive_interpretations`, H/HH);
//   2. a current Waldenstrom macroglobulinaemia condition (IgM by definition);
//   3. a current monoclonal gammopathy (MGUS, D47.2) whose text says "IgM" (and not
//      "non-IgM"): MGUS without an isotype is not enough -- IgG/IgA paraproteinaemic
//      neuropathy is not treated with rituximab first line.
// "No rituximab": no rituximab record (order, administration, statement) within
// `rituximab.lookback` and none active. The info card gives the regimens (375 mg/m2
// weekly x 4 for mild-moderate; 1000 mg day 1 and 15 for severe or rapidly progressive,
// stressed when a condition's severity is severe), pain treatment, and whether onset
// is within the 24 months in which treatment responds better.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeAntiMagRituximab(const RuleBuildContext& ctx);

}  // namespace cds::hooks
