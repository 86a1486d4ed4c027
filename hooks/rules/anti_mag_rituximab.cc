#include "hooks/rules/anti_mag_rituximab.h"

#include <algorithm>
#include <cctype>

#include "base/ascii.h"
#include "base/status_macros.h"

#include "fhir/observation_query.h"

#include "hooks/card_maker.h"
#include "hooks/rules/drug_exposure.h"

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

class AntiMagRituximab final : public Rule {
 public:
  AntiMagRituximab(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    const auto* conditions = ctx.Require("conditions", out);
    const auto* anti_mag = ctx.Require("antiMag", out);
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

  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeAntiMagRituximab(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(ctx.CheckKeys(
      {"neuropathy", "igm_paraprotein_conditions", "monoclonal_gammopathy_conditions", "anti_mag",
       "anti_mag_positive_interpretations", "rituximab", "early_treatment_window",
       "severe_severity", "summary", "detail", "basis_anti_mag", "basis_waldenstrom",
       "basis_igm_mgus", "duration_early", "duration_late", "duration_unknown", "severity_severe",
       "no_rituximab_evidence"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(c.neuropathy, ctx.CodeSetAt(n, "neuropathy"));
  CDS_ASSIGN_OR_RETURN(c.igm_paraprotein, ctx.CodeSetAt(n, "igm_paraprotein_conditions"));
  CDS_ASSIGN_OR_RETURN(c.monoclonal_gammopathy,
                       ctx.CodeSetAt(n, "monoclonal_gammopathy_conditions"));
  CDS_ASSIGN_OR_RETURN(c.anti_mag, ctx.CodeSetAt(n, "anti_mag"));
  CDS_ASSIGN_OR_RETURN(c.severe, ctx.CodeSetAt(n, "severe_severity"));
  CDS_ASSIGN_OR_RETURN(c.positive_interpretations,
                       n.StringListOr("anti_mag_positive_interpretations"));
  CDS_ASSIGN_OR_RETURN(config::Node rtx, n.Child("rituximab"));
  CDS_ASSIGN_OR_RETURN(c.rituximab, ParseExposure(ctx, rtx));
  CDS_ASSIGN_OR_RETURN(c.early_window, n.Span("early_treatment_window"));
  CDS_ASSIGN_OR_RETURN(c.no_rituximab_evidence, n.String("no_rituximab_evidence"));
  for (auto [key, t] : {std::pair{"summary", &c.summary},
                        {"detail", &c.detail},
                        {"basis_anti_mag", &c.basis_anti_mag},
                        {"basis_waldenstrom", &c.basis_waldenstrom},
                        {"basis_igm_mgus", &c.basis_igm_mgus},
                        {"duration_early", &c.duration_early},
                        {"duration_late", &c.duration_late},
                        {"duration_unknown", &c.duration_unknown},
                        {"severity_severe", &c.severity_severe}}) {
    CDS_ASSIGN_OR_RETURN(*t, config::ParseTemplate(n, key, kPlaceholders));
  }
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView};
  info.data_keys = {"conditions", "antiMag"};
  info.patient_view_data_keys = ExposureDataKeys();
  info.trigger =
      "A current neuropathy condition with a positive anti-MAG IgM (latest readable result), "
      "Waldenstrom "
      "macroglobulinaemia, or an MGUS whose text says IgM; and no rituximab within " +
      c.rituximab.lookback.ToString() + ".";
  info.indicator = "info";
  info.suggestions = "None (the regimen depends on severity and body surface area).";
  info.config_keys = {"neuropathy",
                      "igm_paraprotein_conditions",
                      "monoclonal_gammopathy_conditions",
                      "anti_mag",
                      "anti_mag_positive_interpretations",
                      "rituximab.*",
                      "early_treatment_window",
                      "severe_severity",
                      "summary",
                      "detail",
                      "basis_*",
                      "duration_*",
                      "severity_severe",
                      "no_rituximab_evidence"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new AntiMagRituximab(std::move(info), std::move(c),
                                                    CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
