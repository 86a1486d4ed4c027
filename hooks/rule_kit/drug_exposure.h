// Drug exposure, shared by rules that start from "this patient gets drug X" (rituximab,
// immune checkpoint inhibitors):
//  order-select: a *selected* draft MedicationRequest for the drug;
//  order-sign:   any draft MedicationRequest for the drug;
//  patient-view: an active or on-hold MedicationRequest, or a MedicationRequest,
//                MedicationAdministration or MedicationStatement within `lookback`.
// The drug is a knowledge value set (for rituximab: ingredient, every product,
// biosimilars, Rituxan Hycela), matched directly or through medicationReference and
// Medication.ingredient.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/civil_time.h"

#include "config/binder.h"
#include "fhir/coding.h"

#include "hooks/rule.h"
#include "hooks/rule_kit/card_maker.h"
#include "hooks/rule_kit/data_keys.h"
#include "hooks/rule_kit/fields.h"

namespace cds::hooks {

struct ExposureConfig {
  fhir::CodeSet drugs;
  CalendarSpan lookback;  // patient-view only
};

// {"drugs": "<value set>", "lookback": "12mo"}
const config::Schema<ExposureConfig>& ExposureSchema();

// Data keys FindExposure reads (on patient-view only).
inline const std::vector<std::string_view> kExposureDataKeys = {
    kMedicationRequests, kMedicationStatements, kMedicationAdministrations};

struct Exposure {
  std::string drug_name;                  // as written on the triggering record
  std::vector<Evidence> evidence;         // the records that establish it
  std::vector<const DraftOrder*> orders;  // order hooks: the triggering draft orders
};

// The exposure, or nullopt when there is none *or* the answer is not known yet; in the
// latter case `out` records what must be fetched or was unavailable.
std::optional<Exposure> FindExposure(const RuleContext& ctx, const ExposureConfig& config,
                                     RuleOutcome& out);

}  // namespace cds::hooks
