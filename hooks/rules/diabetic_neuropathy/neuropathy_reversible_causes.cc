// neuropathy-reversible-causes: a neuropathy without a recent work-up for reversible
// causes. What it checks and why: config/knowledge/rules/neuropathy-reversible-causes.json.
#include "fhir/observation_query.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/conditions.h"
#include "hooks/rule_kit/lab_result.h"
#include "hooks/rule_kit/order_builder.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"missing", "window"};

struct LabTest {
  std::string id;
  std::string label;
  fhir::CodeSet codes;
  OrderSpec order;
  std::string missing_note;  // shown on the evidence line when the test is missing
};

struct Config {
  fhir::CodeSet neuropathy;
  CalendarSpan window;
  std::vector<LabTest> tests;
  cards::Indicator indicator = cards::Indicator::kInfo;
  config::TextTemplate summary, detail;
};

config::Schema<LabTest> LabTestSchema() {
  config::Schema<LabTest> s;
  s.Field("id", &LabTest::id, "stable id of the test");
  s.Field("label", &LabTest::label, "name on cards");
  s.Field("codes", &LabTest::codes, "value set of the test's result codes");
  s.Object("order", &LabTest::order, OrderSpecSchema(), "the test a suggestion orders");
  s.Field("missing_note", &LabTest::missing_note, "shown on the evidence line when missing")
      .Optional()
      .AllowEmpty();
  return s;
}

class NeuropathyReversibleCauses final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto neuropathy = CurrentConditionsIn(ctx, c_.neuropathy, out);
    if (!neuropathy || neuropathy->empty()) return;
    const auto* labs = ctx.Require(kNeuropathyLabs, out);
    if (labs == nullptr) return;
    EpochMillis window_start = c_.window.Before(ctx.now());
    std::vector<Evidence> evidence = {ConditionEvidence(neuropathy->front())};
    std::vector<const LabTest*> missing;
    for (const LabTest& t : c_.tests) {
      std::optional<fhir::Observation> last;  // newest dated result, in or out of the window
      for (const fhir::Observation& o : fhir::UsableObservations(*labs, t.codes)) {
        if (o.EffectiveTime()) {
          last = o;
          break;
        }
      }
      if (last && MayBeOnOrAfter(*last->EffectiveTime(), window_start)) {
        evidence.push_back(ObservationEvidence(*last, t.label));
        continue;
      }
      missing.push_back(&t);
      evidence.push_back(DescribeMissing(t, last));
    }
    if (missing.empty()) return;
    out.AddCard(MakeCard(ctx, missing, evidence));
  }

 private:
  Evidence DescribeMissing(const LabTest& t, const std::optional<fhir::Observation>& last) const {
    std::string note = "older than " + c_.window.ToString();
    if (!t.missing_note.empty()) note += "; " + t.missing_note;
    if (last) return ObservationEvidence(*last, t.label, note);
    return {"", "No " + t.label + " result on file", std::nullopt, t.missing_note};
  }

  cards::Card MakeCard(const RuleContext& ctx, const std::vector<const LabTest*>& missing,
                       const std::vector<Evidence>& evidence) const {
    std::vector<std::string> names;
    for (const LabTest* t : missing) names.push_back(t->label);
    config::TextTemplate::Values values = {{"missing", JoinNames(names)},
                                           {"window", c_.window.ToString()}};
    cards::Card card =
        maker_.Make(c_.indicator, c_.summary.Render(values), c_.detail.Render(values), evidence);
    for (const LabTest* t : missing) {
      card.suggestions.push_back(
          ServiceRequestSuggestion(ctx.request(), t->order, /*recommended=*/false));
    }
    card.selection_behavior = cards::SelectionBehavior::kAny;
    return card;
  }
};

}  // namespace

RuleRegistration NeuropathyReversibleCausesRule() {
  return Register<NeuropathyReversibleCauses>(
      {.id = "neuropathy-reversible-causes",
       .hooks = kPatientViewOnly,
       .data_keys = {kConditions, kNeuropathyLabs},
       .patient_view_data_keys = {},
       .indicator = "{indicator}",
       .suggestions = "One ServiceRequest (LOINC) per missing test.",
       .fields =
           [](config::Schema<Config>& s) {
             s.Field("neuropathy", &Config::neuropathy, "peripheral neuropathy conditions");
             s.Field("window", &Config::window, "how recent a result must be");
             s.Object("tests", &Config::tests, LabTestSchema(), "the work-up tests")
                 .NonEmpty("must list at least one test");
             s.Field("indicator", &Config::indicator, "the card's indicator");
             s.Template("summary", &Config::summary, kPlaceholders, "card summary");
             s.Template("detail", &Config::detail, kPlaceholders, "card detail");
           },
       .doc_values = [](const Config& c) -> config::TextTemplate::Values {
         std::vector<std::string> labels;
         for (const LabTest& t : c.tests) labels.push_back(t.label);
         return {{"test_labels", JoinNames(labels)}};
       }});
}

}  // namespace cds::hooks
