#include "hooks/rule_kit/drug_use.h"

#include "fhir/medication.h"

#include "hooks/rule_kit/medication_match.h"

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

Evidence DrugRecord::ToEvidence(std::string note) const {
  return {key, name + ", " + status, when, std::move(note)};
}

std::optional<DrugUse> FindDrugUse(const RuleContext& ctx, const fhir::CodeSet& drugs,
                                   RuleOutcome& out) {
  std::vector<const std::vector<const json::Value*>*> lists;
  for (std::string_view key : kMedicationUseDataKeys) lists.push_back(ctx.Require(key, out));
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

}  // namespace cds::hooks
