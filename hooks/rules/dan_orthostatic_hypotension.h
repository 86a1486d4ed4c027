// Rule dan-orthostatic-hypotension (info; patient-view): diabetic autonomic neuropathy
// and orthostatic hypotension, both current Conditions, and no current midodrine.
//
// The card gives non-drug measures first (gradual position changes, leg crossing,
// fluids and salt, compression garments), then midodrine, and offers a midodrine
// MedicationRequest that is not pre-selected (isRecommended is left unset: drug
// treatment comes after the non-drug measures). A current midodrine order or statement
// means the advice has been acted on: no card (its dose is midodrine-dose's concern).
// Orthostatic hypotension is read from Conditions only; blood pressure measurements
// are not interpreted. Never fires on data it could not read.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDanOrthostaticHypotension(const RuleBuildContext& ctx);

}  // namespace cds::hooks
