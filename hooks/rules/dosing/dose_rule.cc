#include "hooks/rules/dosing/dose_rule.h"

#include <algorithm>
#include <cmath>

#include "fhir/dosage.h"
#include "fhir/observation.h"
#include "fhir/quantity.h"
#include "fhir/resource.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/medication_match.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kFindingPlaceholders = {"daily", "dose", "count",
                                                       "min",   "max",  "why"};
const std::vector<std::string> kCardPlaceholders = {"drug",   "findings", "findings_list",
                                                    "dosage", "limits",   "why"};
constexpr char kNotThisRule[] =
    "unknown setting for this rule (misspelt, or a check this rule does not make)";

struct DailyDose {
  std::optional<double> min, max;
  std::string unit;
};

struct SingleDose {
  double max = 0;
  std::string unit;
};

struct DrugLimits {
  std::string label;
  fhir::CodeSet codes;
  std::optional<DailyDose> daily_dose;
  std::optional<SingleDose> single_dose;
  std::optional<int> max_administrations_per_day;
  bool at_bedtime = false;
  // From the above, once read:
  std::optional<MassLimit> daily_min, daily_max, single_max;
  std::optional<double> max_per_day;
  std::string limits;  // "60-120 mg a day, at bedtime"
};

struct Findings {
  config::TextTemplate daily_above, daily_below, single_dose_above, too_many, not_at_bedtime,
      not_computable;
};

struct Config {
  std::vector<DrugLimits> drugs;
  Findings findings;
  config::TextTemplate summary, detail, summary_not_computable, detail_not_computable;
};

struct Result {
  std::vector<std::string> findings;
  std::vector<std::string> not_computable;  // reasons
};

void AddUnique(std::vector<std::string>& list, std::string s) {
  if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(std::move(s));
}

std::string Mg(double v) { return FormatNumber(v) + " mg"; }

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : std::string(sep)) + p;
  return s;
}

class DoseRule final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

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
      list += "- " + c_.findings.not_computable.Render({{"why", why}}) + "\n";
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
      if (drug.at_bedtime && !p.all_at_bedtime)
        AddUnique(r.findings, c_.findings.not_at_bedtime.Render({}));
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
      AddUnique(r.findings, step + c_.findings.daily_above.Render(
                                       {{"daily", daily}, {"max", drug.daily_max->Text()}}));
    }
    bool all_as_needed = d.as_needed && d.low == 0;
    double least = all_as_needed ? d.high : d.low;  // all as needed: even the most allowed
    if (last && drug.daily_min && least < drug.daily_min->mg) {
      std::string daily = (all_as_needed ? "at most " : "") + Mg(least);
      AddUnique(r.findings, step + c_.findings.daily_below.Render(
                                       {{"daily", daily}, {"min", drug.daily_min->Text()}}));
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
      AddUnique(r.findings, step + c_.findings.single_dose_above.Render(
                                       {{"dose", dose}, {"max", drug.single_max->Text()}}));
    }
  }

  void CheckAdministrations(const fhir::DosagePhase& p, const std::string& step,
                            const DrugLimits& drug, Result& r) const {
    if (!p.per_day.known) return AddUnique(r.not_computable, step + p.per_day.why);
    if (p.per_day.high > *drug.max_per_day) {
      std::string count = fhir::FormatNumber(p.per_day.high);
      AddUnique(r.findings,
                step + c_.findings.too_many.Render(
                           {{"count", count}, {"max", fhir::FormatNumber(*drug.max_per_day)}}));
    }
  }
};

config::Schema<DrugLimits> DrugSchema(const DoseChecks& checks) {
  config::Schema<DrugLimits> s;
  s.UnknownKeyMessage(kNotThisRule);
  s.Field("label", &DrugLimits::label, "the drug's name on cards");
  s.Field("codes", &DrugLimits::codes, "value set of the drug's products");
  if (checks.daily_range) {
    config::Schema<DailyDose> daily;
    daily.Field("min", &DailyDose::min, "least daily dose (the last step of a titration)")
        .Positive();
    daily.Field("max", &DailyDose::max, "most daily dose").Positive();
    daily.Field("unit", &DailyDose::unit, "a mass unit (mg, g, ug)");
    s.Object("daily_dose", &DrugLimits::daily_dose, daily, "the daily dose range");
  }
  if (checks.single_dose) {
    config::Schema<SingleDose> single;
    single.Field("max", &SingleDose::max, "most per administration").Positive();
    single.Field("unit", &SingleDose::unit, "a mass unit (mg, g, ug)");
    s.Object("single_dose", &DrugLimits::single_dose, single, "the largest single dose");
  }
  if (checks.administrations) {
    s.Field("max_administrations_per_day", &DrugLimits::max_administrations_per_day,
            "most administrations a day")
        .Range(1, 48);
  }
  if (checks.bedtime) {
    s.Field("at_bedtime", &DrugLimits::at_bedtime, "every dose at bedtime").Optional();
  }
  s.Check(
      [](const config::Node& n, DrugLimits& d) -> Status {
        std::vector<std::string> limits;
        if (d.daily_dose) {
          config::Node daily = *n.OptionalChild("daily_dose");
          const DailyDose& dd = *d.daily_dose;
          if (dd.min) {
            CDS_ASSIGN_OR_RETURN(d.daily_min, ToMass(daily, *dd.min, dd.unit));
          }
          if (dd.max) {
            CDS_ASSIGN_OR_RETURN(d.daily_max, ToMass(daily, *dd.max, dd.unit));
          }
          if (!d.daily_min && !d.daily_max) return daily.Error("needs min, max or both");
          if (d.daily_min && d.daily_max && d.daily_min->mg > d.daily_max->mg)
            return daily.ErrorAt("min", "must be <= max");
          if (d.daily_min && d.daily_max) {
            limits.push_back(FormatNumber(d.daily_min->value) + "-" + d.daily_max->Text() +
                             " a day");
          } else {
            limits.push_back(d.daily_min ? "at least " + d.daily_min->Text() + " a day"
                                         : "at most " + d.daily_max->Text() + " a day");
          }
        }
        if (d.single_dose) {
          config::Node single = *n.OptionalChild("single_dose");
          CDS_ASSIGN_OR_RETURN(d.single_max,
                               ToMass(single, d.single_dose->max, d.single_dose->unit));
          limits.push_back("at most " + d.single_max->Text() + " a dose");
        }
        if (d.max_administrations_per_day) {
          d.max_per_day = static_cast<double>(*d.max_administrations_per_day);
          limits.push_back("at most " + std::to_string(*d.max_administrations_per_day) +
                           " doses a day");
        }
        if (d.at_bedtime) limits.push_back("at bedtime");
        if (limits.empty()) return n.Error("configures no check");
        d.limits = Join(limits, ", ");
        return OkStatus();
      },
      "configures at least one check; daily_dose needs min, max or both, min <= max; doses in a "
      "mass unit");
  return s;
}

config::Schema<Findings> FindingsSchema(const DoseChecks& checks) {
  config::Schema<Findings> s;
  s.UnknownKeyMessage(kNotThisRule);
  const auto& p = kFindingPlaceholders;
  if (checks.daily_range) {
    s.Template("daily_above", &Findings::daily_above, p, "finding: daily dose above the maximum");
    s.Template("daily_below", &Findings::daily_below, p, "finding: daily dose below the minimum");
  }
  if (checks.single_dose) {
    s.Template("single_dose_above", &Findings::single_dose_above, p,
               "finding: a single dose above the maximum");
  }
  if (checks.administrations) {
    s.Template("too_many_administrations", &Findings::too_many, p,
               "finding: more administrations a day than allowed");
  }
  if (checks.bedtime) {
    s.Template("not_at_bedtime", &Findings::not_at_bedtime, p, "finding: a dose not at bedtime");
  }
  s.Template("not_computable", &Findings::not_computable, p,
             "finding: a check that could not be made, and why");
  return s;
}

}  // namespace

RuleRegistration DoseRuleRegistration(std::string_view id, DoseChecks checks,
                                      std::string suggestions) {
  return Register<DoseRule>(
      {.id = id,
       .hooks = kOrderHooks,
       .data_keys = {},
       .patient_view_data_keys = {},
       .indicator = "warning (info when the dose cannot be computed)",
       .suggestions = std::move(suggestions),
       .fields =
           [checks](config::Schema<Config>& s) {
             s.Object("drugs", &Config::drugs, DrugSchema(checks), "the drugs and their limits")
                 .NonEmpty("must list at least one drug");
             s.Object("findings", &Config::findings, FindingsSchema(checks),
                      "the text of each finding");
             s.Template("summary", &Config::summary, kCardPlaceholders, "warning card summary");
             s.Template("detail", &Config::detail, kCardPlaceholders, "warning card detail");
             s.Template("summary_not_computable", &Config::summary_not_computable,
                        kCardPlaceholders, "info card when a dose cannot be checked");
             s.Template("detail_not_computable", &Config::detail_not_computable, kCardPlaceholders,
                        "its detail");
           },
       .doc_values = [](const Config& c) -> config::TextTemplate::Values {
         std::string limits;
         for (const DrugLimits& d : c.drugs) {
           limits += (limits.empty() ? "" : " ") + d.label + ": " + d.limits + ".";
         }
         return {{"drug_limits", limits}};
       }});
}

}  // namespace cds::hooks
