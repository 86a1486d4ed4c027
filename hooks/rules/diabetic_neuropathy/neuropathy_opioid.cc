// neuropathy-opioid: an opioid for painful neuropathy. What it checks and why:
// config/knowledge/rules/neuropathy-opioid.json.
#include "base/uuid.h"

#include "fhir/reference.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/conditions.h"
#include "hooks/rule_kit/drug_use.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"opioid", "neuropathy"};

struct Config {
  fhir::CodeSet painful_neuropathy;
  fhir::CodeSet neuropathy;
  fhir::CodeSet neuropathic_pain_drugs;
  fhir::CodeSet opioids;
  cards::Indicator indicator = cards::Indicator::kWarning;
  config::TextTemplate summary, detail, remove_label;
};

class NeuropathyOpioid final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    bool order_hook = ctx.hook() != Hook::kPatientView;
    std::vector<DrugRecord> opioids;
    if (order_hook) {
      opioids = MatchingDraftOrders(ctx, c_.opioids, /*all=*/false, out);
      if (opioids.empty()) return;
    }
    auto neuropathy = CurrentConditionsIn(ctx, c_.neuropathy, out);
    if (!neuropathy || neuropathy->empty()) return;
    auto painful = CurrentConditionsIn(ctx, c_.painful_neuropathy, out);
    std::optional<DrugUse> pain_drugs;
    if (!order_hook || painful->empty()) {
      pain_drugs =
          FindDrugUse(ctx, c_.neuropathic_pain_drugs, out);  // same keys as the opioid search
      if (!pain_drugs) return;
    }
    if (!order_hook) {
      auto use = FindDrugUse(ctx, c_.opioids, out);
      if (!use || use->current.empty()) return;
      opioids = use->current;
    }
    std::vector<Evidence> evidence;
    for (const DrugRecord& r : opioids) evidence.push_back(r.ToEvidence("opioid"));
    if (!painful->empty()) {
      evidence.push_back(ConditionEvidence(painful->front(), "painful neuropathy"));
    } else {
      std::vector<DrugRecord> treating = pain_drugs->current;
      if (order_hook) {
        auto drafted = MatchingDraftOrders(ctx, c_.neuropathic_pain_drugs, /*all=*/true, out);
        treating.insert(treating.end(), drafted.begin(), drafted.end());
      }
      if (treating.empty()) return;  // a neuropathy not known to be painful
      evidence.push_back(ConditionEvidence(neuropathy->front()));
      for (const DrugRecord& r : treating)
        evidence.push_back(r.ToEvidence("neuropathic-pain treatment"));
    }
    const fhir::Condition& shown = painful->empty() ? neuropathy->front() : painful->front();
    config::TextTemplate::Values values = {{"opioid", opioids.front().name},
                                           {"neuropathy", std::string(shown.Text())}};
    cards::Card card =
        maker_.Make(c_.indicator, c_.summary.Render(values), c_.detail.Render(values), evidence);
    if (order_hook) AddRemoveSuggestions(opioids, card);
    out.AddCard(std::move(card));
  }

 private:
  void AddRemoveSuggestions(const std::vector<DrugRecord>& drafts, cards::Card& card) const {
    for (const DrugRecord& d : drafts) {
      fhir::ParsedReference ref = fhir::ParseReference(d.key);
      if (ref.kind != fhir::ReferenceKind::kRelative)
        continue;  // a draft without an id cannot be named
      cards::Suggestion s;
      s.label = c_.remove_label.Render({{"opioid", d.name}});
      s.uuid = NewUuid();
      cards::Action a;
      a.type = cards::ActionType::kDelete;
      a.description = s.label;
      a.resource_id = d.key;
      s.actions.push_back(std::move(a));
      card.suggestions.push_back(std::move(s));
    }
    if (!card.suggestions.empty()) card.selection_behavior = cards::SelectionBehavior::kAny;
  }
};

}  // namespace

RuleRegistration NeuropathyOpioidRule() {
  return Register<NeuropathyOpioid>(
      {.id = "neuropathy-opioid",
       .hooks = kAllHooks,
       .data_keys = {kConditions, kMedicationRequests, kMedicationStatements},
       .patient_view_data_keys = {},
       .indicator = "{indicator}",
       .suggestions = "Order hooks: delete the draft opioid order.",
       .fields = [](config::Schema<Config>& s) {
         s.Field("painful_neuropathy", &Config::painful_neuropathy,
                 "painful neuropathy conditions");
         s.Field("neuropathy", &Config::neuropathy,
                 "neuropathy conditions (painful when a neuropathic-pain drug treats them)");
         s.Field("neuropathic_pain_drugs", &Config::neuropathic_pain_drugs,
                 "drugs whose use shows a neuropathy is painful");
         s.Field("opioids", &Config::opioids, "opioids (ATC N02A and listed ingredients)");
         s.Field("indicator", &Config::indicator, "the card's indicator");
         s.Template("summary", &Config::summary, kPlaceholders, "card summary");
         s.Template("detail", &Config::detail, kPlaceholders, "card detail");
         s.Template("remove_label", &Config::remove_label, {"opioid"},
                    "label of the suggestion that deletes a draft opioid order");
       }});
}

}  // namespace cds::hooks
