// Rule dan-screening-due (info; patient-view): screening for diabetic autonomic
// neuropathy is due -- type 2 diabetes from diagnosis, type 1 diabetes from
// `type1_due_after` (5 years) after onset -- and none is recorded within `interval`
// (12 months).
//
// Diabetes type comes from current Conditions: type 2 wins when both are coded. The
// type 1 onset is bounded from above by the earliest onset (onsetDateTime /
// onsetPeriod.start, else recordedDate) of any current type 1 condition, complications
// included, since diabetes precedes them: due when that bound is at least 5 years ago
// (day-granular); not yet due when it is an explicit onset less than 5 years ago;
// otherwise -- a coarse date straddling the boundary, or only a recent recordedDate --
// insufficient data, no card. Diabetes of unrecorded type is due only once it is known
// to be 5 years old (due under either type). A patient whose autonomic neuropathy is
// already diagnosed (`already_diagnosed`) is past screening: no card.
//
// Screening record: terminology.md has no verified code for an autonomic neuropathy
// screening test. When `screening_procedures` names a value set, a completed Procedure
// with one of its codes within `interval` suppresses the card. Without it (the bundled
// default) the card says plainly that a screening cannot be verified from the record,
// rather than claiming that none was done.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDanScreeningDue(const RuleBuildContext& ctx);

}  // namespace cds::hooks
