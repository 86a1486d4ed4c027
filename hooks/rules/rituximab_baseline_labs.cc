#include "hooks/rules/rituximab_baseline_labs.h"

#include <algorithm>

#include "base/status_macros.h"
#include "base/uuid.h"

#include "hooks/card_maker.h"
#include "hooks/order_builder.h"
#include "hooks/rules/drug_exposure.h"
#include "hooks/rules/lab_result.h"

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

StatusOr<BaselineTest> ParseTest(const RuleBuildContext& ctx, const config::Node& n) {
  CDS_RETURN_IF_ERROR(n.CheckKnownKeys({"id", "label", "data_key", "codes", "or_all_of", "order"}));
  BaselineTest t;
  CDS_ASSIGN_OR_RETURN(t.id, n.String("id"));
  CDS_ASSIGN_OR_RETURN(t.label, n.String("label"));
  CDS_ASSIGN_OR_RETURN(t.data_key, n.String("data_key"));
  CDS_ASSIGN_OR_RETURN(t.codes, ctx.CodeSetAt(n, "codes"));
  CDS_ASSIGN_OR_RETURN(auto parts, n.StringListOr("or_all_of"));
  for (const std::string& name : parts) {
    auto set = ctx.CodeSetOf(name);
    if (!set.ok()) return n.ErrorAt("or_all_of", set.status().message());
    t.or_all_of.push_back(std::move(set).value());
  }
  CDS_ASSIGN_OR_RETURN(config::Node order, n.Child("order"));
  CDS_ASSIGN_OR_RETURN(t.order, ParseOrderSpec(ctx, order));
  return t;
}

class RituximabBaselineLabs final : public Rule {
 public:
  RituximabBaselineLabs(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

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

  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeRituximabBaselineLabs(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(
      ctx.CheckKeys({"exposure", "window", "tests", "summary", "detail", "suggestion_label"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(config::Node exposure, n.Child("exposure"));
  CDS_ASSIGN_OR_RETURN(c.exposure, ParseExposure(ctx, exposure));
  CDS_ASSIGN_OR_RETURN(c.window, n.Span("window"));
  CDS_ASSIGN_OR_RETURN(auto tests, n.Array("tests"));
  for (const config::Node& t : tests) {
    CDS_ASSIGN_OR_RETURN(BaselineTest test, ParseTest(ctx, t));
    c.tests.push_back(std::move(test));
  }
  if (c.tests.empty()) return n.ErrorAt("tests", "must list at least one test");
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.suggestion_label,
                       config::ParseTemplate(n, "suggestion_label", kPlaceholders));
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kOrderSelect, Hook::kOrderSign};
  std::string tests_text;
  for (const BaselineTest& t : c.tests) {
    if (std::find(info.data_keys.begin(), info.data_keys.end(), t.data_key) ==
        info.data_keys.end()) {
      info.data_keys.push_back(t.data_key);
    }
    tests_text += (tests_text.empty() ? "" : ", ") + t.label;
  }
  info.trigger = "Rituximab ordered and no result within " + c.window.ToString() +
                 " for any of: " + tests_text + ".";
  info.indicator = "info";
  info.suggestions = "Create ServiceRequests (LOINC) for the missing tests.";
  info.config_keys = {"exposure.drugs", "window", "tests[]",
                      "summary",        "detail", "suggestion_label"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new RituximabBaselineLabs(std::move(info), std::move(c),
                                                         CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
