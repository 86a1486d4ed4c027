#include "hooks/rules/dan_screening_due.h"

#include <climits>

#include "base/status_macros.h"

#include "fhir/clinical.h"
#include "fhir/observation_query.h"

#include "hooks/card_maker.h"
#include "hooks/rules/diabetes_facts.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"reason", "interval", "verification"};

struct Config {
  fhir::CodeSet type1, type2, type_unknown, already_diagnosed;
  CalendarSpan type1_due_after;
  CalendarSpan interval;
  std::optional<fhir::CodeSet> screening_procedures;
  cards::Indicator indicator = cards::Indicator::kInfo;
  config::TextTemplate summary, detail, reason_type2, reason_long_standing;
  config::TextTemplate verification_not_configured, verification_none_found;
};

enum class Due { kDue, kNotYet, kUnknown };

struct Duration {
  Due due = Due::kUnknown;
  const fhir::Condition* condition = nullptr;  // the one giving the onset bound
  std::optional<fhir::FhirDateTime> onset;
};

// The earliest known onset among `conditions` bounds the diabetes onset from above.
Duration DiabetesDuration(const std::vector<fhir::Condition>& conditions, EpochMillis due_start) {
  Duration d;
  EpochMillis bound = LLONG_MAX;
  bool explicit_onset = false;
  for (const fhir::Condition& c : conditions) {
    auto onset = fhir::GetDateTime(c.json(), "onsetDateTime");
    if (!onset) {
      if (auto p = fhir::GetPeriod(c.json(), "onsetPeriod"); p && p->start) onset = p->start;
    }
    bool is_explicit = onset.has_value();
    if (!onset) onset = c.RecordedDate();
    if (!onset || onset->Latest() >= bound) continue;
    bound = onset->Latest();
    explicit_onset = is_explicit;
    d.condition = &c;
    d.onset = onset;
  }
  if (!d.onset) return d;
  if (StartOfDay(d.onset->Latest()) <= due_start) {
    d.due = Due::kDue;
  } else if (explicit_onset && StartOfDay(d.onset->Earliest()) > due_start) {
    d.due = Due::kNotYet;
  }
  return d;
}

class DanScreeningDue final : public Rule {
 public:
  DanScreeningDue(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    const auto* conditions = ctx.Require(kConditionsKey, out);
    if (conditions == nullptr) return;
    if (!fhir::CurrentConditions(*conditions, c_.already_diagnosed).empty()) return;
    std::vector<Evidence> evidence;
    std::string reason;
    if (!Eligible(*conditions, ctx.now(), out, evidence, reason)) return;
    std::string verification;
    if (c_.screening_procedures) {
      const auto* procedures = ctx.Require(kProceduresKey, out);
      if (procedures == nullptr) return;
      if (ScreenedRecently(*procedures, c_.interval.Before(ctx.now()))) return;
      evidence.push_back(
          {"", "No autonomic neuropathy screening procedure in the last " + c_.interval.ToString(),
           std::nullopt, ""});
      verification = c_.verification_none_found.Render({{"interval", c_.interval.ToString()}});
    } else {
      verification = c_.verification_not_configured.Render({{"interval", c_.interval.ToString()}});
    }
    config::TextTemplate::Values values = {
        {"reason", reason}, {"interval", c_.interval.ToString()}, {"verification", verification}};
    out.AddCard(
        maker_.Make(c_.indicator, c_.summary.Render(values), c_.detail.Render(values), evidence));
  }

 private:
  // Is screening due? Fills the evidence and the reason shown on the card.
  bool Eligible(const std::vector<const json::Value*>& conditions, EpochMillis now,
                RuleOutcome& out, std::vector<Evidence>& evidence, std::string& reason) const {
    auto type2 = fhir::CurrentConditions(conditions, c_.type2);
    if (!type2.empty()) {
      evidence.push_back(
          ConditionEvidence(type2.front(), "type 2 diabetes: screening from diagnosis"));
      reason = c_.reason_type2.Render({});
      return true;
    }
    auto type1 = fhir::CurrentConditions(conditions, c_.type1);
    const auto& candidates =
        type1.empty() ? fhir::CurrentConditions(conditions, c_.type_unknown) : type1;
    if (candidates.empty()) return false;
    std::string type = type1.empty() ? "diabetes of unrecorded type" : "type 1 diabetes";
    Duration d = DiabetesDuration(candidates, c_.type1_due_after.Before(now));
    if (d.due != Due::kDue) {
      if (d.due == Due::kUnknown)
        out.NoteInsufficient(type + ": onset too uncertain to tell whether screening is due");
      return false;
    }
    evidence.push_back(ConditionEvidence(
        *d.condition, type + " known for at least " + c_.type1_due_after.ToString()));
    reason =
        c_.reason_long_standing.Render({{"type", type}, {"years", c_.type1_due_after.ToString()}});
    return true;
  }

  bool ScreenedRecently(const std::vector<const json::Value*>& procedures,
                        EpochMillis window_start) const {
    for (const json::Value* r : procedures) {
      if (!fhir::IsResourceOfType(*r, "Procedure")) continue;
      fhir::Procedure p(*r);
      if (!p.IsDone() || p.code() == nullptr || !c_.screening_procedures->Matches(*p.code()))
        continue;
      auto when = p.Performed();
      if (when && MayBeOnOrAfter(*when, window_start)) return true;
    }
    return false;
  }

  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeDanScreeningDue(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(ctx.CheckKeys(
      {"type1", "type2", "type_unknown", "already_diagnosed", "type1_due_after", "interval",
       "screening_procedures", "indicator", "summary", "detail", "reason_type2",
       "reason_long_standing", "verification_not_configured", "verification_none_found"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(c.type1, ctx.CodeSetAt(n, "type1"));
  CDS_ASSIGN_OR_RETURN(c.type2, ctx.CodeSetAt(n, "type2"));
  CDS_ASSIGN_OR_RETURN(c.type_unknown, ctx.CodeSetAt(n, "type_unknown"));
  CDS_ASSIGN_OR_RETURN(c.already_diagnosed, ctx.CodeSetAt(n, "already_diagnosed"));
  CDS_ASSIGN_OR_RETURN(c.type1_due_after, n.Span("type1_due_after"));
  CDS_ASSIGN_OR_RETURN(c.interval, n.Span("interval"));
  if (n.Has("screening_procedures")) {
    CDS_ASSIGN_OR_RETURN(fhir::CodeSet set, ctx.CodeSetAt(n, "screening_procedures"));
    c.screening_procedures = std::move(set);
  }
  CDS_ASSIGN_OR_RETURN(c.indicator, IndicatorAt(n, "indicator"));
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.reason_type2, config::ParseTemplate(n, "reason_type2", {}));
  CDS_ASSIGN_OR_RETURN(c.reason_long_standing,
                       config::ParseTemplate(n, "reason_long_standing", {"type", "years"}));
  CDS_ASSIGN_OR_RETURN(c.verification_not_configured,
                       config::ParseTemplate(n, "verification_not_configured", {"interval"}));
  CDS_ASSIGN_OR_RETURN(c.verification_none_found,
                       config::ParseTemplate(n, "verification_none_found", {"interval"}));
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView};
  info.data_keys = {kConditionsKey};
  if (c.screening_procedures) info.data_keys.push_back(kProceduresKey);
  info.trigger =
      "Type 2 diabetes, or type 1 diabetes (or diabetes of unrecorded type) for at least " +
      c.type1_due_after.ToString() +
      ", no diagnosed autonomic neuropathy, and no screening recorded in " + c.interval.ToString() +
      (c.screening_procedures
           ? "."
           : " (no screening codes configured: the card says it cannot verify).");
  info.indicator = std::string(cards::IndicatorName(c.indicator));
  info.suggestions = "None.";
  info.config_keys = {"type1",
                      "type2",
                      "type_unknown",
                      "already_diagnosed",
                      "type1_due_after",
                      "interval",
                      "screening_procedures",
                      "indicator",
                      "summary",
                      "detail",
                      "reason_type2",
                      "reason_long_standing",
                      "verification_not_configured",
                      "verification_none_found"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(
      new DanScreeningDue(std::move(info), std::move(c), CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
