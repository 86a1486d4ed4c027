// Medication use on the record and in the order session, for rules that ask "is the
// patient taking drug X?" (first-line pain drugs, midodrine, beta-blockers, opioids).
//
// Everything here reads the request through RuleContext, so the rules keep the engine's
// contract: a data key that has not been fetched, or could not be read, is recorded in
// the RuleOutcome and the function answers "not known yet" (nullopt), never "none". Code
// lists come from knowledge value sets; nothing here names a code.
//
// Pure functions over views into the request; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/coding.h"
#include "fhir/datetime.h"

#include "hooks/rule.h"
#include "hooks/rule_kit/card_maker.h"
#include "hooks/rule_kit/data_keys.h"

namespace cds::hooks {

// A medication record (or draft order) whose drug is in a value set.
struct DrugRecord {
  std::string key;                         // "MedicationRequest/12"
  std::string name;                        // the drug as written; "(unnamed medication)" if none
  std::string status;                      // the record's status
  std::optional<fhir::FhirDateTime> when;  // authoredOn / effective
  Evidence ToEvidence(std::string note = "") const;
};

struct DrugUse {
  std::vector<DrugRecord> current;       // active/on-hold orders, current statements
  std::vector<DrugRecord> past;          // completed or stopped orders and statements
  std::vector<DrugRecord> unidentified;  // current records whose drug could not be identified
};

// Data keys FindDrugUse reads.
inline const std::vector<std::string_view> kMedicationUseDataKeys = {kMedicationRequests,
                                                                     kMedicationStatements};

// Uses of `drugs` in medicationRequests and medicationStatements. Current means a
// MedicationRequest that is active or on-hold, or a MedicationStatement that is active,
// intended or on-hold; a current record's medicationReference is followed, fetching
// the Medication if needed. Past (completed, stopped) records only add evidence, so
// they are matched from what the request holds and never cause a fetch. nullopt while
// either key is not known (recorded in `out`).
std::optional<DrugUse> FindDrugUse(const RuleContext& ctx, const fhir::CodeSet& drugs,
                                   RuleOutcome& out);

// Draft MedicationRequests of this order session whose drug is in `drugs`: the target
// orders (order-select: selected; order-sign: all) or, with `all`, every draft.
std::vector<DrugRecord> MatchingDraftOrders(const RuleContext& ctx, const fhir::CodeSet& drugs,
                                            bool all, RuleOutcome& out);

}  // namespace cds::hooks
