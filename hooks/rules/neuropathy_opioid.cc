#include "hooks/rules/neuropathy_opioid.h"

#include "base/status_macros.h"
#include "base/uuid.h"

#include "fhir/reference.h"

#include "hooks/card_maker.h"
#include "hooks/rules/diabetes_facts.h"

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

class NeuropathyOpioid final : public Rule {
 public:
  NeuropathyOpioid(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

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

  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeNeuropathyOpioid(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(ctx.CheckKeys({"painful_neuropathy", "neuropathy", "neuropathic_pain_drugs",
                                     "opioids", "indicator", "summary", "detail", "remove_label"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(c.painful_neuropathy, ctx.CodeSetAt(n, "painful_neuropathy"));
  CDS_ASSIGN_OR_RETURN(c.neuropathy, ctx.CodeSetAt(n, "neuropathy"));
  CDS_ASSIGN_OR_RETURN(c.neuropathic_pain_drugs, ctx.CodeSetAt(n, "neuropathic_pain_drugs"));
  CDS_ASSIGN_OR_RETURN(c.opioids, ctx.CodeSetAt(n, "opioids"));
  CDS_ASSIGN_OR_RETURN(c.indicator, IndicatorAt(n, "indicator"));
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.remove_label, config::ParseTemplate(n, "remove_label", {"opioid"}));
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView, Hook::kOrderSelect, Hook::kOrderSign};
  info.data_keys = {kConditionsKey};
  info.data_keys.insert(info.data_keys.end(), MedicationKeys().begin(), MedicationKeys().end());
  info.trigger =
      "Painful neuropathy (a painful-neuropathy code, or a neuropathy treated with a "
      "neuropathic-pain drug) "
      "and an opioid (ATC N02A or a listed ingredient): active on patient-view, drafted on order "
      "hooks.";
  info.indicator = std::string(cards::IndicatorName(c.indicator));
  info.suggestions = "Order hooks: delete the draft opioid order.";
  info.config_keys = {"painful_neuropathy",
                      "neuropathy",
                      "neuropathic_pain_drugs",
                      "opioids",
                      "indicator",
                      "summary",
                      "detail",
                      "remove_label"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new NeuropathyOpioid(std::move(info), std::move(c),
                                                    CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
