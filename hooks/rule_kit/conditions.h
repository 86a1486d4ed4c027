// Conditions on the problem list, as rules ask about them: "does the patient have X now?"
// A current condition is active (or recurrence, relapse) and neither refuted nor entered
// in error (fhir/condition.h). Pure functions over views into the request; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fhir/coding.h"
#include "fhir/condition.h"

#include "hooks/rule.h"
#include "hooks/rule_kit/card_maker.h"

namespace cds::hooks {

// Current conditions with a code in `codes`, from data key "conditions"; nullopt while
// that key is not known (recorded in `out`).
std::optional<std::vector<fhir::Condition>> CurrentConditionsIn(const RuleContext& ctx,
                                                                const fhir::CodeSet& codes,
                                                                RuleOutcome& out);

// "Condition/12: Neuropathy due to type 2 diabetes mellitus, active (onset 2019-11-12)".
Evidence ConditionEvidence(const fhir::Condition& c, std::string note = "");

}  // namespace cds::hooks
