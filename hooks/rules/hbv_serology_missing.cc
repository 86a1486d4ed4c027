#include "hooks/rules/hbv_serology_missing.h"

#include "base/status_macros.h"
#include "base/uuid.h"

#include "hooks/card_maker.h"
#include "hooks/order_builder.h"
#include "hooks/rules/drug_exposure.h"
#include "hooks/rules/hbv_serology.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"missing", "window"};

struct Config {
  ExposureConfig exposure;
  CalendarSpan negative_valid_for;
  std::vector<SerologyTest> tests;
  cards::Indicator indicator = cards::Indicator::kWarning;
  cards::Indicator indicator_optional_only = cards::Indicator::kInfo;
  config::TextTemplate summary, detail, suggestion_label;
};

class HbvSerologyMissing final : public Rule {
 public:
  HbvSerologyMissing(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto exposure = FindExposure(ctx, c_.exposure, out);
    if (!exposure) return;
    const auto* observations = ctx.Require("hbvSerology", out);
    if (observations == nullptr) return;
    EpochMillis window_start = c_.negative_valid_for.Before(ctx.now());
    std::vector<Evidence> evidence = exposure->evidence;
    std::vector<const SerologyTest*> missing;
    bool required_missing = false;
    for (const SerologyTest& t : c_.tests) {
      std::vector<ReadResult> results = ReadableResults(*observations, t);
      bool positive = false;
      const ReadResult* usable = nullptr;
      for (const ReadResult& r : results) {
        positive = positive || r.result == SerologyResult::kPositive;
        bool recent = r.obs.EffectiveTime() && r.obs.EffectiveTime()->Earliest() >= window_start;
        if (!usable && (r.result == SerologyResult::kPositive ||
                        (r.result == SerologyResult::kNegative && recent))) {
          usable = &r;
        }
      }
      if (positive && t.required) return;  // HBV exposure is known: hbv-prophylaxis-missing's case
      if (usable) {
        evidence.push_back({usable->obs.Key(),
                            t.label + " " + std::string(SerologyResultName(usable->result)),
                            usable->obs.EffectiveTime(), ""});
        continue;
      }
      if (const DraftOrder* o = DraftedTest(ctx, t)) {
        evidence.push_back(
            {o->key, t.label + " ordered in this session", std::nullopt, "result pending"});
        continue;
      }
      missing.push_back(&t);
      required_missing = required_missing || t.required;
      evidence.push_back(DescribeMissing(t, results));
    }
    if (missing.empty()) return;
    out.AddCard(MakeCard(ctx, missing, required_missing, evidence));
  }

 private:
  // A draft ServiceRequest in this session for one of the test's codes.
  static const DraftOrder* DraftedTest(const RuleContext& ctx, const SerologyTest& t) {
    for (const DraftOrder& o : ctx.orders().all()) {
      if (fhir::IsResourceOfType(*o.resource, "ServiceRequest") &&
          t.codes.MatchesMember(*o.resource, "code")) {
        return &o;
      }
    }
    return nullptr;
  }

  Evidence DescribeMissing(const SerologyTest& t, const std::vector<ReadResult>& results) const {
    if (results.empty()) return {"", "No usable " + t.label + " result on file", std::nullopt, ""};
    const ReadResult& latest = results.front();
    std::string note = latest.result == SerologyResult::kNegative
                           ? "older than " + c_.negative_valid_for.ToString() + ", does not count"
                           : "does not count";
    return {latest.obs.Key(), t.label + " " + std::string(SerologyResultName(latest.result)),
            latest.obs.EffectiveTime(), note};
  }

  cards::Card MakeCard(const RuleContext& ctx, const std::vector<const SerologyTest*>& missing,
                       bool required_missing, const std::vector<Evidence>& evidence) const {
    std::string names;
    for (const SerologyTest* t : missing) names += (names.empty() ? "" : ", ") + t->label;
    config::TextTemplate::Values values = {{"missing", names},
                                           {"window", c_.negative_valid_for.ToString()}};
    cards::Card card = maker_.Make(required_missing ? c_.indicator : c_.indicator_optional_only,
                                   c_.summary.Render(values), c_.detail.Render(values), evidence);
    std::vector<const OrderSpec*> orders;
    for (const SerologyTest* t : missing) {
      if (t->order) orders.push_back(&*t->order);
    }
    if (!orders.empty()) {
      card.suggestions.push_back(OrdersSuggestion(ctx.request(), c_.suggestion_label.Render(values),
                                                  orders, /*recommended=*/true));
      card.selection_behavior = cards::SelectionBehavior::kAtMostOne;
    }
    return card;
  }

  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeHbvSerologyMissing(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(ctx.CheckKeys({"exposure", "negative_valid_for", "tests", "indicator",
                                     "indicator_when_only_optional_missing", "summary", "detail",
                                     "suggestion_label"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(config::Node exposure, n.Child("exposure"));
  CDS_ASSIGN_OR_RETURN(c.exposure, ParseExposure(ctx, exposure));
  CDS_ASSIGN_OR_RETURN(c.negative_valid_for, n.Span("negative_valid_for"));
  CDS_ASSIGN_OR_RETURN(auto tests, n.Array("tests"));
  for (const config::Node& t : tests) {
    CDS_ASSIGN_OR_RETURN(SerologyTest test, ParseSerologyTest(ctx, t));
    c.tests.push_back(std::move(test));
  }
  if (c.tests.empty()) return n.ErrorAt("tests", "must list at least one test");
  CDS_ASSIGN_OR_RETURN(std::string ind, n.String("indicator"));
  CDS_ASSIGN_OR_RETURN(std::string ind_opt, n.String("indicator_when_only_optional_missing"));
  if (!cards::ParseIndicator(ind, &c.indicator))
    return n.ErrorAt("indicator", "must be info, warning or critical");
  if (!cards::ParseIndicator(ind_opt, &c.indicator_optional_only)) {
    return n.ErrorAt("indicator_when_only_optional_missing", "must be info, warning or critical");
  }
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.suggestion_label,
                       config::ParseTemplate(n, "suggestion_label", kPlaceholders));
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView, Hook::kOrderSelect, Hook::kOrderSign};
  info.data_keys = {"hbvSerology"};
  info.patient_view_data_keys = ExposureDataKeys();
  info.trigger =
      "Rituximab exposure and no usable HBsAg or total anti-HBc result (negative within " +
      c.negative_valid_for.ToString() + ", positive at any time); anti-HBs listed too.";
  info.indicator = ind + " (" + ind_opt + " when only optional tests are missing)";
  info.suggestions = "Create ServiceRequests (LOINC) for the missing tests.";
  info.config_keys = {"exposure.drugs",
                      "exposure.lookback",
                      "negative_valid_for",
                      "tests[]",
                      "indicator",
                      "indicator_when_only_optional_missing",
                      "summary",
                      "detail",
                      "suggestion_label"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new HbvSerologyMissing(std::move(info), std::move(c),
                                                      CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
