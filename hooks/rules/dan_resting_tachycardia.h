// Rule dan-resting-tachycardia (info; patient-view): diabetic autonomic neuropathy, the
// latest heart rate above `threshold` (100/min) and no current beta-blocker.
//
// The heart rate is the newest dated final/amended/corrected Observation in data key
// heartRate (LOINC 8867-4), taken within `max_age` (12 months): an older reading says
// nothing about the heart rate now. Exactly at the threshold does not fire; units are
// converted (/min, {beats}/min, "bpm"); a reading without a recognised unit, or whose
// comparator leaves the threshold open, is insufficient data. FHIR does not record
// whether a rate was taken at rest, so the card asks to confirm it at rest.
//
// Beta-blockers are the `beta_blockers` value set (metoprolol, bisoprolol, nebivolol);
// the card names them, as others are not recognised. Suggestions create a
// MedicationRequest for one of the cardioselective beta-blockers (at-most-one).
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDanRestingTachycardia(const RuleBuildContext& ctx);

}  // namespace cds::hooks
