// hbv-serology-missing: rituximab without usable hepatitis B serology. What it checks
// and why: config/knowledge/rules/hbv-serology-missing.json.
#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/drug_exposure.h"
#include "hooks/rule_kit/order_builder.h"
#include "hooks/rules/rituximab/hbv_serology.h"

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

class HbvSerologyMissing final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto exposure = FindExposure(ctx, c_.exposure, out);
    if (!exposure) return;
    const auto* observations = ctx.Require(kHbvSerology, out);
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
};

}  // namespace

RuleRegistration HbvSerologyMissingRule() {
  return Register<HbvSerologyMissing>(
      {.id = "hbv-serology-missing",
       .hooks = kAllHooks,
       .data_keys = {kHbvSerology},
       .patient_view_data_keys = kExposureDataKeys,
       .indicator =
           "{indicator} ({indicator_when_only_optional_missing} when only optional tests are "
           "missing)",
       .suggestions = "Create ServiceRequests (LOINC) for the missing tests.",
       .fields = [](config::Schema<Config>& s) {
         s.Object("exposure", &Config::exposure, ExposureSchema(), "rituximab exposure");
         s.Field("negative_valid_for", &Config::negative_valid_for,
                 "how long a negative result counts (a positive counts for ever)");
         s.Object("tests", &Config::tests, SerologyTestSchema(), "the serology tests looked for")
             .NonEmpty("must list at least one test");
         s.Field("indicator", &Config::indicator, "when a required test is missing");
         s.Field("indicator_when_only_optional_missing", &Config::indicator_optional_only,
                 "when only optional tests are missing");
         s.Template("summary", &Config::summary, kPlaceholders, "card summary");
         s.Template("detail", &Config::detail, kPlaceholders, "card detail");
         s.Template("suggestion_label", &Config::suggestion_label, kPlaceholders,
                    "label of the suggestion that orders the missing tests");
       }});
}

}  // namespace cds::hooks
