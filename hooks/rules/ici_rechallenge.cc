#include "hooks/rules/ici_rechallenge.h"

#include <algorithm>

#include "base/status_macros.h"
#include "base/uuid.h"

#include "hooks/card_maker.h"
#include "hooks/rules/drug_exposure.h"
#include "hooks/rules/ici_grade.h"

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

StatusOr<CardSpec> ParseCardSpec(const config::Node& n) {
  CDS_RETURN_IF_ERROR(
      n.CheckKnownKeys({"indicator", "summary", "detail", "remove_order_suggestion"}));
  CardSpec s;
  CDS_ASSIGN_OR_RETURN(std::string ind, n.String("indicator"));
  if (!cards::ParseIndicator(ind, &s.indicator))
    return n.ErrorAt("indicator", "must be info, warning or critical");
  CDS_ASSIGN_OR_RETURN(s.summary, config::ParseTemplate(n, "summary", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(s.detail, config::ParseTemplate(n, "detail", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(s.remove_order_label,
                       config::ParseTemplateOr(n, "remove_order_suggestion", kPlaceholders));
  return s;
}

class IciRechallenge final : public Rule {
 public:
  IciRechallenge(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto exposure = FindExposure(ctx, c_.exposure, out);
    if (!exposure) return;
    auto history = FindIciHistory(ctx, c_.exposure.drugs, out);
    const auto* conditions = ctx.Require("conditions", out);
    const auto* grades = ctx.Require("ctcaeNeuropathyGrade", out);
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

  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeIciRechallenge(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(
      ctx.CheckKeys({"exposure", "neuropathy", "discontinue", "hold", "grade_unknown"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(config::Node exposure, n.Child("exposure"));
  CDS_ASSIGN_OR_RETURN(c.exposure, ParseExposure(ctx, exposure));
  CDS_ASSIGN_OR_RETURN(config::Node neuropathy, n.Child("neuropathy"));
  CDS_ASSIGN_OR_RETURN(c.neuropathy, ParseIciNeuropathyConfig(ctx, neuropathy));
  for (auto [key, spec] : {std::pair{"discontinue", &c.discontinue},
                           {"hold", &c.hold},
                           {"grade_unknown", &c.grade_unknown}}) {
    CDS_ASSIGN_OR_RETURN(config::Node s, n.Child(key));
    CDS_ASSIGN_OR_RETURN(*spec, ParseCardSpec(s));
  }
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kOrderSelect, Hook::kOrderSign};
  info.data_keys = {"conditions", "ctcaeNeuropathyGrade", "medicationRequests",
                    "medicationStatements", "medicationAdministrations"};
  info.trigger =
      "A checkpoint inhibitor is ordered (order-select: selected; order-sign: any draft) for a "
      "patient "
      "with checkpoint-inhibitor neuropathy: Guillain-Barre or peak grade 3-4 (critical), grade 2 "
      "not "
      "resolved to <= 1 (warning), grade not recorded (warning).";
  info.indicator = "critical (GBS, grade 3-4) / warning (unresolved grade 2, grade not recorded)";
  info.suggestions =
      "Critical and grade 2: remove the draft checkpoint-inhibitor order (delete action).";
  info.config_keys = {"exposure.drugs", "neuropathy.*", "discontinue", "hold", "grade_unknown"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(
      new IciRechallenge(std::move(info), std::move(c), CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
