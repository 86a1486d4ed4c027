// anti-mag-rituximab: IgM anti-MAG / IgM paraproteinaemic neuropathy not yet treated with
// rituximab. What it checks and why: config/knowledge/rules/anti-mag-rituximab.json.
#include <algorithm>
#include <cctype>

#include "base/ascii.h"

#include "fhir/observation_query.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/drug_exposure.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"diagnosis", "onset", "window"};

struct Config {
  fhir::CodeSet neuropathy, igm_paraprotein, monoclonal_gammopathy, anti_mag, severe;
  std::vector<std::string> positive_interpretations;
  ExposureConfig rituximab;
  CalendarSpan early_window;
  config::TextTemplate summary, detail, basis_anti_mag, basis_waldenstrom, basis_igm_mgus;
  config::TextTemplate duration_early, duration_late, duration_unknown, severity_severe;
  std::string no_rituximab_evidence;
};

// Does `text` name IgM as a word ("IgM MGUS", "IgM-kappa"), not negated ("non-IgM")?
bool SaysIgm(std::string_view text) {
  std::string t = AsciiLower(text);
  auto alnum = [&](size_t i) { return std::isalnum(static_cast<unsigned char>(t[i])) != 0; };
  bool found = false;
  for (size_t pos = t.find("igm"); pos != std::string::npos; pos = t.find("igm", pos + 1)) {
    if ((pos > 0 && alnum(pos - 1)) || (pos + 3 < t.size() && alnum(pos + 3))) continue;
    if (pos >= 3 && t.compare(pos - 3, 3, "non") == 0) return false;
    if (pos >= 4 && (t.compare(pos - 4, 4, "non-") == 0 || t.compare(pos - 4, 4, "non ") == 0))
      return false;
    found = true;
  }
  return found;
}

bool ConditionSaysIgm(const fhir::Condition& c) {
  if (SaysIgm(c.Text())) return true;
  bool any = false;
  fhir::ForEachCoding(*c.code(),
                      [&](const fhir::CodingView& v) { any = any || SaysIgm(v.display); });
  return any;
}

class AntiMagRituximab final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    const auto* conditions = ctx.Require(kConditions, out);
    const auto* anti_mag = ctx.Require(kAntiMag, out);
    if (conditions == nullptr || anti_mag == nullptr) return;
    auto neuro = fhir::CurrentConditions(*conditions, c_.neuropathy);
    if (neuro.empty()) return;
    std::vector<Evidence> evidence;
    std::string diagnosis = Diagnose(*conditions, *anti_mag, evidence);
    if (diagnosis.empty()) return;
    if (FindExposure(ctx, c_.rituximab, out) || !out.needs().empty() || !out.unavailable().empty())
      return;
    std::vector<Evidence> all;
    for (const fhir::Condition& n : neuro)
      all.push_back(Evidence{n.Key(), std::string(n.Text()), n.Onset(), ""});
    evidence.insert(evidence.begin(), all.begin(), all.end());
    evidence.push_back({"", c_.no_rituximab_evidence, std::nullopt, ""});
    out.AddCard(MakeCard(ctx, neuro, diagnosis, evidence));
  }

 private:
  // The diagnosis the data supports ("" if none), with its evidence.
  std::string Diagnose(const std::vector<const json::Value*>& conditions,
                       const std::vector<const json::Value*>& anti_mag,
                       std::vector<Evidence>& evidence) const {
    for (const fhir::Observation& o : fhir::UsableObservations(anti_mag, c_.anti_mag)) {
      fhir::Qualitative q = Read(o);
      if (q == fhir::Qualitative::kUnknown || q == fhir::Qualitative::kIndeterminate) continue;
      if (q != fhir::Qualitative::kPositive) break;  // the latest readable result is negative
      evidence.push_back(
          {o.Key(), "Anti-MAG IgM " + o.ValueText(), o.EffectiveTime(), "read as positive"});
      return c_.basis_anti_mag.Render({});
    }
    auto waldenstrom = fhir::CurrentConditions(conditions, c_.igm_paraprotein);
    if (!waldenstrom.empty()) {
      evidence.push_back({waldenstrom.front().Key(), std::string(waldenstrom.front().Text()),
                          waldenstrom.front().Onset(), ""});
      return c_.basis_waldenstrom.Render({});
    }
    for (const fhir::Condition& m : fhir::CurrentConditions(conditions, c_.monoclonal_gammopathy)) {
      if (!ConditionSaysIgm(m)) continue;
      evidence.push_back(
          {m.Key(), std::string(m.Text()), m.Onset(), "IgM named in the condition text"});
      return c_.basis_igm_mgus.Render({});
    }
    return "";
  }

  // Qualitative reading, plus the configured interpretation flags (H, HH) as positive.
  fhir::Qualitative Read(const fhir::Observation& o) const {
    fhir::Qualitative q = o.QualitativeResult();
    if (q != fhir::Qualitative::kUnknown) return q;
    const json::Value* interp = json::GetArray(o.json(), "interpretation");
    if (interp == nullptr) return q;
    for (const json::Value& cc : interp->GetArray()) {
      fhir::ForEachCoding(cc, [&](const fhir::CodingView& v) {
        if (std::find(c_.positive_interpretations.begin(), c_.positive_interpretations.end(),
                      v.code) != c_.positive_interpretations.end()) {
          q = fhir::Qualitative::kPositive;
        }
      });
    }
    return q;
  }

  cards::Card MakeCard(const RuleContext& ctx, const std::vector<fhir::Condition>& neuro,
                       const std::string& diagnosis, const std::vector<Evidence>& evidence) const {
    std::optional<fhir::FhirDateTime> onset;
    bool severe = false;
    for (const fhir::Condition& n : neuro) {
      auto o = n.Onset();
      if (o && (!onset || o->Earliest() < onset->Earliest())) onset = o;
      severe = severe || (n.severity() != nullptr && c_.severe.Matches(*n.severity()));
    }
    config::TextTemplate::Values values = {
        {"diagnosis", diagnosis},
        {"onset", onset ? onset->ToString() : std::string("not recorded")},
        {"window", c_.early_window.ToString()}};
    std::string detail = c_.detail.Render(values);
    if (severe) detail += "\n\n" + c_.severity_severe.Render(values);
    const config::TextTemplate& duration =
        !onset ? c_.duration_unknown
               : (onset->Latest() >= c_.early_window.Before(ctx.now()) ? c_.duration_early
                                                                       : c_.duration_late);
    detail += "\n\n" + duration.Render(values);
    return maker_.Make(cards::Indicator::kInfo, c_.summary.Render(values), detail, evidence);
  }
};

}  // namespace

RuleRegistration AntiMagRituximabRule() {
  return Register<AntiMagRituximab>(
      {.id = "anti-mag-rituximab",
       .hooks = kPatientViewOnly,
       .data_keys = {kConditions, kAntiMag},
       .patient_view_data_keys = kExposureDataKeys,
       .indicator = "info",
       .suggestions = "None (the regimen depends on severity and body surface area).",
       .fields = [](config::Schema<Config>& s) {
         s.Field("neuropathy", &Config::neuropathy, "neuropathy conditions");
         s.Field("igm_paraprotein_conditions", &Config::igm_paraprotein,
                 "conditions that establish an IgM paraprotein (Waldenstrom)");
         s.Field("monoclonal_gammopathy_conditions", &Config::monoclonal_gammopathy,
                 "MGUS conditions, which count when their text says IgM");
         s.Field("anti_mag", &Config::anti_mag, "value set of anti-MAG IgM results");
         s.Field("anti_mag_positive_interpretations", &Config::positive_interpretations,
                 "interpretation codes read as positive (H, HH)")
             .Optional();
         s.Object("rituximab", &Config::rituximab, ExposureSchema(), "rituximab use");
         s.Field("early_treatment_window", &Config::early_window,
                 "onset within this is early treatment");
         s.Field("severe_severity", &Config::severe, "Condition.severity codes that mean severe");
         s.Template("summary", &Config::summary, kPlaceholders, "card summary");
         s.Template("detail", &Config::detail, kPlaceholders, "card detail");
         s.Template("basis_anti_mag", &Config::basis_anti_mag, kPlaceholders,
                    "{diagnosis} for a positive anti-MAG");
         s.Template("basis_waldenstrom", &Config::basis_waldenstrom, kPlaceholders,
                    "{diagnosis} for Waldenstrom macroglobulinaemia");
         s.Template("basis_igm_mgus", &Config::basis_igm_mgus, kPlaceholders,
                    "{diagnosis} for an IgM MGUS");
         s.Template("duration_early", &Config::duration_early, kPlaceholders,
                    "detail paragraph: onset within the window");
         s.Template("duration_late", &Config::duration_late, kPlaceholders,
                    "detail paragraph: onset before the window");
         s.Template("duration_unknown", &Config::duration_unknown, kPlaceholders,
                    "detail paragraph: onset not recorded");
         s.Template("severity_severe", &Config::severity_severe, kPlaceholders,
                    "detail paragraph for a severe neuropathy");
         s.Field("no_rituximab_evidence", &Config::no_rituximab_evidence,
                 "the evidence line that states no rituximab was found");
       }});
}

}  // namespace cds::hooks
