// dpn-glycemic-control: diabetic neuropathy without a recent HbA1c, or above target. What it
// checks and why: config/knowledge/rules/dpn-glycemic-control.json.
#include "fhir/observation_query.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/conditions.h"
#include "hooks/rule_kit/lab_result.h"
#include "hooks/rule_kit/order_builder.h"
#include "hooks/rules/diabetic_neuropathy/hba1c.h"

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

class DpnGlycemicControl final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto neuropathy = CurrentConditionsIn(ctx, c_.neuropathy, out);
    if (!neuropathy || neuropathy->empty()) return;
    const auto* labs = ctx.Require(kNeuropathyLabs, out);
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
};

}  // namespace

RuleRegistration DpnGlycemicControlRule() {
  return Register<DpnGlycemicControl>(
      {.id = "dpn-glycemic-control",
       .hooks = kPatientViewOnly,
       .data_keys = {kConditions, kNeuropathyLabs},
       .patient_view_data_keys = {},
       .indicator = "{indicator}",
       .suggestions = "No recent HbA1c: create a ServiceRequest for {order.label}.",
       .fields = [](config::Schema<Config>& s) {
         s.Field("neuropathy", &Config::neuropathy, "diabetic neuropathy conditions");
         s.Field("hba1c", &Config::hba1c, "value set of HbA1c results");
         s.Object("target", &Config::target, ThresholdSchema("%"), "HbA1c above this fires")
             .Check([](const Threshold& t) { return t.value < 100; },
                    "must be an HbA1c percentage below 100");
         s.Field("recent_within", &Config::recent_within, "how recent an HbA1c must be");
         s.Field("indicator", &Config::indicator, "the card's indicator");
         s.Template("summary_no_recent", &Config::summary_no_recent, kPlaceholders,
                    "summary when no recent HbA1c is on file");
         s.Template("summary_above_target", &Config::summary_above_target, kPlaceholders,
                    "summary when the latest HbA1c is above target");
         s.Template("detail_no_recent", &Config::detail_no_recent, kPlaceholders,
                    "detail when no recent HbA1c is on file");
         s.Template("detail_above_target", &Config::detail_above_target, kPlaceholders,
                    "detail when above target");
         s.Object("order", &Config::order, OrderSpecSchema(), "the HbA1c a suggestion orders");
       }});
}

}  // namespace cds::hooks
