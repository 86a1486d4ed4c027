// Rituximab exposure, shared by the rituximab rules.
//
//  order-select: a *selected* draft MedicationRequest for rituximab;
//  order-sign:   any draft MedicationRequest for rituximab;
//  patient-view: an active or on-hold rituximab MedicationRequest, or a rituximab
//                MedicationRequest, MedicationAdministration or MedicationStatement
//                within `lookback` (12 months by default).
// "Rituximab" is the knowledge value set (ingredient, every product, biosimilars,
// Rituxan Hycela), matched directly or through medicationReference and ingredients.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/civil_time.h"
#include "fhir/coding.h"
#include "hooks/card_maker.h"
#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

struct ExposureConfig {
  fhir::CodeSet drugs;
  CalendarSpan lookback;  // patient-view only
};

// {"drugs": "<value set>", "lookback": "12mo"}
StatusOr<ExposureConfig> ParseExposure(const RuleBuildContext& ctx, const config::Node& n);

// Data keys read on patient-view.
const std::vector<std::string>& ExposureDataKeys();

struct Exposure {
  std::string drug_name;           // as written on the triggering record
  std::vector<Evidence> evidence;  // the records that establish it
  std::vector<const DraftOrder*> orders;  // order hooks: the triggering draft orders
};

// The exposure, or nullopt when there is none *or* the answer is not known yet; in the
// latter case `out` records what must be fetched or was unavailable.
std::optional<Exposure> FindExposure(const RuleContext& ctx, const ExposureConfig& config, RuleOutcome& out);

}  // namespace cds::hooks
