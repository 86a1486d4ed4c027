// Rule hbv-serology-missing: rituximab without usable hepatitis B serology.
//
// Fires (warning) when rituximab exposure (drug_exposure.h) meets a patient with no
// usable HBsAg or total anti-HBc result: a negative counts for `negative_valid_for`
// (12 months), a positive whenever it was taken; indeterminate or unreadable results do
// not count. Optional tests (anti-HBs) are listed too; if only they are missing the card
// is `info`. A test already drafted in this order session is not missing. If a required
// test is positive the patient is known to be exposed to HBV and the prophylaxis rule
// speaks instead. The card suggests ServiceRequests for the missing tests.
//
// Never fires on data it could not read: an unavailable serology query leaves the rule
// undecided (the engine answers 412 or says the check could not be made).
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeHbvSerologyMissing(const RuleBuildContext& ctx);

}  // namespace cds::hooks
