#include "hooks/rules/neuropathy_reversible_causes.h"

#include "base/status_macros.h"

#include "fhir/observation_query.h"

#include "hooks/card_maker.h"
#include "hooks/order_builder.h"
#include "hooks/rules/diabetes_facts.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"missing", "window"};

struct LabTest {
  std::string id;
  std::string label;
  fhir::CodeSet codes;
  OrderSpec order;
  std::string missing_note;  // shown on the evidence line when the test is missing
};

struct Config {
  fhir::CodeSet neuropathy;
  CalendarSpan window;
  std::vector<LabTest> tests;
  cards::Indicator indicator = cards::Indicator::kInfo;
  config::TextTemplate summary, detail;
};

StatusOr<LabTest> ParseLabTest(const RuleBuildContext& ctx, const config::Node& n) {
  CDS_RETURN_IF_ERROR(n.CheckKnownKeys({"id", "label", "codes", "order", "missing_note"}));
  LabTest t;
  CDS_ASSIGN_OR_RETURN(t.id, n.String("id"));
  CDS_ASSIGN_OR_RETURN(t.label, n.String("label"));
  CDS_ASSIGN_OR_RETURN(t.codes, ctx.CodeSetAt(n, "codes"));
  CDS_ASSIGN_OR_RETURN(config::Node order, n.Child("order"));
  CDS_ASSIGN_OR_RETURN(t.order, ParseOrderSpec(ctx, order));
  CDS_ASSIGN_OR_RETURN(t.missing_note, n.StringOr("missing_note", ""));
  return t;
}

class NeuropathyReversibleCauses final : public Rule {
 public:
  NeuropathyReversibleCauses(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto neuropathy = CurrentConditionsIn(ctx, c_.neuropathy, out);
    if (!neuropathy || neuropathy->empty()) return;
    const auto* labs = ctx.Require(kNeuropathyLabsKey, out);
    if (labs == nullptr) return;
    EpochMillis window_start = c_.window.Before(ctx.now());
    std::vector<Evidence> evidence = {ConditionEvidence(neuropathy->front())};
    std::vector<const LabTest*> missing;
    for (const LabTest& t : c_.tests) {
      std::optional<fhir::Observation> last;  // newest dated result, in or out of the window
      for (const fhir::Observation& o : fhir::UsableObservations(*labs, t.codes)) {
        if (o.EffectiveTime()) {
          last = o;
          break;
        }
      }
      if (last && MayBeOnOrAfter(*last->EffectiveTime(), window_start)) {
        evidence.push_back(ObservationEvidence(*last, t.label));
        continue;
      }
      missing.push_back(&t);
      evidence.push_back(DescribeMissing(t, last));
    }
    if (missing.empty()) return;
    out.AddCard(MakeCard(ctx, missing, evidence));
  }

 private:
  Evidence DescribeMissing(const LabTest& t, const std::optional<fhir::Observation>& last) const {
    std::string note = "older than " + c_.window.ToString();
    if (!t.missing_note.empty()) note += "; " + t.missing_note;
    if (last) return ObservationEvidence(*last, t.label, note);
    return {"", "No " + t.label + " result on file", std::nullopt, t.missing_note};
  }

  cards::Card MakeCard(const RuleContext& ctx, const std::vector<const LabTest*>& missing,
                       const std::vector<Evidence>& evidence) const {
    std::vector<std::string> names;
    for (const LabTest* t : missing) names.push_back(t->label);
    config::TextTemplate::Values values = {{"missing", JoinNames(names)},
                                           {"window", c_.window.ToString()}};
    cards::Card card =
        maker_.Make(c_.indicator, c_.summary.Render(values), c_.detail.Render(values), evidence);
    for (const LabTest* t : missing) {
      card.suggestions.push_back(
          ServiceRequestSuggestion(ctx.request(), t->order, /*recommended=*/false));
    }
    card.selection_behavior = cards::SelectionBehavior::kAny;
    return card;
  }

  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeNeuropathyReversibleCauses(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(
      ctx.CheckKeys({"neuropathy", "window", "tests", "indicator", "summary", "detail"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(c.neuropathy, ctx.CodeSetAt(n, "neuropathy"));
  CDS_ASSIGN_OR_RETURN(c.window, n.Span("window"));
  CDS_ASSIGN_OR_RETURN(auto tests, n.Array("tests"));
  for (const config::Node& t : tests) {
    CDS_ASSIGN_OR_RETURN(LabTest test, ParseLabTest(ctx, t));
    c.tests.push_back(std::move(test));
  }
  if (c.tests.empty()) return n.ErrorAt("tests", "must list at least one test");
  CDS_ASSIGN_OR_RETURN(c.indicator, IndicatorAt(n, "indicator"));
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", kPlaceholders));
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView};
  info.data_keys = {kConditionsKey, kNeuropathyLabsKey};
  std::vector<std::string> labels;
  for (const LabTest& t : c.tests) labels.push_back(t.label);
  info.trigger = "Current peripheral neuropathy and any of " + JoinNames(labels) +
                 " without a result within " + c.window.ToString() + ".";
  info.indicator = std::string(cards::IndicatorName(c.indicator));
  info.suggestions = "One ServiceRequest (LOINC) per missing test.";
  info.config_keys = {"neuropathy", "window", "tests[]", "indicator", "summary", "detail"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new NeuropathyReversibleCauses(
      std::move(info), std::move(c), CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
