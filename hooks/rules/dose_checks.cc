#include "hooks/rules/dose_checks.h"

#include <algorithm>
#include <cmath>

#include "base/status_macros.h"

#include "fhir/dosage.h"
#include "fhir/observation.h"
#include "fhir/quantity.h"
#include "fhir/resource.h"

#include "hooks/card_maker.h"
#include "hooks/medication_match.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kFindingPlaceholders = {"daily", "dose", "count",
                                                       "min",   "max",  "why"};
const std::vector<std::string> kCardPlaceholders = {"drug",   "findings", "findings_list",
                                                    "dosage", "limits",   "why"};

struct DrugLimits {
  std::string label;
  fhir::CodeSet codes;
  std::optional<MassLimit> daily_min, daily_max, single_max;
  std::optional<double> max_per_day;
  bool at_bedtime = false;
  std::string limits;  // "60-120 mg a day, at bedtime"
};

struct Config {
  std::vector<DrugLimits> drugs;
  config::TextTemplate daily_above, daily_below, single_dose_above, too_many, not_at_bedtime,
      not_computable;
  config::TextTemplate summary, detail, summary_not_computable, detail_not_computable;
};

struct Result {
  std::vector<std::string> findings;
  std::vector<std::string> not_computable;  // reasons
};

void AddUnique(std::vector<std::string>& list, std::string s) {
  if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(std::move(s));
}

std::string Mg(double v) { return fhir::FormatNumber(v) + " mg"; }

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : std::string(sep)) + p;
  return s;
}

class DoseRule final : public Rule {
 public:
  DoseRule(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    for (const DraftOrder* o : ctx.orders().Targets()) {
      if (!fhir::IsResourceOfType(*o->resource, "MedicationRequest")) continue;
      for (const DrugLimits& drug : c_.drugs) {
        DrugMatch m = MatchDrug(ctx, *o->resource, drug.codes, out);
        if (m.result != fhir::Tri::kYes) continue;  // kUnknown: a pending read is recorded in `out`
        CheckOrder(*o, drug, m.name, out);
        break;
      }
    }
  }

 private:
  void CheckOrder(const DraftOrder& o, const DrugLimits& drug, const std::string& name,
                  RuleOutcome& out) const {
    fhir::DosageSummary s = fhir::SummarizeDosage(*o.resource);
    Result r = Check(s, drug);
    if (r.findings.empty() && r.not_computable.empty()) return;
    std::string why = Join(r.not_computable, "; ");
    std::string list;
    for (const std::string& f : r.findings) list += "- " + f + "\n";
    if (!why.empty() && !r.findings.empty())
      list += "- " + c_.not_computable.Render({{"why", why}}) + "\n";
    std::string dosage = s.phases.empty() ? s.why_empty : s.Description();
    config::TextTemplate::Values v = {{"drug", drug.label},    {"findings", Join(r.findings, "; ")},
                                      {"findings_list", list}, {"dosage", EscapeMarkdown(dosage)},
                                      {"limits", drug.limits}, {"why", why}};
    std::vector<Evidence> evidence = {
        {o.key, "draft order: " + (name.empty() ? drug.label : name) + ", " + dosage, std::nullopt,
         ""}};
    if (!r.findings.empty()) {
      out.AddCard(maker_.Make(cards::Indicator::kWarning, c_.summary.Render(v), c_.detail.Render(v),
                              evidence));
    } else {
      out.AddCard(maker_.Make(cards::Indicator::kInfo, c_.summary_not_computable.Render(v),
                              c_.detail_not_computable.Render(v), evidence));
    }
  }

  Result Check(const fhir::DosageSummary& s, const DrugLimits& drug) const {
    Result r;
    if (s.phases.empty()) {
      r.not_computable.push_back(s.why_empty);
      return r;
    }
    for (size_t i = 0; i < s.phases.size(); ++i) {
      const fhir::DosagePhase& p = s.phases[i];
      std::string step = s.phases.size() > 1 ? "step " + std::to_string(i + 1) + ": " : "";
      if (drug.daily_min || drug.daily_max) CheckDaily(p, i + 1 == s.phases.size(), step, drug, r);
      if (drug.single_max) CheckSingleDose(p, step, drug, r);
      if (drug.max_per_day) CheckAdministrations(p, step, drug, r);
      if (drug.at_bedtime && !p.all_at_bedtime) AddUnique(r.findings, c_.not_at_bedtime.Render({}));
    }
    return r;
  }

  void CheckDaily(const fhir::DosagePhase& p, bool last, const std::string& step,
                  const DrugLimits& drug, Result& r) const {
    const fhir::DailyDose& d = p.daily;
    if (!d.known) return AddUnique(r.not_computable, step + d.why);
    if (d.basis != fhir::DoseBasis::kAbsolute) {
      return AddUnique(r.not_computable, step + "the dose is written in " +
                                             std::string(fhir::DoseUnitText(d.basis)) +
                                             ", not in mg");
    }
    bool ranged = d.as_needed || d.low != d.high;
    if (drug.daily_max && d.high > drug.daily_max->mg) {
      std::string daily = (ranged ? "up to " : "") + Mg(d.high);
      AddUnique(r.findings,
                step + c_.daily_above.Render({{"daily", daily}, {"max", drug.daily_max->Text()}}));
    }
    bool all_as_needed = d.as_needed && d.low == 0;
    double least = all_as_needed ? d.high : d.low;  // all as needed: even the most allowed
    if (last && drug.daily_min && least < drug.daily_min->mg) {
      std::string daily = (all_as_needed ? "at most " : "") + Mg(least);
      AddUnique(r.findings,
                step + c_.daily_below.Render({{"daily", daily}, {"min", drug.daily_min->Text()}}));
    }
  }

  void CheckSingleDose(const fhir::DosagePhase& p, const std::string& step, const DrugLimits& drug,
                       Result& r) const {
    if (!p.dose.known) return AddUnique(r.not_computable, step + p.dose.why);
    if (p.dose.basis != fhir::DoseBasis::kAbsolute) {
      return AddUnique(r.not_computable, step + "the dose is written in " +
                                             std::string(fhir::DoseUnitText(p.dose.basis)) +
                                             ", not in mg");
    }
    if (p.dose.high > drug.single_max->mg) {
      std::string dose = (p.dose.is_range ? "up to " : "") + Mg(p.dose.high);
      AddUnique(r.findings, step + c_.single_dose_above.Render(
                                       {{"dose", dose}, {"max", drug.single_max->Text()}}));
    }
  }

  void CheckAdministrations(const fhir::DosagePhase& p, const std::string& step,
                            const DrugLimits& drug, Result& r) const {
    if (!p.per_day.known) return AddUnique(r.not_computable, step + p.per_day.why);
    if (p.per_day.high > *drug.max_per_day) {
      std::string count = fhir::FormatNumber(p.per_day.high);
      AddUnique(r.findings,
                step + c_.too_many.Render(
                           {{"count", count}, {"max", fhir::FormatNumber(*drug.max_per_day)}}));
    }
  }

  Config c_;
  CardMaker maker_;
};

Status CheckAllowed(const config::Node& n, const std::vector<std::string_view>& allowed) {
  for (const auto& [name, child] : n.Members()) {
    if (name.rfind('_', 0) == 0) continue;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return n.ErrorAt(
          name, "unknown setting for this rule (misspelt, or a check this rule does not make)");
    }
  }
  return OkStatus();
}

StatusOr<DrugLimits> ParseDrug(const RuleBuildContext& ctx, const config::Node& n,
                               const DoseRuleSpec& spec) {
  std::vector<std::string_view> allowed = {"label", "codes"};
  if (spec.daily_range) allowed.push_back("daily_dose");
  if (spec.single_dose) allowed.push_back("single_dose");
  if (spec.administrations) allowed.push_back("max_administrations_per_day");
  if (spec.bedtime) allowed.push_back("at_bedtime");
  CDS_RETURN_IF_ERROR(CheckAllowed(n, allowed));
  DrugLimits d;
  CDS_ASSIGN_OR_RETURN(d.label, n.String("label"));
  CDS_ASSIGN_OR_RETURN(d.codes, ctx.CodeSetAt(n, "codes"));
  std::vector<std::string> limits;
  if (auto daily = n.OptionalChild("daily_dose")) {
    CDS_RETURN_IF_ERROR(daily->CheckKnownKeys({"min", "max", "unit"}));
    if (daily->Has("min")) {
      CDS_ASSIGN_OR_RETURN(d.daily_min, ParseMassLimit(*daily, "min"));
    }
    if (daily->Has("max")) {
      CDS_ASSIGN_OR_RETURN(d.daily_max, ParseMassLimit(*daily, "max"));
    }
    if (!d.daily_min && !d.daily_max) return daily->Error("needs min, max or both");
    if (d.daily_min && d.daily_max && d.daily_min->mg > d.daily_max->mg)
      return daily->ErrorAt("min", "must be <= max");
    if (d.daily_min && d.daily_max) {
      limits.push_back(fhir::FormatNumber(d.daily_min->value) + "-" + d.daily_max->Text() +
                       " a day");
    } else {
      limits.push_back(d.daily_min ? "at least " + d.daily_min->Text() + " a day"
                                   : "at most " + d.daily_max->Text() + " a day");
    }
  }
  if (auto single = n.OptionalChild("single_dose")) {
    CDS_RETURN_IF_ERROR(single->CheckKnownKeys({"max", "unit"}));
    CDS_ASSIGN_OR_RETURN(d.single_max, ParseMassLimit(*single, "max"));
    limits.push_back("at most " + d.single_max->Text() + " a dose");
  }
  if (n.Has("max_administrations_per_day")) {
    CDS_ASSIGN_OR_RETURN(int64_t max, n.Int("max_administrations_per_day"));
    if (max < 1 || max > 48) return n.ErrorAt("max_administrations_per_day", "must be 1-48");
    d.max_per_day = static_cast<double>(max);
    limits.push_back("at most " + std::to_string(max) + " doses a day");
  }
  CDS_ASSIGN_OR_RETURN(d.at_bedtime, n.BoolOr("at_bedtime", false));
  if (d.at_bedtime) limits.push_back("at bedtime");
  if (limits.empty()) return n.Error("configures no check");
  d.limits = Join(limits, ", ");
  return d;
}

StatusOr<config::TextTemplate> Finding(const config::Node& n, std::string_view key, bool needed) {
  if (!needed) return config::TextTemplate();
  return config::ParseTemplate(n, key, kFindingPlaceholders);
}

}  // namespace

double MostellerBsa(double height_cm, double weight_kg) {
  return std::sqrt(height_cm * weight_kg / 3600.0);
}

bool WithinTolerance(double value, double target, double tolerance) {
  return std::abs(value - target) <= target * tolerance + target * 1e-9;
}

std::string MassLimit::Text() const { return fhir::FormatNumber(value) + " " + unit; }

StatusOr<MassLimit> ParseMassLimit(const config::Node& n, std::string_view key) {
  MassLimit m;
  CDS_ASSIGN_OR_RETURN(m.value, n.Number(key));
  CDS_ASSIGN_OR_RETURN(m.unit, n.String("unit"));
  if (m.value <= 0) return n.ErrorAt(key, "must be > 0");
  auto mg = fhir::ConvertValue(m.value, m.unit, "mg");
  if (!mg.ok()) return n.ErrorAt("unit", "must be a mass (mg, g, ug)");
  m.mg = *mg;
  return m;
}

StatusOr<std::unique_ptr<Rule>> MakeDoseRule(const RuleBuildContext& ctx,
                                             const DoseRuleSpec& spec) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(ctx.CheckKeys({"drugs", "findings", "summary", "detail",
                                     "summary_not_computable", "detail_not_computable"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(auto drugs, n.Array("drugs"));
  for (const config::Node& d : drugs) {
    CDS_ASSIGN_OR_RETURN(DrugLimits drug, ParseDrug(ctx, d, spec));
    c.drugs.push_back(std::move(drug));
  }
  if (c.drugs.empty()) return n.ErrorAt("drugs", "must list at least one drug");
  CDS_ASSIGN_OR_RETURN(config::Node f, n.Child("findings"));
  std::vector<std::string_view> allowed = {"not_computable"};
  if (spec.daily_range) allowed.insert(allowed.end(), {"daily_above", "daily_below"});
  if (spec.single_dose) allowed.push_back("single_dose_above");
  if (spec.administrations) allowed.push_back("too_many_administrations");
  if (spec.bedtime) allowed.push_back("not_at_bedtime");
  CDS_RETURN_IF_ERROR(CheckAllowed(f, allowed));
  CDS_ASSIGN_OR_RETURN(c.daily_above, Finding(f, "daily_above", spec.daily_range));
  CDS_ASSIGN_OR_RETURN(c.daily_below, Finding(f, "daily_below", spec.daily_range));
  CDS_ASSIGN_OR_RETURN(c.single_dose_above, Finding(f, "single_dose_above", spec.single_dose));
  CDS_ASSIGN_OR_RETURN(c.too_many, Finding(f, "too_many_administrations", spec.administrations));
  CDS_ASSIGN_OR_RETURN(c.not_at_bedtime, Finding(f, "not_at_bedtime", spec.bedtime));
  CDS_ASSIGN_OR_RETURN(c.not_computable, Finding(f, "not_computable", true));
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", kCardPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", kCardPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.summary_not_computable,
                       config::ParseTemplate(n, "summary_not_computable", kCardPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail_not_computable,
                       config::ParseTemplate(n, "detail_not_computable", kCardPlaceholders));
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kOrderSelect, Hook::kOrderSign};
  info.trigger = spec.trigger;
  for (const DrugLimits& d : c.drugs) info.trigger += " " + d.label + ": " + d.limits + ".";
  info.indicator = "warning (info when the dose cannot be computed)";
  info.suggestions = spec.suggestions;
  info.config_keys = {
      "drugs[].label",          "drugs[].codes",        "findings", "summary", "detail",
      "summary_not_computable", "detail_not_computable"};
  if (spec.daily_range) info.config_keys.push_back("drugs[].daily_dose");
  if (spec.single_dose) info.config_keys.push_back("drugs[].single_dose");
  if (spec.administrations) info.config_keys.push_back("drugs[].max_administrations_per_day");
  if (spec.bedtime) info.config_keys.push_back("drugs[].at_bedtime");
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(
      new DoseRule(std::move(info), std::move(c), CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
