// Is this medication record, or this draft order, one of the drugs in a CodeSet?
//
// Looks at medicationCodeableConcept, or follows medicationReference (contained, in the
// request's Bundles, or read from the FHIR server through the RuleContext) to a
// Medication whose code -- or any ingredient's code, e.g. the rituximab in Rituxan
// Hycela -- is in the set. kUnknown means the drug could not be identified yet: a read
// is pending (recorded in `out`) or the reference leads nowhere.
#pragma once

#include <string>

#include "fhir/coding.h"
#include "fhir/quantity.h"

#include "hooks/rule.h"

namespace cds::hooks {

struct DrugMatch {
  fhir::Tri result = fhir::Tri::kNo;
  std::string name;  // the drug as written (coding display or text), for evidence
};

DrugMatch MatchDrug(const RuleContext& ctx, const json::Value& use, const fhir::CodeSet& drugs,
                    RuleOutcome& out);

}  // namespace cds::hooks
