// Rule hbv-prophylaxis-missing: rituximab for a patient with positive HBsAg or total
// anti-HBc and no antiviral prophylaxis (critical).
//
// "Positive" is the latest readable result of each marker. Prophylaxis is an active or
// on-hold MedicationRequest, a current MedicationStatement, or any draft order in this
// session for an antiviral of the configured value set (entecavir, tenofovir disoproxil,
// tenofovir alafenamide). The recommended suggestion creates entecavir 0.5 mg orally
// once daily; alternatives create tenofovir. An HBsAg-positive patient also gets HBV DNA
// and a hepatology referral in the detail. Medication records whose drug could not be
// identified are named in the detail rather than silently counted either way.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeHbvProphylaxisMissing(const RuleBuildContext& ctx);

}  // namespace cds::hooks
