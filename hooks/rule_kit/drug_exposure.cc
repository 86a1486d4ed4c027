#include "hooks/rule_kit/drug_exposure.h"

#include "fhir/medication.h"

#include "hooks/rule_kit/medication_match.h"

namespace cds::hooks {
namespace {

// Was this record's use of the drug within [start, now]?
bool UseIsRecent(const json::Value& r, EpochMillis start) {
  std::string_view type = fhir::ResourceView(r).resource_type();
  if (type == "MedicationRequest") {
    fhir::MedicationRequest mr(r);
    if (mr.IsActiveOrOnHold()) return true;
    if (mr.status() != "completed" && mr.status() != "stopped") return false;
    auto t = mr.AuthoredOn();
    return t && t->Latest() >= start;
  }
  if (type == "MedicationAdministration") {
    fhir::MedicationAdministration ma(r);
    auto t = ma.Effective();
    return ma.IsDone() && t && t->Latest() >= start;
  }
  if (type == "MedicationStatement") {
    fhir::MedicationStatement ms(r);
    if (ms.status() == "entered-in-error" || ms.status() == "not-taken") return false;
    if (ms.IsCurrent()) return true;
    auto t = ms.Effective();
    return t && t->Latest() >= start;
  }
  return false;
}

std::optional<fhir::FhirDateTime> WhenOf(const json::Value& r) {
  std::string_view type = fhir::ResourceView(r).resource_type();
  if (type == "MedicationRequest") return fhir::MedicationRequest(r).AuthoredOn();
  if (type == "MedicationAdministration") return fhir::MedicationAdministration(r).Effective();
  return fhir::MedicationStatement(r).Effective();
}

std::optional<Exposure> FromOrders(const RuleContext& ctx, const ExposureConfig& config,
                                   RuleOutcome& out) {
  Exposure e;
  for (const DraftOrder* o : ctx.orders().Targets()) {
    if (!fhir::IsResourceOfType(*o->resource, "MedicationRequest")) continue;
    DrugMatch m = MatchDrug(ctx, *o->resource, config.drugs, out);
    if (m.result != fhir::Tri::kYes) continue;
    if (e.drug_name.empty()) e.drug_name = m.name;
    e.orders.push_back(o);
    e.evidence.push_back(
        {o->key, "draft order: " + (m.name.empty() ? std::string("(unnamed medication)") : m.name),
         std::nullopt, ""});
  }
  if (e.orders.empty()) return std::nullopt;
  return e;
}

std::optional<Exposure> FromRecord(const RuleContext& ctx, const ExposureConfig& config,
                                   RuleOutcome& out) {
  std::vector<const std::vector<const json::Value*>*> lists;
  for (std::string_view key : kExposureDataKeys) lists.push_back(ctx.Require(key, out));
  for (const auto* l : lists) {
    if (l == nullptr) return std::nullopt;  // fetch first (all keys asked for in one round)
  }
  EpochMillis start = config.lookback.Before(ctx.now());
  Exposure e;
  for (const auto* list : lists) {
    for (const json::Value* r : *list) {
      if (!UseIsRecent(*r, start)) continue;
      DrugMatch m = MatchDrug(ctx, *r, config.drugs, out);
      if (m.result != fhir::Tri::kYes) continue;
      fhir::MedicationUse use(*r);
      if (e.drug_name.empty()) e.drug_name = m.name;
      std::string name = m.name.empty() ? std::string("(unnamed medication)") : m.name;
      e.evidence.push_back({use.Key(), name + ", " + std::string(use.status()), WhenOf(*r), ""});
    }
  }
  if (e.evidence.empty()) return std::nullopt;
  return e;
}

}  // namespace

const config::Schema<ExposureConfig>& ExposureSchema() {
  static const config::Schema<ExposureConfig> schema = [] {
    config::Schema<ExposureConfig> s;
    s.Shared();
    s.Field("drugs", &ExposureConfig::drugs,
            "value set of the drug (every product, matched through ingredients)");
    s.Field("lookback", &ExposureConfig::lookback,
            "patient-view: how long after a use the patient counts as exposed");
    return s;
  }();
  return schema;
}

std::optional<Exposure> FindExposure(const RuleContext& ctx, const ExposureConfig& config,
                                     RuleOutcome& out) {
  if (ctx.hook() == Hook::kPatientView) return FromRecord(ctx, config, out);
  return FromOrders(ctx, config, out);
}

}  // namespace cds::hooks
