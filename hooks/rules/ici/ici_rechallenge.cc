// ici-rechallenge: a checkpoint inhibitor ordered after checkpoint-inhibitor neuropathy.
// What it checks and why: config/knowledge/rules/ici-rechallenge.json; grading: ici_grade.h.
#include <algorithm>

#include "base/uuid.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/drug_exposure.h"
#include "hooks/rules/ici/ici_grade.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"drug", "grade", "grade_basis", "conditions"};

// EHR text (drug and condition names, recorded values) escaped for the Markdown detail.
config::TextTemplate::Values MarkdownValues(config::TextTemplate::Values v) {
  for (const char* key : {"drug", "conditions", "grade_basis"}) v[key] = EscapeMarkdown(v[key]);
  return v;
}

struct CardSpec {
  cards::Indicator indicator = cards::Indicator::kWarning;
  config::TextTemplate summary, detail, remove_order_label;  // label empty: no suggestion
};

struct Config {
  ExposureConfig exposure;
  IciNeuropathyConfig neuropathy;
  CardSpec discontinue, hold, grade_unknown;
};

config::Schema<CardSpec> CardSpecSchema() {
  config::Schema<CardSpec> s;
  s.Field("indicator", &CardSpec::indicator, "the card's indicator");
  s.Template("summary", &CardSpec::summary, kPlaceholders, "card summary");
  s.Template("detail", &CardSpec::detail, kPlaceholders, "card detail");
  s.Template("remove_order_suggestion", &CardSpec::remove_order_label, kPlaceholders,
             "label of the suggestion that removes the draft order (absent: none)")
      .Optional();
  return s;
}

class IciRechallenge final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto exposure = FindExposure(ctx, c_.exposure, out);
    if (!exposure) return;
    auto history = FindIciHistory(ctx, c_.exposure.drugs, out);
    const auto* conditions = ctx.Require(kConditions, out);
    const auto* grades = ctx.Require(kCtcaeNeuropathyGrade, out);
    if (!history || conditions == nullptr || grades == nullptr) return;
    auto neuro = FindNeuroConditions(*conditions, c_.neuropathy, *history, /*include_past=*/true);
    if (neuro.empty()) return;
    // Grades recorded before the first checkpoint inhibitor are not about ICI neuropathy.
    auto readings = GradeReadings(*grades, c_.neuropathy, history->first);
    IciGrade peak = PeakGrade(neuro, readings, c_.neuropathy);
    IciGrade now = Current(neuro, readings);
    bool gbs = std::any_of(neuro.begin(), neuro.end(), [](const NeuroCondition& n) {
      return n.kind == NeuroKind::kGuillainBarre;
    });
    const CardSpec* spec = nullptr;
    const IciGrade* shown = &peak;
    if (gbs || (peak.grade && *peak.grade >= 3) || (now.grade && *now.grade >= 3)) {
      spec = &c_.discontinue;
      if (!peak.grade || (now.grade && *now.grade > *peak.grade)) shown = &now;
    } else if (now.grade && *now.grade == 2) {
      spec = &c_.hold;
      shown = &now;
    } else if (!peak.grade || !now.grade) {
      spec = &c_.grade_unknown;
      shown = peak.grade ? &now : &peak;
    } else {
      return;  // peak <= 2 and back to grade <= 1
    }
    std::vector<Evidence> evidence = exposure->evidence;
    if (history->first_evidence) evidence.push_back(*history->first_evidence);
    for (Evidence& e : ConditionEvidence(neuro)) evidence.push_back(std::move(e));
    for (const IciGrade* g : {&peak, &now}) {
      for (const Evidence& e : g->evidence) {
        bool dup = std::any_of(evidence.begin(), evidence.end(), [&](const Evidence& x) {
          return x.reference == e.reference && !e.reference.empty();
        });
        if (!dup) evidence.push_back(e);
      }
    }
    out.AddCard(MakeCard(*spec, *exposure, neuro, *shown, evidence));
  }

 private:
  // The present grade: the latest reading if any; else, with no active condition left,
  // resolved (0); else the severity of the active ones (ici_grade.h CurrentGrade).
  IciGrade Current(const std::vector<NeuroCondition>& neuro,
                   const std::vector<GradeReading>& readings) const {
    bool any_current =
        std::any_of(neuro.begin(), neuro.end(), [](const NeuroCondition& n) { return n.current; });
    if (readings.empty() && !any_current) {
      IciGrade g;
      g.grade = 0;
      return g;
    }
    return CurrentGrade(neuro, readings, c_.neuropathy);
  }

  cards::Card MakeCard(const CardSpec& spec, const Exposure& exposure,
                       const std::vector<NeuroCondition>& neuro, const IciGrade& grade,
                       const std::vector<Evidence>& evidence) const {
    config::TextTemplate::Values values = {
        {"drug",
         exposure.drug_name.empty() ? std::string("checkpoint inhibitor") : exposure.drug_name},
        {"grade", grade.grade ? std::to_string(*grade.grade) : std::string("not recorded")},
        {"grade_basis", grade.basis},
        {"conditions", ConditionNames(neuro)}};
    cards::Card card = maker_.Make(spec.indicator, spec.summary.Render(values),
                                   spec.detail.Render(MarkdownValues(values)), evidence);
    if (spec.remove_order_label.empty()) return card;
    cards::Suggestion s;
    s.label = spec.remove_order_label.Render(values);
    s.uuid = NewUuid();
    for (const DraftOrder* o : exposure.orders) {
      if (fhir::ResourceView(*o->resource).id().empty()) continue;  // a delete needs the draft's id
      cards::Action a;
      a.type = cards::ActionType::kDelete;
      a.description = "Remove the draft order " + o->key;
      a.resource_id = o->key;
      s.actions.push_back(std::move(a));
    }
    if (!s.actions.empty()) {
      card.suggestions.push_back(std::move(s));
      card.selection_behavior = cards::SelectionBehavior::kAtMostOne;
    }
    return card;
  }
};

}  // namespace

RuleRegistration IciRechallengeRule() {
  return Register<IciRechallenge>(
      {.id = "ici-rechallenge",
       .hooks = kOrderHooks,
       .data_keys = {kConditions, kCtcaeNeuropathyGrade, kMedicationRequests, kMedicationStatements,
                     kMedicationAdministrations},
       .patient_view_data_keys = {},
       .indicator = "critical (GBS, grade 3-4) / warning (unresolved grade 2, grade not recorded)",
       .suggestions =
           "Critical and grade 2: remove the draft checkpoint-inhibitor order (delete action).",
       .fields = [](config::Schema<Config>& s) {
         s.Object("exposure", &Config::exposure, ExposureSchema(), "checkpoint-inhibitor orders");
         s.Object("neuropathy", &Config::neuropathy, IciNeuropathySchema(),
                  "which conditions count and how they are graded");
         s.Object("discontinue", &Config::discontinue, CardSpecSchema(),
                  "Guillain-Barre or grade 3-4: discontinue");
         s.Object("hold", &Config::hold, CardSpecSchema(), "unresolved grade 2: hold");
         s.Object("grade_unknown", &Config::grade_unknown, CardSpecSchema(), "grade not recorded");
       }});
}

}  // namespace cds::hooks
