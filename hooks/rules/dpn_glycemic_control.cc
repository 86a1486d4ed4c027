#include "hooks/rules/dpn_glycemic_control.h"

#include "base/status_macros.h"

#include "fhir/observation_query.h"

#include "hooks/card_maker.h"
#include "hooks/order_builder.h"
#include "hooks/rules/diabetes_facts.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"value", "date", "target", "window", "last"};

struct Config {
  fhir::CodeSet neuropathy;
  fhir::CodeSet hba1c;
  Threshold target;  // in %
  CalendarSpan recent_within;
  cards::Indicator indicator = cards::Indicator::kInfo;
  config::TextTemplate summary_no_recent, summary_above_target, detail_no_recent,
      detail_above_target;
  OrderSpec order;
};

// "7.4 %", or "57 mmol/mol (7.4 % NGSP)".
std::string HbA1cText(const fhir::Observation& o, const fhir::Quantity& q) {
  std::string text = o.ValueText();
  auto unit = fhir::CanonicalUnit(q);
  auto percent = HbA1cNgspPercent(q);
  if (unit && *unit == "mmol/mol" && percent.ok())
    text += " (" + fhir::FormatNumber(*percent) + " % NGSP)";
  return text;
}

class DpnGlycemicControl final : public Rule {
 public:
  DpnGlycemicControl(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto neuropathy = CurrentConditionsIn(ctx, c_.neuropathy, out);
    if (!neuropathy || neuropathy->empty()) return;
    const auto* labs = ctx.Require(kNeuropathyLabsKey, out);
    if (labs == nullptr) return;
    std::vector<Evidence> evidence = {ConditionEvidence(neuropathy->front())};
    auto latest = fhir::LatestDatedObservation(*labs, c_.hba1c);
    EpochMillis window_start = c_.recent_within.Before(ctx.now());
    if (!latest || !MayBeOnOrAfter(*latest->EffectiveTime(), window_start)) {
      out.AddCard(NoRecentCard(ctx, latest, std::move(evidence)));
      return;
    }
    auto q = latest->ValueQuantity();
    if (!q) {
      out.NoteInsufficient("latest HbA1c has no quantity value");
      return;
    }
    auto above = HbA1cAbove(*q, c_.target.value);
    if (!above.ok()) {
      out.NoteInsufficient("latest HbA1c unit cannot be read: " + above.status().message());
      return;
    }
    if (*above == fhir::Tri::kUnknown)
      out.NoteInsufficient("latest HbA1c comparator leaves the target open");
    if (*above != fhir::Tri::kYes) return;
    std::string value = HbA1cText(*latest, *q);
    evidence.push_back(
        ObservationEvidence(*latest, "HbA1c", "above the " + c_.target.ToString() + " target"));
    config::TextTemplate::Values values = {{"value", value},
                                           {"date", latest->EffectiveTime()->ToString()},
                                           {"target", c_.target.ToString()},
                                           {"window", c_.recent_within.ToString()},
                                           {"last", value}};
    out.AddCard(maker_.Make(c_.indicator, c_.summary_above_target.Render(values),
                            c_.detail_above_target.Render(values), evidence));
  }

 private:
  cards::Card NoRecentCard(const RuleContext& ctx, const std::optional<fhir::Observation>& latest,
                           std::vector<Evidence> evidence) const {
    std::string last = "no dated HbA1c on file";
    if (latest) {
      std::string value = latest->ValueText();
      last = "last " + (value.empty() ? std::string("result without a value") : value) + " on " +
             latest->EffectiveTime()->ToString();
      evidence.push_back(
          ObservationEvidence(*latest, "HbA1c", "older than " + c_.recent_within.ToString()));
    } else {
      evidence.push_back({"", "No usable, dated HbA1c result on file", std::nullopt, ""});
    }
    config::TextTemplate::Values values = {
        {"target", c_.target.ToString()}, {"window", c_.recent_within.ToString()}, {"last", last}};
    cards::Card card = maker_.Make(c_.indicator, c_.summary_no_recent.Render(values),
                                   c_.detail_no_recent.Render(values), evidence);
    card.suggestions.push_back(
        ServiceRequestSuggestion(ctx.request(), c_.order, /*recommended=*/true));
    card.selection_behavior = cards::SelectionBehavior::kAtMostOne;
    return card;
  }

  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeDpnGlycemicControl(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(ctx.CheckKeys({"neuropathy", "hba1c", "target", "recent_within", "indicator",
                                     "summary_no_recent", "summary_above_target",
                                     "detail_no_recent", "detail_above_target", "order"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(c.neuropathy, ctx.CodeSetAt(n, "neuropathy"));
  CDS_ASSIGN_OR_RETURN(c.hba1c, ctx.CodeSetAt(n, "hba1c"));
  CDS_ASSIGN_OR_RETURN(c.target, ThresholdAt(n, "target", "%"));
  if (c.target.value >= 100) return n.ErrorAt("target", "must be an HbA1c percentage below 100");
  CDS_ASSIGN_OR_RETURN(c.recent_within, n.Span("recent_within"));
  CDS_ASSIGN_OR_RETURN(c.indicator, IndicatorAt(n, "indicator"));
  CDS_ASSIGN_OR_RETURN(c.summary_no_recent,
                       config::ParseTemplate(n, "summary_no_recent", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.summary_above_target,
                       config::ParseTemplate(n, "summary_above_target", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail_no_recent,
                       config::ParseTemplate(n, "detail_no_recent", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail_above_target,
                       config::ParseTemplate(n, "detail_above_target", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(config::Node order, n.Child("order"));
  CDS_ASSIGN_OR_RETURN(c.order, ParseOrderSpec(ctx, order));
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView};
  info.data_keys = {kConditionsKey, kNeuropathyLabsKey};
  info.trigger = "Current diabetic neuropathy and no HbA1c within " + c.recent_within.ToString() +
                 ", or the latest HbA1c above " + c.target.ToString() +
                 " (% or mmol/mol, converted).";
  info.indicator = std::string(cards::IndicatorName(c.indicator));
  info.suggestions = "No recent HbA1c: create a ServiceRequest for " + c.order.label + ".";
  info.config_keys = {"neuropathy",
                      "hba1c",
                      "target.value",
                      "target.unit",
                      "recent_within",
                      "indicator",
                      "summary_no_recent",
                      "summary_above_target",
                      "detail_no_recent",
                      "detail_above_target",
                      "order"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new DpnGlycemicControl(std::move(info), std::move(c),
                                                      CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
