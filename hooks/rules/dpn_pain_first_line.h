// Rule dpn-pain-first-line (info; patient-view): painful diabetic neuropathy and no
// current duloxetine, pregabalin or gabapentin.
//
// Painful means a current Condition in the `painful_neuropathy` value set (the SNOMED
// CT painful diabetic neuropathy concepts; ICD-10-CM cannot say "painful"). Current
// drug use is an active/on-hold MedicationRequest or an active/intended/on-hold
// MedicationStatement whose drug -- coded inline or through medicationReference and
// Medication.ingredient -- is in `first_line_drugs`. Completed or stopped records are
// shown as earlier trials but do not suppress the card; records whose drug cannot be
// identified are listed so the clinician can check them.
//
// With depression on the problem list the card says duloxetine 60 mg daily is favoured
// and marks that suggestion recommended; otherwise the three options are offered
// side by side. Suggestions create draft MedicationRequests with starting doses from
// the knowledge file (selectionBehavior at-most-one).
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDpnPainFirstLine(const RuleBuildContext& ctx);

}  // namespace cds::hooks
