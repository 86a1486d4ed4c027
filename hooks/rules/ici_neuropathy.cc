#include "hooks/rules/ici_neuropathy.h"

#include "base/status_macros.h"
#include "base/uuid.h"

#include "fhir/medication.h"

#include "hooks/card_maker.h"
#include "hooks/medication_match.h"
#include "hooks/order_builder.h"
#include "hooks/rules/drug_exposure.h"
#include "hooks/rules/ici_grade.h"
#include "hooks/rules/weight_based_dose.h"

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
  DoseTexts dose_texts;
  fhir::CodeSet current_treatment;
  GradeCard grade_1, grade_2, grade_3_4, grade_unknown;
};

StatusOr<GradeCard> ParseGradeCard(const RuleBuildContext& ctx, const config::Node& n) {
  CDS_RETURN_IF_ERROR(n.CheckKnownKeys({"indicator", "summary", "detail", "suggestions"}));
  GradeCard g;
  CDS_ASSIGN_OR_RETURN(std::string ind, n.String("indicator"));
  if (!cards::ParseIndicator(ind, &g.indicator))
    return n.ErrorAt("indicator", "must be info, warning or critical");
  CDS_ASSIGN_OR_RETURN(g.summary, config::ParseTemplate(n, "summary", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(g.detail, config::ParseTemplate(n, "detail", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(auto suggestions, n.OptionalArray("suggestions"));
  for (const config::Node& s : suggestions) {
    CDS_RETURN_IF_ERROR(s.CheckKnownKeys({"label", "recommended", "orders"}));
    SuggestionSpec spec;
    CDS_ASSIGN_OR_RETURN(spec.label, s.String("label"));
    CDS_ASSIGN_OR_RETURN(spec.recommended, s.BoolOr("recommended", false));
    CDS_ASSIGN_OR_RETURN(auto orders, s.Array("orders"));
    for (const config::Node& o : orders) {
      CDS_ASSIGN_OR_RETURN(OrderSpec order, ParseOrderSpec(ctx, o));
      spec.orders.push_back(std::move(order));
    }
    if (spec.orders.empty()) return s.ErrorAt("orders", "must list at least one order");
    g.suggestions.push_back(std::move(spec));
  }
  return g;
}

class IciNeuropathy final : public Rule {
 public:
  IciNeuropathy(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto exposure = FindExposure(ctx, c_.exposure, out);
    if (!exposure) return;
    auto history = FindIciHistory(ctx, c_.exposure.drugs, out);
    const auto* conditions = ctx.Require("conditions", out);
    const auto* grades = ctx.Require("ctcaeNeuropathyGrade", out);
    if (!history || conditions == nullptr || grades == nullptr) return;
    auto neuro = FindNeuroConditions(*conditions, c_.neuropathy, *history, /*include_past=*/false);
    if (neuro.empty()) return;
    auto readings = GradeReadings(*grades, c_.neuropathy, EarliestOnset(neuro, history->first));
    IciGrade grade = CurrentGrade(neuro, readings, c_.neuropathy);
    if (grade.grade && *grade.grade == 0) return;  // the latest CTCAE grade says resolved
    auto weight = ReadWeight(ctx, "bodyMeasurements", c_.weight, out);
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
    for (const std::string& key :
         {std::string("medicationRequests"), std::string("medicationStatements")}) {
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
        {"prednisone_dose", DoseText(c_.prednisone, weight, c_.dose_texts)},
        {"methylprednisolone_dose", DoseText(c_.methylprednisolone, weight, c_.dose_texts)},
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

  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeIciNeuropathy(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(
      ctx.CheckKeys({"exposure", "neuropathy", "weight", "prednisone", "methylprednisolone",
                     "dose_computed", "dose_not_computed", "current_treatment", "grade_1",
                     "grade_2", "grade_3_4", "grade_unknown"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(config::Node exposure, n.Child("exposure"));
  CDS_ASSIGN_OR_RETURN(c.exposure, ParseExposure(ctx, exposure));
  CDS_ASSIGN_OR_RETURN(config::Node neuropathy, n.Child("neuropathy"));
  CDS_ASSIGN_OR_RETURN(c.neuropathy, ParseIciNeuropathyConfig(ctx, neuropathy));
  CDS_ASSIGN_OR_RETURN(config::Node weight, n.Child("weight"));
  CDS_ASSIGN_OR_RETURN(c.weight, ParseWeightConfig(ctx, weight));
  CDS_ASSIGN_OR_RETURN(config::Node pred, n.Child("prednisone"));
  CDS_ASSIGN_OR_RETURN(c.prednisone, ParsePerKgRange(pred));
  CDS_ASSIGN_OR_RETURN(config::Node mp, n.Child("methylprednisolone"));
  CDS_ASSIGN_OR_RETURN(c.methylprednisolone, ParsePerKgRange(mp));
  CDS_ASSIGN_OR_RETURN(c.dose_texts, ParseDoseTexts(n));
  CDS_ASSIGN_OR_RETURN(c.current_treatment, ctx.CodeSetAt(n, "current_treatment"));
  for (auto [key, card] : {std::pair{"grade_1", &c.grade_1},
                           {"grade_2", &c.grade_2},
                           {"grade_3_4", &c.grade_3_4},
                           {"grade_unknown", &c.grade_unknown}}) {
    CDS_ASSIGN_OR_RETURN(config::Node g, n.Child(key));
    CDS_ASSIGN_OR_RETURN(*card, ParseGradeCard(ctx, g));
  }
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView};
  info.data_keys = {"conditions", "ctcaeNeuropathyGrade", "bodyMeasurements"};
  info.patient_view_data_keys = ExposureDataKeys();
  info.trigger =
      "Checkpoint inhibitor active or given within " + c.exposure.lookback.ToString() +
      ", and a current peripheral neuropathy, Guillain-Barre or cranial neuropathy condition that "
      "did not "
      "begin before the first checkpoint inhibitor; graded from a CTCAE grade Observation, else "
      "Condition.severity (cranial >= " +
      std::to_string(c.neuropathy.cranial_min_grade) +
      ", Guillain-Barre >= " + std::to_string(c.neuropathy.guillain_barre_min_grade) + ").";
  info.indicator = "warning (grade 1, 2, not recorded) / critical (grade 3-4)";
  info.suggestions = "Grade 3-4: ServiceRequests for the neuropathy work-up and plasmapheresis.";
  info.config_keys = {"exposure.drugs", "exposure.lookback", "neuropathy.*",
                      "weight.*",       "prednisone",        "methylprednisolone",
                      "dose_computed",  "dose_not_computed", "current_treatment",
                      "grade_1",        "grade_2",           "grade_3_4",
                      "grade_unknown"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(
      new IciNeuropathy(std::move(info), std::move(c), CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
