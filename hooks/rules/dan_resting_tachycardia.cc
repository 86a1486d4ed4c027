#include "hooks/rules/dan_resting_tachycardia.h"

#include "base/status_macros.h"

#include "fhir/observation_query.h"

#include "hooks/card_maker.h"
#include "hooks/order_builder.h"
#include "hooks/rules/diabetes_facts.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"value", "date", "threshold"};

struct Config {
  fhir::CodeSet autonomic_neuropathy;
  fhir::CodeSet heart_rate;
  Threshold threshold;  // a rate
  CalendarSpan max_age;
  fhir::CodeSet beta_blockers;
  cards::Indicator indicator = cards::Indicator::kInfo;
  config::TextTemplate summary, detail;
  std::string no_beta_blocker_evidence;
  std::vector<MedicationSpec> suggestions;
};

class DanRestingTachycardia final : public Rule {
 public:
  DanRestingTachycardia(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto dan = CurrentConditionsIn(ctx, c_.autonomic_neuropathy, out);
    if (!dan || dan->empty()) return;
    const auto* rates = ctx.Require(kHeartRateKey, out);
    auto beta_blockers = FindDrugUse(ctx, c_.beta_blockers, out);  // asked for in the same round
    if (rates == nullptr || !beta_blockers) return;
    auto latest = fhir::LatestDatedObservation(*rates, c_.heart_rate);
    if (!latest || !MayBeOnOrAfter(*latest->EffectiveTime(), c_.max_age.Before(ctx.now()))) return;
    auto q = latest->ValueQuantity();
    if (!q) {
      out.NoteInsufficient("latest heart rate has no quantity value");
      return;
    }
    auto above = fhir::IsAbove(*q, c_.threshold.value, c_.threshold.unit);
    if (!above.ok()) {
      out.NoteInsufficient("latest heart rate unit cannot be read: " + above.status().message());
      return;
    }
    if (*above == fhir::Tri::kUnknown)
      out.NoteInsufficient("latest heart rate comparator leaves the threshold open");
    if (*above != fhir::Tri::kYes || !beta_blockers->current.empty()) return;
    std::vector<Evidence> evidence = {ConditionEvidence(dan->front())};
    evidence.push_back(
        ObservationEvidence(*latest, "Heart rate", "above " + c_.threshold.ToString()));
    evidence.push_back({"", c_.no_beta_blocker_evidence, std::nullopt, ""});
    for (const DrugRecord& r : beta_blockers->unidentified) {
      evidence.push_back(
          r.ToEvidence("drug could not be identified; check it is not a beta-blocker"));
    }
    config::TextTemplate::Values values = {{"value", latest->ValueText()},
                                           {"date", latest->EffectiveTime()->ToString()},
                                           {"threshold", c_.threshold.ToString()}};
    cards::Card card =
        maker_.Make(c_.indicator, c_.summary.Render(values), c_.detail.Render(values), evidence);
    for (const MedicationSpec& s : c_.suggestions) {
      card.suggestions.push_back(MedicationSuggestion(ctx.request(), s, /*recommended=*/false));
    }
    card.selection_behavior = cards::SelectionBehavior::kAtMostOne;
    out.AddCard(std::move(card));
  }

 private:
  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeDanRestingTachycardia(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(
      ctx.CheckKeys({"autonomic_neuropathy", "heart_rate", "threshold", "max_age", "beta_blockers",
                     "indicator", "summary", "detail", "no_beta_blocker_evidence", "suggestions"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(c.autonomic_neuropathy, ctx.CodeSetAt(n, "autonomic_neuropathy"));
  CDS_ASSIGN_OR_RETURN(c.heart_rate, ctx.CodeSetAt(n, "heart_rate"));
  CDS_ASSIGN_OR_RETURN(c.threshold, ThresholdAt(n, "threshold", "/min"));
  CDS_ASSIGN_OR_RETURN(c.max_age, n.Span("max_age"));
  CDS_ASSIGN_OR_RETURN(c.beta_blockers, ctx.CodeSetAt(n, "beta_blockers"));
  CDS_ASSIGN_OR_RETURN(c.indicator, IndicatorAt(n, "indicator"));
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.no_beta_blocker_evidence, n.String("no_beta_blocker_evidence"));
  CDS_ASSIGN_OR_RETURN(c.suggestions, MedicationSpecsAt(ctx, n, "suggestions"));
  for (const MedicationSpec& s : c.suggestions) {
    if (!c.beta_blockers.Contains(s.medication.system, s.medication.code)) {
      return n.ErrorAt("suggestions", "medication " + s.medication.code +
                                          " is not in the beta_blockers value set");
    }
  }
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView};
  info.data_keys = {kConditionsKey, kHeartRateKey};
  info.data_keys.insert(info.data_keys.end(), MedicationKeys().begin(), MedicationKeys().end());
  info.trigger = "Current diabetic autonomic neuropathy, latest heart rate (within " +
                 c.max_age.ToString() + ") above " + c.threshold.ToString() +
                 ", and no current beta-blocker.";
  info.indicator = std::string(cards::IndicatorName(c.indicator));
  info.suggestions = "Create a MedicationRequest for one cardioselective beta-blocker:";
  for (const MedicationSpec& s : c.suggestions) info.suggestions += " " + s.label + ";";
  info.config_keys = {"autonomic_neuropathy",
                      "heart_rate",
                      "threshold.value",
                      "threshold.unit",
                      "max_age",
                      "beta_blockers",
                      "indicator",
                      "summary",
                      "detail",
                      "no_beta_blocker_evidence",
                      "suggestions[]"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new DanRestingTachycardia(std::move(info), std::move(c),
                                                         CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
