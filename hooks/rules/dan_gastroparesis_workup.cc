#include "hooks/rules/dan_gastroparesis_workup.h"

#include "base/status_macros.h"

#include "fhir/clinical.h"

#include "hooks/card_maker.h"
#include "hooks/order_builder.h"
#include "hooks/rules/diabetes_facts.h"

namespace cds::hooks {
namespace {

struct Config {
  fhir::CodeSet gastroparesis;
  fhir::CodeSet gastric_emptying_study;
  cards::Indicator indicator = cards::Indicator::kInfo;
  config::TextTemplate summary, detail;
  std::string no_study_evidence;
  OrderSpec order;
};

class DanGastroparesisWorkup final : public Rule {
 public:
  DanGastroparesisWorkup(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto gastroparesis = CurrentConditionsIn(ctx, c_.gastroparesis, out);
    if (!gastroparesis || gastroparesis->empty()) return;
    const auto* procedures = ctx.Require(kProceduresKey, out);
    if (procedures == nullptr) return;
    for (const json::Value* r : *procedures) {
      if (!fhir::IsResourceOfType(*r, "Procedure")) continue;
      fhir::Procedure p(*r);
      if (p.IsDone() && p.code() != nullptr && c_.gastric_emptying_study.Matches(*p.code())) return;
    }
    std::vector<Evidence> evidence = {ConditionEvidence(gastroparesis->front())};
    evidence.push_back({"", c_.no_study_evidence, std::nullopt, ""});
    cards::Card card =
        maker_.Make(c_.indicator, c_.summary.Render({}), c_.detail.Render({}), evidence);
    card.suggestions.push_back(
        ServiceRequestSuggestion(ctx.request(), c_.order, /*recommended=*/true));
    card.selection_behavior = cards::SelectionBehavior::kAtMostOne;
    out.AddCard(std::move(card));
  }

 private:
  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeDanGastroparesisWorkup(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(ctx.CheckKeys({"gastroparesis", "gastric_emptying_study", "indicator",
                                     "summary", "detail", "no_study_evidence", "order"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(c.gastroparesis, ctx.CodeSetAt(n, "gastroparesis"));
  CDS_ASSIGN_OR_RETURN(c.gastric_emptying_study, ctx.CodeSetAt(n, "gastric_emptying_study"));
  CDS_ASSIGN_OR_RETURN(c.indicator, IndicatorAt(n, "indicator"));
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", {}));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", {}));
  CDS_ASSIGN_OR_RETURN(c.no_study_evidence, n.String("no_study_evidence"));
  CDS_ASSIGN_OR_RETURN(config::Node order, n.Child("order"));
  CDS_ASSIGN_OR_RETURN(c.order, ParseOrderSpec(ctx, order));
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView};
  info.data_keys = {kConditionsKey, kProceduresKey};
  info.trigger =
      "Current gastroparesis and no completed gastric emptying study (Procedure) on record.";
  info.indicator = std::string(cards::IndicatorName(c.indicator));
  info.suggestions = "Create a ServiceRequest for " + c.order.label + ".";
  info.config_keys = {"gastroparesis", "gastric_emptying_study", "indicator", "summary",
                      "detail",        "no_study_evidence",      "order"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new DanGastroparesisWorkup(
      std::move(info), std::move(c), CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
