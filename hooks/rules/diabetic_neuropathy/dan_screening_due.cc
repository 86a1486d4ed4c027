// dan-screening-due: diabetic autonomic neuropathy screening due. What it checks and why:
// config/knowledge/rules/dan-screening-due.json.
#include <climits>

#include "fhir/clinical.h"
#include "fhir/observation_query.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/conditions.h"
#include "hooks/rule_kit/lab_result.h"

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

class DanScreeningDue final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    const auto* conditions = ctx.Require(kConditions, out);
    if (conditions == nullptr) return;
    if (!fhir::CurrentConditions(*conditions, c_.already_diagnosed).empty()) return;
    std::vector<Evidence> evidence;
    std::string reason;
    if (!Eligible(*conditions, ctx.now(), out, evidence, reason)) return;
    std::string verification;
    if (c_.screening_procedures) {
      const auto* procedures = ctx.Require(kProcedures, out);
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
};

}  // namespace

RuleRegistration DanScreeningDueRule() {
  return Register<DanScreeningDue>(
      {.id = "dan-screening-due",
       .hooks = kPatientViewOnly,
       .data_keys = {kConditions},
       .patient_view_data_keys = {},
       .indicator = "{indicator}",
       .suggestions = "None.",
       .fields =
           [](config::Schema<Config>& s) {
             s.Field("type1", &Config::type1, "type 1 diabetes conditions");
             s.Field("type2", &Config::type2, "type 2 diabetes conditions");
             s.Field("type_unknown", &Config::type_unknown, "diabetes of unrecorded type");
             s.Field("already_diagnosed", &Config::already_diagnosed,
                     "autonomic neuropathy already diagnosed: no card");
             s.Field("type1_due_after", &Config::type1_due_after,
                     "type 1: screening due this long after onset");
             s.Field("interval", &Config::interval, "a screening within this counts");
             s.Field("screening_procedures", &Config::screening_procedures,
                     "procedures that count as screening (none configured: the card says it "
                     "cannot verify)");
             s.Field("indicator", &Config::indicator, "the card's indicator");
             s.Template("summary", &Config::summary, kPlaceholders, "card summary");
             s.Template("detail", &Config::detail, kPlaceholders, "card detail");
             s.Template("reason_type2", &Config::reason_type2, {}, "{reason} for type 2 diabetes");
             s.Template("reason_long_standing", &Config::reason_long_standing, {"type", "years"},
                        "{reason} for long-standing type 1 or unrecorded type");
             s.Template("verification_not_configured", &Config::verification_not_configured,
                        {"interval"}, "{verification} without screening codes");
             s.Template("verification_none_found", &Config::verification_none_found, {"interval"},
                        "{verification} when none was found");
           },
       .config_data_keys =
           [](const Config& c) {
             std::vector<std::string> keys;
             if (c.screening_procedures) keys.emplace_back(kProcedures);
             return keys;
           },
       .doc_values = [](const Config& c) -> config::TextTemplate::Values {
         return {{"verification_note",
                  c.screening_procedures
                      ? "."
                      : " (no screening codes configured: the card says it cannot verify)."}};
       }});
}

}  // namespace cds::hooks
