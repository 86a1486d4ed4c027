#include "hooks/rules/rituximab_dose_check.h"

#include <cstdio>

#include "base/civil_time.h"
#include "base/status_macros.h"

#include "fhir/dosage.h"
#include "fhir/observation_query.h"
#include "fhir/quantity.h"

#include "hooks/card_maker.h"
#include "hooks/medication_match.h"
#include "hooks/rules/dose_checks.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {
    "dose", "regimens", "expected", "expected_range", "bsa", "height", "weight", "missing", "why"};

struct Regimen {
  std::string label;  // "375 mg/m2"
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

class RituximabDoseCheck final : public Rule {
 public:
  RituximabDoseCheck(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

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
      const auto* obs = ctx.Require("bodyMeasurements", out);
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

  Config c_;
  CardMaker maker_;
};

StatusOr<Regimen> ParseRegimen(const config::Node& n) {
  CDS_RETURN_IF_ERROR(n.CheckKnownKeys({"label", "per_m2", "fixed", "tolerance_percent"}));
  Regimen r;
  CDS_ASSIGN_OR_RETURN(r.label, n.String("label"));
  if (n.Has("per_m2") == n.Has("fixed")) return n.Error("needs exactly one of per_m2 and fixed");
  r.per_m2 = n.Has("per_m2");
  CDS_ASSIGN_OR_RETURN(config::Node amount, n.Child(r.per_m2 ? "per_m2" : "fixed"));
  CDS_RETURN_IF_ERROR(amount.CheckKnownKeys({"value", "unit"}));
  CDS_ASSIGN_OR_RETURN(r.amount, ParseMassLimit(amount, "value"));
  CDS_ASSIGN_OR_RETURN(double percent, n.Number("tolerance_percent"));
  if (percent < 0 || percent >= 50) return n.ErrorAt("tolerance_percent", "must be 0 to < 50");
  r.tolerance = percent / 100;
  return r;
}

StatusOr<Plausible> ParsePlausible(const config::Node& n, std::string_view key) {
  CDS_ASSIGN_OR_RETURN(config::Node p, n.Child(key));
  CDS_RETURN_IF_ERROR(p.CheckKnownKeys({"min", "max"}));
  Plausible out;
  CDS_ASSIGN_OR_RETURN(out.min, p.Number("min"));
  CDS_ASSIGN_OR_RETURN(out.max, p.Number("max"));
  if (out.min <= 0 || out.min >= out.max) return p.Error("needs 0 < min < max");
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeRituximabDoseCheck(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(ctx.CheckKeys({"drugs", "excluded_drugs", "body_height", "body_weight",
                                     "height_valid_for", "weight_valid_for", "plausible_height_cm",
                                     "plausible_weight_kg", "regimens", "summary", "detail",
                                     "summary_measurements_missing", "detail_measurements_missing",
                                     "summary_not_computable", "detail_not_computable"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(c.drugs, ctx.CodeSetAt(n, "drugs"));
  CDS_ASSIGN_OR_RETURN(c.excluded, ctx.CodeSetAt(n, "excluded_drugs"));
  CDS_ASSIGN_OR_RETURN(c.height, ctx.CodeSetAt(n, "body_height"));
  CDS_ASSIGN_OR_RETURN(c.weight, ctx.CodeSetAt(n, "body_weight"));
  if (n.Has("height_valid_for")) {
    CDS_ASSIGN_OR_RETURN(c.height_valid_for, n.Span("height_valid_for"));
  }
  if (n.Has("weight_valid_for")) {
    CDS_ASSIGN_OR_RETURN(c.weight_valid_for, n.Span("weight_valid_for"));
  }
  CDS_ASSIGN_OR_RETURN(c.height_cm, ParsePlausible(n, "plausible_height_cm"));
  CDS_ASSIGN_OR_RETURN(c.weight_kg, ParsePlausible(n, "plausible_weight_kg"));
  CDS_ASSIGN_OR_RETURN(auto regimens, n.Array("regimens"));
  for (const config::Node& r : regimens) {
    CDS_ASSIGN_OR_RETURN(Regimen regimen, ParseRegimen(r));
    c.regimens.push_back(std::move(regimen));
  }
  if (c.regimens.empty()) return n.ErrorAt("regimens", "must list at least one regimen");
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.summary_missing,
                       config::ParseTemplate(n, "summary_measurements_missing", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail_missing,
                       config::ParseTemplate(n, "detail_measurements_missing", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.summary_not_computable,
                       config::ParseTemplate(n, "summary_not_computable", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail_not_computable,
                       config::ParseTemplate(n, "detail_not_computable", kPlaceholders));
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kOrderSelect, Hook::kOrderSign};
  info.data_keys = {"bodyMeasurements"};
  info.trigger =
      "A draft rituximab order whose dose per administration fits none of the regimens (";
  for (size_t i = 0; i < c.regimens.size(); ++i) {
    info.trigger += (i ? ", " : "") + c.regimens[i].label + " within " +
                    fhir::FormatNumber(c.regimens[i].tolerance * 100) + "%";
  }
  info.trigger += "; per-m2 regimens use Mosteller BSA from the latest height and weight).";
  info.indicator = "warning (info when height, weight or the dose cannot be used)";
  info.suggestions = "None: the card shows the expected dose; the prescriber edits the order.";
  info.config_keys = {"drugs",
                      "excluded_drugs",
                      "body_height",
                      "body_weight",
                      "height_valid_for",
                      "weight_valid_for",
                      "plausible_height_cm",
                      "plausible_weight_kg",
                      "regimens[]",
                      "summary",
                      "detail",
                      "summary_measurements_missing",
                      "detail_measurements_missing",
                      "summary_not_computable",
                      "detail_not_computable"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new RituximabDoseCheck(std::move(info), std::move(c),
                                                      CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
