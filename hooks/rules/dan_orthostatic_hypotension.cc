#include "hooks/rules/dan_orthostatic_hypotension.h"

#include "base/status_macros.h"

#include "hooks/card_maker.h"
#include "hooks/order_builder.h"
#include "hooks/rules/diabetes_facts.h"

namespace cds::hooks {
namespace {

struct Config {
  fhir::CodeSet autonomic_neuropathy;
  fhir::CodeSet orthostatic_hypotension;
  fhir::CodeSet midodrine;
  cards::Indicator indicator = cards::Indicator::kInfo;
  config::TextTemplate summary, detail;
  std::string no_midodrine_evidence;
  MedicationSpec midodrine_order;
};

class DanOrthostaticHypotension final : public Rule {
 public:
  DanOrthostaticHypotension(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto dan = CurrentConditionsIn(ctx, c_.autonomic_neuropathy, out);
    if (!dan || dan->empty()) return;
    auto oh = CurrentConditionsIn(ctx, c_.orthostatic_hypotension, out);
    if (!oh || oh->empty()) return;
    auto midodrine = FindDrugUse(ctx, c_.midodrine, out);
    if (!midodrine || !midodrine->current.empty()) return;
    std::vector<Evidence> evidence = {ConditionEvidence(dan->front()),
                                      ConditionEvidence(oh->front())};
    evidence.push_back({"", c_.no_midodrine_evidence, std::nullopt, ""});
    for (const DrugRecord& r : midodrine->unidentified) {
      evidence.push_back(r.ToEvidence("drug could not be identified; check it is not midodrine"));
    }
    cards::Card card =
        maker_.Make(c_.indicator, c_.summary.Render({}), c_.detail.Render({}), evidence);
    card.suggestions.push_back(
        MedicationSuggestion(ctx.request(), c_.midodrine_order, /*recommended=*/false));
    card.selection_behavior = cards::SelectionBehavior::kAtMostOne;
    out.AddCard(std::move(card));
  }

 private:
  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeDanOrthostaticHypotension(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(
      ctx.CheckKeys({"autonomic_neuropathy", "orthostatic_hypotension", "midodrine", "indicator",
                     "summary", "detail", "no_midodrine_evidence", "midodrine_order"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(c.autonomic_neuropathy, ctx.CodeSetAt(n, "autonomic_neuropathy"));
  CDS_ASSIGN_OR_RETURN(c.orthostatic_hypotension, ctx.CodeSetAt(n, "orthostatic_hypotension"));
  CDS_ASSIGN_OR_RETURN(c.midodrine, ctx.CodeSetAt(n, "midodrine"));
  CDS_ASSIGN_OR_RETURN(c.indicator, IndicatorAt(n, "indicator"));
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", {}));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", {}));
  CDS_ASSIGN_OR_RETURN(c.no_midodrine_evidence, n.String("no_midodrine_evidence"));
  CDS_ASSIGN_OR_RETURN(config::Node order, n.Child("midodrine_order"));
  CDS_ASSIGN_OR_RETURN(c.midodrine_order, ParseMedicationSpec(ctx, order));
  if (!c.midodrine.Contains(c.midodrine_order.medication.system,
                            c.midodrine_order.medication.code)) {
    return n.ErrorAt("midodrine_order", "medication must be in the midodrine value set");
  }
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView};
  info.data_keys = {kConditionsKey};
  info.data_keys.insert(info.data_keys.end(), MedicationKeys().begin(), MedicationKeys().end());
  info.trigger =
      "Current diabetic autonomic neuropathy and orthostatic hypotension (Conditions), no current "
      "midodrine.";
  info.indicator = std::string(cards::IndicatorName(c.indicator));
  info.suggestions =
      "Create a MedicationRequest: " + c.midodrine_order.label + " (not pre-selected).";
  info.config_keys = {"autonomic_neuropathy",
                      "orthostatic_hypotension",
                      "midodrine",
                      "indicator",
                      "summary",
                      "detail",
                      "no_midodrine_evidence",
                      "midodrine_order"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new DanOrthostaticHypotension(
      std::move(info), std::move(c), CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
