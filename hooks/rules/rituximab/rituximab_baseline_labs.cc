// rituximab-baseline-labs: rituximab ordered without recent baseline labs. What it checks
// and why: config/knowledge/rules/rituximab-baseline-labs.json.
#include <algorithm>

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/drug_exposure.h"
#include "hooks/rule_kit/lab_result.h"
#include "hooks/rule_kit/order_builder.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"missing", "window", "drug"};

struct BaselineTest {
  std::string id;
  std::string label;
  std::string data_key;
  fhir::CodeSet codes;
  std::vector<fhir::CodeSet> or_all_of;  // e.g. CBC components that together count as a CBC
  OrderSpec order;
};

struct Config {
  ExposureConfig exposure;
  CalendarSpan window;
  std::vector<BaselineTest> tests;
  config::TextTemplate summary, detail, suggestion_label;
};

config::Schema<BaselineTest> BaselineTestSchema() {
  config::Schema<BaselineTest> s;
  s.Field("id", &BaselineTest::id, "stable id of the test");
  s.Field("label", &BaselineTest::label, "name on cards");
  s.Field("data_key", &BaselineTest::data_key, "the prefetch key its results come from");
  s.Field("codes", &BaselineTest::codes, "value set of the test's result codes");
  s.Field("or_all_of", &BaselineTest::or_all_of,
          "value sets whose results together count as this test (a CBC's components)")
      .Optional();
  s.Object("order", &BaselineTest::order, OrderSpecSchema(), "the test a suggestion orders");
  return s;
}

class RituximabBaselineLabs final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto exposure = FindExposure(ctx, c_.exposure, out);
    if (!exposure) return;
    std::vector<const std::vector<const json::Value*>*> data;
    for (const BaselineTest& t : c_.tests) data.push_back(ctx.Require(t.data_key, out));
    for (const auto* d : data) {
      if (d == nullptr) return;  // fetch first; never "missing" for data not seen
    }
    EpochMillis start = c_.window.Before(ctx.now());
    std::vector<Evidence> evidence = exposure->evidence;
    std::vector<const BaselineTest*> missing;
    for (size_t i = 0; i < c_.tests.size(); ++i) {
      if (!Check(ctx, c_.tests[i], *data[i], start, evidence)) missing.push_back(&c_.tests[i]);
    }
    if (missing.empty()) return;
    out.AddCard(MakeCard(ctx, *exposure, missing, evidence));
  }

 private:
  // True when the test has a result in the window (or is drafted now); adds its evidence.
  bool Check(const RuleContext& ctx, const BaselineTest& t,
             const std::vector<const json::Value*>& data, EpochMillis start,
             std::vector<Evidence>& evidence) const {
    if (auto r = ResultSince(data, t.codes, start)) {
      evidence.push_back({r->Key(), ResultText(t.label, *r), r->EffectiveTime(), ""});
      return true;
    }
    if (!t.or_all_of.empty()) {
      std::vector<fhir::Observation> parts;
      for (const fhir::CodeSet& part : t.or_all_of) {
        if (auto r = ResultSince(data, part, start)) parts.push_back(*r);
      }
      if (parts.size() == t.or_all_of.size()) {
        for (const fhir::Observation& p : parts) {
          evidence.push_back(
              {p.Key(), ResultText(t.label + " component", p), p.EffectiveTime(), ""});
        }
        return true;
      }
    }
    if (const DraftOrder* o = DraftedTest(ctx, t.codes)) {
      evidence.push_back(
          {o->key, t.label + " ordered in this session", std::nullopt, "result pending"});
      return true;
    }
    auto older = DatedResults(data, t.codes);
    if (older.empty()) {
      evidence.push_back({"", "No " + t.label + " result on file", std::nullopt, ""});
    } else {
      evidence.push_back({older.front().Key(), ResultText(t.label, older.front()),
                          older.front().EffectiveTime(), "older than " + c_.window.ToString()});
    }
    return false;
  }

  cards::Card MakeCard(const RuleContext& ctx, const Exposure& exposure,
                       const std::vector<const BaselineTest*>& missing,
                       const std::vector<Evidence>& evidence) const {
    std::string names;
    for (const BaselineTest* t : missing) names += (names.empty() ? "" : ", ") + t->label;
    config::TextTemplate::Values values = {
        {"missing", names},
        {"window", c_.window.ToString()},
        {"drug", EscapeMarkdown(exposure.drug_name.empty() ? std::string("rituximab")
                                                           : exposure.drug_name)}};
    cards::Card card = maker_.Make(cards::Indicator::kInfo, c_.summary.Render(values),
                                   c_.detail.Render(values), evidence);
    std::vector<const OrderSpec*> orders;
    for (const BaselineTest* t : missing) orders.push_back(&t->order);
    card.suggestions.push_back(OrdersSuggestion(ctx.request(), c_.suggestion_label.Render(values),
                                                orders, /*recommended=*/true));
    card.selection_behavior = cards::SelectionBehavior::kAtMostOne;
    return card;
  }
};

}  // namespace

RuleRegistration RituximabBaselineLabsRule() {
  return Register<RituximabBaselineLabs>(
      {.id = "rituximab-baseline-labs",
       .hooks = kOrderHooks,
       .data_keys = {},
       .patient_view_data_keys = {},
       .indicator = "info",
       .suggestions = "Create ServiceRequests (LOINC) for the missing tests.",
       .fields =
           [](config::Schema<Config>& s) {
             s.Object("exposure", &Config::exposure, ExposureSchema(), "rituximab orders");
             s.Field("window", &Config::window, "how recent a baseline result must be");
             s.Object("tests", &Config::tests, BaselineTestSchema(), "the baseline tests")
                 .NonEmpty("must list at least one test");
             s.Template("summary", &Config::summary, kPlaceholders, "card summary");
             s.Template("detail", &Config::detail, kPlaceholders, "card detail");
             s.Template("suggestion_label", &Config::suggestion_label, kPlaceholders,
                        "label of the suggestion that orders the missing tests");
           },
       .config_data_keys =
           [](const Config& c) {
             std::vector<std::string> keys;
             for (const BaselineTest& t : c.tests) keys.push_back(t.data_key);
             return keys;
           },
       .doc_values = [](const Config& c) -> config::TextTemplate::Values {
         std::string labels;
         for (const BaselineTest& t : c.tests) labels += (labels.empty() ? "" : ", ") + t.label;
         return {{"test_labels", labels}};
       }});
}

}  // namespace cds::hooks
