// dan-gastroparesis-workup: gastroparesis without a gastric emptying study. What it checks
// and why: config/knowledge/rules/dan-gastroparesis-workup.json.
#include "fhir/clinical.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/conditions.h"
#include "hooks/rule_kit/order_builder.h"

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

class DanGastroparesisWorkup final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto gastroparesis = CurrentConditionsIn(ctx, c_.gastroparesis, out);
    if (!gastroparesis || gastroparesis->empty()) return;
    const auto* procedures = ctx.Require(kProcedures, out);
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
};

}  // namespace

RuleRegistration DanGastroparesisWorkupRule() {
  return Register<DanGastroparesisWorkup>(
      {.id = "dan-gastroparesis-workup",
       .hooks = kPatientViewOnly,
       .data_keys = {kConditions, kProcedures},
       .patient_view_data_keys = {},
       .indicator = "{indicator}",
       .suggestions = "Create a ServiceRequest for {order.label}.",
       .fields = [](config::Schema<Config>& s) {
         s.Field("gastroparesis", &Config::gastroparesis, "gastroparesis conditions");
         s.Field("gastric_emptying_study", &Config::gastric_emptying_study,
                 "procedures that count as a gastric emptying study");
         s.Field("indicator", &Config::indicator, "the card's indicator");
         s.Template("summary", &Config::summary, {}, "card summary");
         s.Template("detail", &Config::detail, {}, "card detail");
         s.Field("no_study_evidence", &Config::no_study_evidence,
                 "the evidence line that states no study was found");
         s.Object("order", &Config::order, OrderSpecSchema(), "the study a suggestion orders");
       }});
}

}  // namespace cds::hooks
