// dan-orthostatic-hypotension: orthostatic hypotension in diabetic autonomic neuropathy
// without midodrine. What it checks and why:
// config/knowledge/rules/dan-orthostatic-hypotension.json.
#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/conditions.h"
#include "hooks/rule_kit/drug_use.h"
#include "hooks/rule_kit/order_builder.h"

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

class DanOrthostaticHypotension final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

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
};

}  // namespace

RuleRegistration DanOrthostaticHypotensionRule() {
  return Register<DanOrthostaticHypotension>(
      {.id = "dan-orthostatic-hypotension",
       .hooks = kPatientViewOnly,
       .data_keys = {kConditions, kMedicationRequests, kMedicationStatements},
       .patient_view_data_keys = {},
       .indicator = "{indicator}",
       .suggestions = "Create a MedicationRequest: {midodrine_order.label} (not pre-selected).",
       .fields = [](config::Schema<Config>& s) {
         s.Field("autonomic_neuropathy", &Config::autonomic_neuropathy,
                 "diabetic autonomic neuropathy conditions");
         s.Field("orthostatic_hypotension", &Config::orthostatic_hypotension,
                 "orthostatic hypotension conditions");
         s.Field("midodrine", &Config::midodrine, "midodrine products");
         s.Field("indicator", &Config::indicator, "the card's indicator");
         s.Template("summary", &Config::summary, {}, "card summary");
         s.Template("detail", &Config::detail, {}, "card detail");
         s.Field("no_midodrine_evidence", &Config::no_midodrine_evidence,
                 "the evidence line that states no midodrine was found");
         s.Object("midodrine_order", &Config::midodrine_order, MedicationSpecSchema(),
                  "the midodrine order a suggestion creates");
         s.Check([](const config::Node& n, Config& c) {
           const config::CodeEntry& m = c.midodrine_order.medication;
           if (!c.midodrine.Contains(m.system, m.code)) {
             return n.ErrorAt("midodrine_order", "medication must be in the midodrine value set");
           }
           return OkStatus();
         });
       }});
}

}  // namespace cds::hooks
