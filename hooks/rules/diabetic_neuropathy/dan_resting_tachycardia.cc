// dan-resting-tachycardia: resting tachycardia in diabetic autonomic neuropathy without a
// beta-blocker. What it checks and why: config/knowledge/rules/dan-resting-tachycardia.json.
#include "fhir/observation_query.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/conditions.h"
#include "hooks/rule_kit/drug_use.h"
#include "hooks/rule_kit/lab_result.h"
#include "hooks/rule_kit/order_builder.h"

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

class DanRestingTachycardia final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto dan = CurrentConditionsIn(ctx, c_.autonomic_neuropathy, out);
    if (!dan || dan->empty()) return;
    const auto* rates = ctx.Require(kHeartRate, out);
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
};

}  // namespace

RuleRegistration DanRestingTachycardiaRule() {
  return Register<DanRestingTachycardia>(
      {.id = "dan-resting-tachycardia",
       .hooks = kPatientViewOnly,
       .data_keys = {kConditions, kHeartRate, kMedicationRequests, kMedicationStatements},
       .patient_view_data_keys = {},
       .indicator = "{indicator}",
       .suggestions =
           "Create a MedicationRequest for one cardioselective beta-blocker: {suggestion_labels}",
       .fields =
           [](config::Schema<Config>& s) {
             s.Field("autonomic_neuropathy", &Config::autonomic_neuropathy,
                     "diabetic autonomic neuropathy conditions");
             s.Field("heart_rate", &Config::heart_rate, "value set of heart rate results");
             s.Object("threshold", &Config::threshold, ThresholdSchema("/min"),
                      "a latest heart rate above this fires");
             s.Field("max_age", &Config::max_age, "an older heart rate is not used");
             s.Field("beta_blockers", &Config::beta_blockers, "beta-blockers");
             s.Field("indicator", &Config::indicator, "the card's indicator");
             s.Template("summary", &Config::summary, kPlaceholders, "card summary");
             s.Template("detail", &Config::detail, kPlaceholders, "card detail");
             s.Field("no_beta_blocker_evidence", &Config::no_beta_blocker_evidence,
                     "the evidence line that states no beta-blocker was found");
             s.Object("suggestions", &Config::suggestions, MedicationSpecSchema(),
                      "the beta-blocker orders offered")
                 .NonEmpty("must list at least one medication");
             s.Check([](const config::Node& n, Config& c) -> Status {
               for (const MedicationSpec& m : c.suggestions) {
                 if (!c.beta_blockers.Contains(m.medication.system, m.medication.code)) {
                   return n.ErrorAt("suggestions", "medication " + m.medication.code +
                                                       " is not in the beta_blockers value set");
                 }
               }
               return OkStatus();
             });
           },
       .doc_values = [](const Config& c) -> config::TextTemplate::Values {
         std::string labels;
         for (const MedicationSpec& m : c.suggestions)
           labels += (labels.empty() ? "" : " ") + m.label + ";";
         return {{"suggestion_labels", labels}};
       }});
}

}  // namespace cds::hooks
