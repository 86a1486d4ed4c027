// ici-neuropathy: checkpoint-inhibitor neuropathy, graded, with its management. What it
// checks and why: config/knowledge/rules/ici-neuropathy.json; grading: ici_grade.h.
#include "fhir/medication.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/drug_exposure.h"
#include "hooks/rule_kit/medication_match.h"
#include "hooks/rule_kit/order_builder.h"
#include "hooks/rule_kit/weight_based_dose.h"
#include "hooks/rules/ici/ici_grade.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {
    "drug",  "grade", "grade_basis", "conditions", "prednisone_dose", "methylprednisolone_dose",
    "window"};

// EHR text (drug and condition names, recorded values) escaped for the Markdown detail.
config::TextTemplate::Values MarkdownValues(config::TextTemplate::Values v) {
  for (const char* key : {"drug", "conditions", "grade_basis"}) v[key] = EscapeMarkdown(v[key]);
  return v;
}

struct SuggestionSpec {
  std::string label;
  bool recommended = false;
  std::vector<OrderSpec> orders;
};

struct GradeCard {
  cards::Indicator indicator = cards::Indicator::kWarning;
  config::TextTemplate summary, detail;
  std::vector<SuggestionSpec> suggestions;
};

struct Config {
  ExposureConfig exposure;
  IciNeuropathyConfig neuropathy;
  WeightConfig weight;
  PerKgRange prednisone, methylprednisolone;
  config::TextTemplate dose_computed, dose_not_computed;
  fhir::CodeSet current_treatment;
  GradeCard grade_1, grade_2, grade_3_4, grade_unknown;
};

config::Schema<GradeCard> GradeCardSchema() {
  config::Schema<SuggestionSpec> suggestion;
  suggestion.Field("label", &SuggestionSpec::label, "suggestion label");
  suggestion.Field("recommended", &SuggestionSpec::recommended, "pre-selected").Optional();
  suggestion.Object("orders", &SuggestionSpec::orders, OrderSpecSchema(), "what it orders")
      .NonEmpty("must list at least one order");
  config::Schema<GradeCard> s;
  s.Field("indicator", &GradeCard::indicator, "the card's indicator");
  s.Template("summary", &GradeCard::summary, kPlaceholders, "card summary");
  s.Template("detail", &GradeCard::detail, kPlaceholders, "card detail");
  s.Object("suggestions", &GradeCard::suggestions, suggestion, "orders offered").Optional();
  return s;
}

class IciNeuropathy final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto exposure = FindExposure(ctx, c_.exposure, out);
    if (!exposure) return;
    auto history = FindIciHistory(ctx, c_.exposure.drugs, out);
    const auto* conditions = ctx.Require(kConditions, out);
    const auto* grades = ctx.Require(kCtcaeNeuropathyGrade, out);
    if (!history || conditions == nullptr || grades == nullptr) return;
    auto neuro = FindNeuroConditions(*conditions, c_.neuropathy, *history, /*include_past=*/false);
    if (neuro.empty()) return;
    auto readings = GradeReadings(*grades, c_.neuropathy, EarliestOnset(neuro, history->first));
    IciGrade grade = CurrentGrade(neuro, readings, c_.neuropathy);
    if (grade.grade && *grade.grade == 0) return;  // the latest CTCAE grade says resolved
    auto weight = ReadWeight(ctx, kBodyMeasurements, c_.weight, out);
    if (!weight) return;
    std::vector<Evidence> evidence = exposure->evidence;
    for (Evidence& e : ConditionEvidence(neuro)) evidence.push_back(std::move(e));
    for (Evidence& e : grade.evidence) evidence.push_back(std::move(e));
    if (weight->evidence) evidence.push_back(*weight->evidence);
    AddCurrentTreatment(ctx, evidence);
    out.AddCard(MakeCard(ctx, *exposure, neuro, grade, *weight, evidence));
  }

 private:
  const GradeCard& CardFor(const IciGrade& g) const {
    if (!g.grade) return c_.grade_unknown;
    if (*g.grade >= 3) return c_.grade_3_4;
    return *g.grade == 2 ? c_.grade_2 : c_.grade_1;
  }

  // Corticosteroid or IVIG already ordered or taken: shown, never a reason for silence.
  // Medication references are not fetched for this: evidence must not delay or withhold
  // the card (a scratch outcome swallows the reads MatchDrug would ask for).
  void AddCurrentTreatment(const RuleContext& ctx, std::vector<Evidence>& evidence) const {
    RuleOutcome scratch;
    for (std::string_view key : {kMedicationRequests, kMedicationStatements}) {
      const auto* records = ctx.Require(key, scratch);
      if (records == nullptr) continue;
      for (const json::Value* r : *records) {
        bool current = fhir::IsResourceOfType(*r, "MedicationRequest")
                           ? fhir::MedicationRequest(*r).IsActiveOrOnHold()
                           : fhir::MedicationStatement(*r).IsCurrent();
        if (!current) continue;
        DrugMatch m = MatchDrug(ctx, *r, c_.current_treatment, scratch);
        if (m.result != fhir::Tri::kYes) continue;
        evidence.push_back(
            {fhir::ResourceView(*r).Key(), "current treatment: " + m.name, std::nullopt, ""});
      }
    }
  }

  cards::Card MakeCard(const RuleContext& ctx, const Exposure& exposure,
                       const std::vector<NeuroCondition>& neuro, const IciGrade& grade,
                       const WeightReading& weight, const std::vector<Evidence>& evidence) const {
    const GradeCard& spec = CardFor(grade);
    config::TextTemplate::Values values = {
        {"drug",
         exposure.drug_name.empty() ? std::string("checkpoint inhibitor") : exposure.drug_name},
        {"grade", grade.grade ? std::to_string(*grade.grade) : std::string("not recorded")},
        {"grade_basis", grade.basis},
        {"conditions", ConditionNames(neuro)},
        {"prednisone_dose",
         DoseText(c_.prednisone, weight, c_.dose_computed, c_.dose_not_computed)},
        {"methylprednisolone_dose",
         DoseText(c_.methylprednisolone, weight, c_.dose_computed, c_.dose_not_computed)},
        {"window", c_.exposure.lookback.ToString()}};
    cards::Card card = maker_.Make(spec.indicator, spec.summary.Render(values),
                                   spec.detail.Render(MarkdownValues(values)), evidence);
    for (const SuggestionSpec& s : spec.suggestions) {
      std::vector<const OrderSpec*> orders;
      for (const OrderSpec& o : s.orders) orders.push_back(&o);
      card.suggestions.push_back(OrdersSuggestion(ctx.request(), s.label, orders, s.recommended));
    }
    if (!card.suggestions.empty()) card.selection_behavior = cards::SelectionBehavior::kAny;
    return card;
  }
};

}  // namespace

RuleRegistration IciNeuropathyRule() {
  return Register<IciNeuropathy>(
      {.id = "ici-neuropathy",
       .hooks = kPatientViewOnly,
       .data_keys = {kConditions, kCtcaeNeuropathyGrade, kBodyMeasurements},
       .patient_view_data_keys = kExposureDataKeys,
       .indicator = "warning (grade 1, 2, not recorded) / critical (grade 3-4)",
       .suggestions = "Grade 3-4: ServiceRequests for the neuropathy work-up and plasmapheresis.",
       .fields = [](config::Schema<Config>& s) {
         const std::vector<std::string>& dose = DosePlaceholders();
         s.Object("exposure", &Config::exposure, ExposureSchema(), "checkpoint-inhibitor use");
         s.Object("neuropathy", &Config::neuropathy, IciNeuropathySchema(),
                  "which conditions count and how they are graded");
         s.Object("weight", &Config::weight, WeightSchema(), "the weight doses are computed from");
         s.Object("prednisone", &Config::prednisone, PerKgRangeSchema(), "prednisone mg/kg a day");
         s.Object("methylprednisolone", &Config::methylprednisolone, PerKgRangeSchema(),
                  "methylprednisolone mg/kg a day");
         s.Template("dose_computed", &Config::dose_computed, dose, "a dose computed from weight");
         s.Template("dose_not_computed", &Config::dose_not_computed, dose,
                    "a dose that could not be computed, and why");
         s.Field("current_treatment", &Config::current_treatment,
                 "corticosteroids and IVIG shown as current treatment");
         s.Object("grade_1", &Config::grade_1, GradeCardSchema(), "the grade 1 card");
         s.Object("grade_2", &Config::grade_2, GradeCardSchema(), "the grade 2 card");
         s.Object("grade_3_4", &Config::grade_3_4, GradeCardSchema(), "the grade 3-4 card");
         s.Object("grade_unknown", &Config::grade_unknown, GradeCardSchema(),
                  "the card when no grade is recorded");
       }});
}

}  // namespace cds::hooks
