// rituximab-dose-check: a draft rituximab order whose dose fits none of the regimens.
// What it checks and why: config/knowledge/rules/rituximab-dose-check.json.
#include <cstdio>

#include "base/civil_time.h"

#include "fhir/dosage.h"
#include "fhir/observation_query.h"
#include "fhir/quantity.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/dosing.h"
#include "hooks/rule_kit/medication_match.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {
    "dose", "regimens", "expected", "expected_range", "bsa", "height", "weight", "missing", "why"};

struct Regimen {
  std::string label;                                     // "375 mg/m2"
  std::optional<MassLimit> per_m2_amount, fixed_amount;  // exactly one, as written
  double tolerance_percent = 0;
  // From the above, once read:
  bool per_m2 = false;
  MassLimit amount;      // mg, or mg per m2
  double tolerance = 0;  // fraction
};

struct Plausible {
  double min = 0, max = 0;
};

struct Config {
  fhir::CodeSet drugs, excluded, height, weight;
  std::optional<CalendarSpan> height_valid_for, weight_valid_for;
  Plausible height_cm, weight_kg;
  std::vector<Regimen> regimens;
  config::TextTemplate summary, detail, summary_missing, detail_missing, summary_not_computable,
      detail_not_computable;
};

config::Schema<Regimen> RegimenSchema() {
  config::Schema<Regimen> s;
  s.Field("label", &Regimen::label, "name on cards (\"375 mg/m2\")");
  s.Object("per_m2", &Regimen::per_m2_amount, MassSchema(), "dose per m2 body surface area");
  s.Object("fixed", &Regimen::fixed_amount, MassSchema(), "fixed dose");
  s.Field("tolerance_percent", &Regimen::tolerance_percent, "how far a dose may be off")
      .RangeBelow(0, 50);
  s.Check(
      [](const config::Node& n, Regimen& r) {
        if (r.per_m2_amount.has_value() == r.fixed_amount.has_value()) {
          return n.Error("needs exactly one of per_m2 and fixed");
        }
        r.per_m2 = r.per_m2_amount.has_value();
        r.amount = r.per_m2 ? *r.per_m2_amount : *r.fixed_amount;
        r.tolerance = r.tolerance_percent / 100;
        return OkStatus();
      },
      "needs exactly one of per_m2 and fixed");
  return s;
}

config::Schema<Plausible> PlausibleSchema() {
  config::Schema<Plausible> s;
  s.Field("min", &Plausible::min, "lowest plausible value");
  s.Field("max", &Plausible::max, "highest plausible value");
  s.Check(
      [](const config::Node& n, Plausible& p) {
        if (p.min <= 0 || p.min >= p.max) return n.Error("needs 0 < min < max");
        return OkStatus();
      },
      "needs 0 < min < max");
  return s;
}

// The latest height or weight in `unit`, or why it cannot be used.
struct Measure {
  std::optional<double> value;
  std::string problem;
  Evidence evidence;
};

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

// "180", "70.9": at most one decimal.
std::string OneDecimal(double v) {
  std::string s = Fixed(v, 1);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

bool FitsRegimen(const fhir::DoseAmount& d, const Regimen& r, double target) {
  return WithinTolerance(d.low, target, r.tolerance) &&
         WithinTolerance(d.high, target, r.tolerance);
}

std::string RangeText(const Regimen& r, double target, std::string_view unit) {
  if (r.tolerance == 0) return Fixed(target, 0) + " " + std::string(unit);
  return Fixed(target * (1 - r.tolerance), 0) + "-" + Fixed(target * (1 + r.tolerance), 0) + " " +
         std::string(unit);
}

class RituximabDoseCheck final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    for (const DraftOrder* o : ctx.orders().Targets()) {
      if (!fhir::IsResourceOfType(*o->resource, "MedicationRequest")) continue;
      DrugMatch m = MatchDrug(ctx, *o->resource, c_.drugs, out);
      if (m.result != fhir::Tri::kYes) continue;
      if (MatchDrug(ctx, *o->resource, c_.excluded, out).result == fhir::Tri::kYes) continue;
      CheckOrder(ctx, *o, m.name, out);
    }
  }

 private:
  void CheckOrder(const RuleContext& ctx, const DraftOrder& o, const std::string& name,
                  RuleOutcome& out) const {
    fhir::DosageSummary s = fhir::SummarizeDosage(*o.resource);
    std::vector<Evidence> evidence = {
        {o.key,
         "draft order: " + (name.empty() ? std::string("rituximab") : name) + ", " +
             (s.phases.empty() ? s.why_empty : s.Description()),
         std::nullopt, ""}};
    config::TextTemplate::Values v;
    std::vector<fhir::DoseAmount> doses;
    for (const fhir::DosagePhase& p : s.phases) {
      for (const fhir::Dosage& d : p.instructions) doses.push_back(d.dose);
    }
    std::string why = doses.empty() ? s.why_empty : "";
    for (const fhir::DoseAmount& d : doses) {
      if (why.empty() && !d.known) why = d.why;
      if (why.empty() && d.basis == fhir::DoseBasis::kPerBodyWeight)
        why = "the dose is written per kg body weight";
    }
    if (!why.empty()) {
      v["why"] = why;
      out.AddCard(maker_.Make(cards::Indicator::kInfo, c_.summary_not_computable.Render(v),
                              c_.detail_not_computable.Render(v), evidence));
      return;
    }
    std::vector<const fhir::DoseAmount*> open;  // doses in mg that fit no fixed regimen
    std::vector<std::string> misfits;
    for (const fhir::DoseAmount& d : doses) {
      if (FitsWithoutBsa(d)) continue;
      if (d.basis == fhir::DoseBasis::kPerBodySurfaceArea || !HasPerM2Regimen()) {
        misfits.push_back(d.Text());
      } else {
        open.push_back(&d);
      }
    }
    if (open.empty() && misfits.empty()) return;
    std::optional<double> bsa;
    if (!open.empty()) {
      const auto* obs = ctx.Require(kBodyMeasurements, out);
      if (obs == nullptr)
        return;  // not fetched yet, or unavailable: never a card from missing data
      Measure h =
          Latest(*obs, c_.height, "cm", c_.height_valid_for, c_.height_cm, "height", ctx.now());
      Measure w =
          Latest(*obs, c_.weight, "kg", c_.weight_valid_for, c_.weight_kg, "weight", ctx.now());
      evidence.push_back(h.evidence);
      evidence.push_back(w.evidence);
      v["height"] = h.value ? OneDecimal(*h.value) + " cm" : h.problem;
      v["weight"] = w.value ? OneDecimal(*w.value) + " kg" : w.problem;
      if ((!h.value || !w.value) && misfits.empty()) {
        std::string missing =
            h.value ? w.problem : (w.value ? h.problem : h.problem + "; " + w.problem);
        v["missing"] = missing;
        v["dose"] = open.front()->Text();
        v["regimens"] = RegimensText(std::nullopt);
        out.AddCard(maker_.Make(cards::Indicator::kInfo, c_.summary_missing.Render(v),
                                c_.detail_missing.Render(v), evidence));
        return;
      }
      if (h.value && w.value) {
        bsa = MostellerBsa(*h.value, *w.value);
        for (const fhir::DoseAmount* d : open) {
          if (!FitsBsa(*d, *bsa)) misfits.push_back(d->Text());
        }
      }
    }
    if (misfits.empty()) return;
    std::string doses_text;
    for (const std::string& m : misfits) doses_text += (doses_text.empty() ? "" : ", ") + m;
    v["dose"] = doses_text;
    v["regimens"] = RegimensText(bsa);
    if (bsa) {
      v["bsa"] = Fixed(*bsa, 2) + " m2";
      for (const Regimen& r : c_.regimens) {
        if (!r.per_m2) continue;
        v["expected"] = Fixed(r.amount.mg * *bsa, 0) + " mg";
        v["expected_range"] = RangeText(r, r.amount.mg * *bsa, "mg");
        break;
      }
    }
    out.AddCard(maker_.Make(cards::Indicator::kWarning, c_.summary.Render(v), c_.detail.Render(v),
                            evidence));
  }

  bool HasPerM2Regimen() const {
    for (const Regimen& r : c_.regimens) {
      if (r.per_m2) return true;
    }
    return false;
  }

  // A per-m2 dose against the per-m2 regimens, an mg dose against the fixed ones.
  bool FitsWithoutBsa(const fhir::DoseAmount& d) const {
    bool per_m2 = d.basis == fhir::DoseBasis::kPerBodySurfaceArea;
    for (const Regimen& r : c_.regimens) {
      if (r.per_m2 == per_m2 && FitsRegimen(d, r, r.amount.mg)) return true;
    }
    return false;
  }

  bool FitsBsa(const fhir::DoseAmount& d, double bsa) const {
    for (const Regimen& r : c_.regimens) {
      if (r.per_m2 && FitsRegimen(d, r, r.amount.mg * bsa)) return true;
    }
    return false;
  }

  // "375 mg/m2 (750 mg for 2.00 m2: 675-825 mg) or 1000 mg"
  std::string RegimensText(std::optional<double> bsa) const {
    std::string s;
    for (const Regimen& r : c_.regimens) {
      std::string one = r.label;
      if (r.per_m2 && bsa) {
        one += " (" + Fixed(r.amount.mg * *bsa, 0) + " mg for " + Fixed(*bsa, 2) +
               " m2: " + RangeText(r, r.amount.mg * *bsa, "mg") + ")";
      } else if (!r.per_m2 && r.tolerance > 0) {
        one += " (" + RangeText(r, r.amount.mg, "mg") + ")";
      }
      s += (s.empty() ? "" : " or ") + one;
    }
    return s;
  }

  static Measure Latest(const std::vector<const json::Value*>& resources,
                        const fhir::CodeSet& codes, std::string_view unit,
                        const std::optional<CalendarSpan>& valid_for, Plausible plausible,
                        const std::string& label, EpochMillis now) {
    Measure m;
    auto latest = fhir::LatestDatedObservation(resources, codes);
    if (!latest) {
      m.problem = "no " + label + " on file";
      m.evidence = {"", "No " + label + " on file", std::nullopt, ""};
      return m;
    }
    m.evidence = {latest->Key(), label + " " + latest->ValueText(), latest->EffectiveTime(), ""};
    auto q = latest->ValueQuantity();
    auto value = q && q->comparator == fhir::Comparator::kEq ? fhir::ValueIn(*q, unit)
                                                             : StatusOr<double>(0.0);
    if (!q || q->comparator != fhir::Comparator::kEq || !value.ok()) {
      m.problem = "the latest " + label + " has no value in a known unit";
    } else if (*value < plausible.min || *value > plausible.max) {
      m.problem = "the latest " + label + " (" + latest->ValueText() + ") is implausible";
    } else if (valid_for && latest->EffectiveTime()->Earliest() < valid_for->Before(now)) {
      m.problem = "the latest " + label + " is older than " + valid_for->ToString();
    } else {
      m.value = *value;
      return m;
    }
    m.evidence.note = "not usable";
    return m;
  }
};

}  // namespace

RuleRegistration RituximabDoseCheckRule() {
  return Register<RituximabDoseCheck>(
      {.id = "rituximab-dose-check",
       .hooks = kOrderHooks,
       .data_keys = {kBodyMeasurements},
       .patient_view_data_keys = {},
       .indicator = "warning (info when height, weight or the dose cannot be used)",
       .suggestions = "None: the card shows the expected dose; the prescriber edits the order.",
       .fields =
           [](config::Schema<Config>& s) {
             s.Field("drugs", &Config::drugs, "value set of rituximab products");
             s.Field("excluded_drugs", &Config::excluded,
                     "products dosed otherwise (subcutaneous rituximab)");
             s.Field("body_height", &Config::height, "value set of body height results");
             s.Field("body_weight", &Config::weight, "value set of body weight results");
             s.Field("height_valid_for", &Config::height_valid_for,
                     "an older height is not used (default: any age)");
             s.Field("weight_valid_for", &Config::weight_valid_for,
                     "an older weight is not used (default: any age)");
             s.Object("plausible_height_cm", &Config::height_cm, PlausibleSchema(),
                      "heights outside this are unit errors");
             s.Object("plausible_weight_kg", &Config::weight_kg, PlausibleSchema(),
                      "weights outside this are unit errors");
             s.Object("regimens", &Config::regimens, RegimenSchema(), "the accepted regimens")
                 .NonEmpty("must list at least one regimen");
             s.Template("summary", &Config::summary, kPlaceholders, "warning card summary");
             s.Template("detail", &Config::detail, kPlaceholders, "warning card detail");
             s.Template("summary_measurements_missing", &Config::summary_missing, kPlaceholders,
                        "info card when height or weight cannot be used");
             s.Template("detail_measurements_missing", &Config::detail_missing, kPlaceholders,
                        "its detail");
             s.Template("summary_not_computable", &Config::summary_not_computable, kPlaceholders,
                        "info card when the dose cannot be read");
             s.Template("detail_not_computable", &Config::detail_not_computable, kPlaceholders,
                        "its detail");
           },
       .doc_values = [](const Config& c) -> config::TextTemplate::Values {
         std::string regimens;
         for (const Regimen& r : c.regimens) {
           regimens += (regimens.empty() ? "" : ", ") + r.label + " within " +
                       FormatNumber(r.tolerance * 100) + "%";
         }
         return {{"regimens", regimens}};
       }});
}

}  // namespace cds::hooks
