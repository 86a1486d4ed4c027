#include "hooks/rules/diabetes_facts.h"

#include <cmath>

#include "base/status_macros.h"
#include "base/uuid.h"

#include "fhir/medication.h"
#include "fhir/observation_query.h"

#include "hooks/medication_match.h"

namespace cds::hooks {
namespace {

std::string NameOr(std::string name) {
  return name.empty() ? std::string("(unnamed medication)") : name;
}

std::optional<fhir::FhirDateTime> WhenOf(const json::Value& r) {
  if (fhir::IsResourceOfType(r, "MedicationRequest"))
    return fhir::MedicationRequest(r).AuthoredOn();
  return fhir::MedicationStatement(r).Effective();
}

enum class UseState { kCurrent, kPast, kOther };

UseState StateOf(const json::Value& r) {
  if (fhir::IsResourceOfType(r, "MedicationRequest")) {
    fhir::MedicationRequest mr(r);
    if (mr.IsActiveOrOnHold()) return UseState::kCurrent;
    return mr.status() == "completed" || mr.status() == "stopped" ? UseState::kPast
                                                                  : UseState::kOther;
  }
  if (fhir::IsResourceOfType(r, "MedicationStatement")) {
    fhir::MedicationStatement ms(r);
    if (ms.IsCurrent()) return UseState::kCurrent;
    return ms.status() == "completed" || ms.status() == "stopped" ? UseState::kPast
                                                                  : UseState::kOther;
  }
  return UseState::kOther;
}

// Matches a record's drug using only what the request holds (inline code, or a
// contained / bundled Medication and its ingredient codes): used for past records, which
// only add evidence and must not cost FHIR reads or make the rule wait for them.
bool MatchesLocally(const RuleContext& ctx, const json::Value& use, const fhir::CodeSet& drugs,
                    std::string* name) {
  fhir::MedicationUse m(use);
  if (const json::Value* cc = m.medication_concept()) {
    *name = std::string(fhir::ConceptText(*cc));
    return drugs.Matches(*cc);
  }
  std::string_view ref = m.medication_reference();
  const json::Value* med = ref.empty() ? nullptr : ctx.data().index().Resolve(use, ref);
  if (med == nullptr) return false;
  fhir::Medication medication(*med);
  if (const json::Value* code = medication.code()) {
    *name = std::string(fhir::ConceptText(*code));
    if (drugs.Matches(*code)) return true;
  }
  const json::Value* ingredients = medication.ingredients();
  if (ingredients == nullptr) return false;
  for (const json::Value& ing : ingredients->GetArray()) {
    const json::Value* cc = json::GetObject(ing, "itemCodeableConcept");
    if (cc != nullptr && drugs.Matches(*cc)) return true;
  }
  return false;
}

}  // namespace

StatusOr<cards::Indicator> IndicatorAt(const config::Node& n, std::string_view key) {
  CDS_ASSIGN_OR_RETURN(std::string name, n.String(key));
  cards::Indicator indicator;
  if (!cards::ParseIndicator(name, &indicator))
    return n.ErrorAt(key, "must be info, warning or critical");
  return indicator;
}

StatusOr<std::vector<MedicationSpec>> MedicationSpecsAt(const RuleBuildContext& ctx,
                                                        const config::Node& n,
                                                        std::string_view key) {
  CDS_ASSIGN_OR_RETURN(auto nodes, n.Array(key));
  std::vector<MedicationSpec> specs;
  for (const config::Node& s : nodes) {
    CDS_ASSIGN_OR_RETURN(MedicationSpec spec, ParseMedicationSpec(ctx, s));
    specs.push_back(std::move(spec));
  }
  if (specs.empty()) return n.ErrorAt(key, "must list at least one medication");
  return specs;
}

std::string Threshold::ToString() const { return fhir::FormatNumber(value) + " " + unit; }

StatusOr<Threshold> ThresholdAt(const config::Node& n, std::string_view key,
                                std::string_view dimension_unit) {
  CDS_ASSIGN_OR_RETURN(config::Node t, n.Child(key));
  CDS_RETURN_IF_ERROR(t.CheckKnownKeys({"value", "unit"}));
  Threshold out;
  CDS_ASSIGN_OR_RETURN(out.value, t.Number("value"));
  CDS_ASSIGN_OR_RETURN(out.unit, t.String("unit"));
  if (out.value <= 0) return t.ErrorAt("value", "must be > 0");
  if (!fhir::ConvertValue(1, out.unit, dimension_unit).ok()) {
    return t.ErrorAt("unit", "must be a UCUM unit convertible to " + std::string(dimension_unit));
  }
  return out;
}

std::optional<std::vector<fhir::Condition>> CurrentConditionsIn(const RuleContext& ctx,
                                                                const fhir::CodeSet& codes,
                                                                RuleOutcome& out) {
  const auto* conditions = ctx.Require(kConditionsKey, out);
  if (conditions == nullptr) return std::nullopt;
  return fhir::CurrentConditions(*conditions, codes);
}

Evidence ConditionEvidence(const fhir::Condition& c, std::string note) {
  std::string text(c.Text());
  if (text.empty()) text = "(condition without display)";
  std::string status(c.clinical_status());
  return {c.Key(), text + (status.empty() ? "" : ", " + status), c.Onset(), std::move(note)};
}

Evidence DrugRecord::ToEvidence(std::string note) const {
  return {key, name + ", " + status, when, std::move(note)};
}

const std::vector<std::string>& MedicationKeys() {
  static const std::vector<std::string> keys = {"medicationRequests", "medicationStatements"};
  return keys;
}

std::optional<DrugUse> FindDrugUse(const RuleContext& ctx, const fhir::CodeSet& drugs,
                                   RuleOutcome& out) {
  std::vector<const std::vector<const json::Value*>*> lists;
  for (const std::string& key : MedicationKeys()) lists.push_back(ctx.Require(key, out));
  for (const auto* l : lists) {
    if (l == nullptr) return std::nullopt;  // both keys are asked for in the same round
  }
  DrugUse use;
  for (const auto* list : lists) {
    for (const json::Value* r : *list) {
      UseState state = StateOf(*r);
      if (state == UseState::kOther) continue;
      fhir::MedicationUse view(*r);
      if (state == UseState::kPast) {
        std::string name;
        if (MatchesLocally(ctx, *r, drugs, &name)) {
          use.past.push_back({view.Key(), NameOr(name), std::string(view.status()), WhenOf(*r)});
        }
        continue;
      }
      DrugMatch m = MatchDrug(ctx, *r, drugs, out);
      DrugRecord rec{view.Key(), NameOr(m.name), std::string(view.status()), WhenOf(*r)};
      if (m.result == fhir::Tri::kYes) {
        use.current.push_back(std::move(rec));
      } else if (m.result == fhir::Tri::kUnknown) {
        use.unidentified.push_back(std::move(rec));
      }
    }
  }
  return use;
}

std::vector<DrugRecord> MatchingDraftOrders(const RuleContext& ctx, const fhir::CodeSet& drugs,
                                            bool all, RuleOutcome& out) {
  std::vector<const DraftOrder*> orders;
  if (all) {
    for (const DraftOrder& o : ctx.orders().all()) orders.push_back(&o);
  } else {
    orders = ctx.orders().Targets();
  }
  std::vector<DrugRecord> found;
  for (const DraftOrder* o : orders) {
    if (!fhir::IsResourceOfType(*o->resource, "MedicationRequest")) continue;
    DrugMatch m = MatchDrug(ctx, *o->resource, drugs, out);
    if (m.result != fhir::Tri::kYes) continue;
    found.push_back({o->key, NameOr(m.name), "draft order", std::nullopt});
  }
  return found;
}

bool MayBeOnOrAfter(const fhir::FhirDateTime& t, EpochMillis window_start) {
  return t.Latest() >= window_start;
}

Evidence ObservationEvidence(const fhir::Observation& o, std::string_view label, std::string note) {
  std::string value = o.ValueText();
  return {o.Key(), std::string(label) + (value.empty() ? "" : " " + value), o.EffectiveTime(),
          std::move(note)};
}

StatusOr<double> HbA1cNgspPercent(const fhir::Quantity& q) {
  auto unit = fhir::CanonicalUnit(q);
  if (unit && *unit == "mmol/mol") {
    CDS_ASSIGN_OR_RETURN(double percent, fhir::HbA1cPercent(q));
    return std::round(percent * 10) / 10;
  }
  return fhir::ValueIn(q, "%");
}

StatusOr<fhir::Tri> HbA1cAbove(const fhir::Quantity& q, double target_percent) {
  CDS_ASSIGN_OR_RETURN(double percent, HbA1cNgspPercent(q));
  fhir::Quantity in_percent = q;
  in_percent.value = percent;
  in_percent.unit = "%";
  in_percent.system = fhir::kUcum;
  in_percent.code = "%";
  return fhir::IsAbove(in_percent, target_percent, "%");
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace cds::hooks
