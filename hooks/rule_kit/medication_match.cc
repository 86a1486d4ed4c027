#include "hooks/rule_kit/medication_match.h"

#include "fhir/medication.h"

namespace cds::hooks {
namespace {

// Matches a Medication resource by its code, then by its ingredients.
fhir::Tri MatchMedication(const RuleContext& ctx, const json::Value& med,
                          const fhir::CodeSet& drugs, RuleOutcome& out, std::string* name) {
  fhir::Medication m(med);
  if (const json::Value* code = m.code()) {
    *name = std::string(fhir::ConceptText(*code));
    if (drugs.Matches(*code)) return fhir::Tri::kYes;
  }
  const json::Value* ingredients = m.ingredients();
  if (ingredients == nullptr) return fhir::Tri::kNo;
  fhir::Tri result = fhir::Tri::kNo;
  for (const json::Value& ing : ingredients->GetArray()) {
    if (const json::Value* cc = json::GetObject(ing, "itemCodeableConcept")) {
      if (drugs.Matches(*cc)) return fhir::Tri::kYes;
      continue;
    }
    const json::Value* ref = json::GetObject(ing, "itemReference");
    auto ref_text = ref == nullptr ? std::nullopt : json::GetString(*ref, "reference");
    if (!ref_text) continue;
    Resolved item = ctx.Resolve(med, *ref_text, out);
    if (item.resolution == Resolution::kFound) {
      if (const json::Value* code = json::GetObject(*item.resource, "code");
          code && drugs.Matches(*code)) {
        return fhir::Tri::kYes;
      }
    } else {
      result = fhir::Tri::kUnknown;
    }
  }
  return result;
}

}  // namespace

DrugMatch MatchDrug(const RuleContext& ctx, const json::Value& use, const fhir::CodeSet& drugs,
                    RuleOutcome& out) {
  fhir::MedicationUse m(use);
  DrugMatch match;
  if (const json::Value* cc = m.medication_concept()) {
    match.name = std::string(fhir::ConceptText(*cc));
    match.result = drugs.Matches(*cc) ? fhir::Tri::kYes : fhir::Tri::kNo;
    return match;
  }
  std::string_view ref = m.medication_reference();
  if (ref.empty()) return match;  // no drug named at all
  if (const json::Value* mr = json::GetObject(use, "medicationReference")) {
    match.name = std::string(json::GetString(*mr, "display").value_or(""));
  }
  Resolved med = ctx.Resolve(use, ref, out);
  if (med.resolution != Resolution::kFound) {
    match.result = fhir::Tri::kUnknown;
    return match;
  }
  std::string name;
  match.result = MatchMedication(ctx, *med.resource, drugs, out, &name);
  if (!name.empty()) match.name = std::move(name);
  return match;
}

}  // namespace cds::hooks
