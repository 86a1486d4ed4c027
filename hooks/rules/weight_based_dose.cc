#include "hooks/rules/weight_based_dose.h"

#include <cmath>

#include "base/status_macros.h"

#include "fhir/observation_query.h"
#include "fhir/quantity.h"

namespace cds::hooks {
namespace {

double RoundTo(double v, double step) { return std::round(v / step) * step; }

// "70 kg", or "154 lb (69.9 kg)" when written in another unit.
std::string WeightText(const fhir::Observation& obs, const fhir::Quantity& q, double kg) {
  std::string text = obs.ValueText();
  auto unit = fhir::CanonicalUnit(q);
  if (!unit || *unit != "kg") text += " (" + fhir::FormatNumber(RoundTo(kg, 0.1)) + " kg)";
  return text;
}

}  // namespace

StatusOr<WeightConfig> ParseWeightConfig(const RuleBuildContext& ctx, const config::Node& n) {
  CDS_RETURN_IF_ERROR(n.CheckKnownKeys({"codes", "valid_for", "plausible_kg"}));
  WeightConfig c;
  CDS_ASSIGN_OR_RETURN(c.codes, ctx.CodeSetAt(n, "codes"));
  CDS_ASSIGN_OR_RETURN(c.valid_for, n.Span("valid_for"));
  CDS_ASSIGN_OR_RETURN(config::Node plausible, n.Child("plausible_kg"));
  CDS_RETURN_IF_ERROR(plausible.CheckKnownKeys({"min", "max"}));
  CDS_ASSIGN_OR_RETURN(c.min_kg, plausible.Number("min"));
  CDS_ASSIGN_OR_RETURN(c.max_kg, plausible.Number("max"));
  if (c.min_kg <= 0 || c.max_kg <= c.min_kg) return plausible.Error("needs 0 < min < max");
  return c;
}

WeightReading LatestWeight(const std::vector<const json::Value*>& measurements,
                           const WeightConfig& c, EpochMillis now) {
  WeightReading w;
  auto latest = fhir::LatestDatedObservation(measurements, c.codes);
  if (!latest) {
    w.problem = "no body weight on file";
    w.evidence = Evidence{"", "No body weight on file", std::nullopt, ""};
    return w;
  }
  w.obs = latest;
  std::string written =
      latest->ValueText().empty() ? std::string("(no value)") : latest->ValueText();
  auto unusable = [&](const std::string& why) {
    w.problem = "the latest body weight (" + latest->EffectiveTime()->ToString() + ") " + why;
    w.evidence = Evidence{latest->Key(), "Body weight " + written, latest->EffectiveTime(), why};
    return w;
  };
  auto q = latest->ValueQuantity();
  if (!q) return unusable("has no numeric value");
  if (q->comparator != fhir::Comparator::kEq) return unusable("is not an exact value");
  auto kg = fhir::ValueIn(*q, "kg");
  if (!kg.ok()) return unusable("has no unit that converts to kg");
  if (*kg < c.min_kg || *kg > c.max_kg) {
    return unusable("is implausible (" + fhir::FormatNumber(RoundTo(*kg, 0.1)) + " kg)");
  }
  if (latest->EffectiveTime()->Earliest() < c.valid_for.Before(now)) {
    return unusable("is older than " + c.valid_for.ToString());
  }
  w.kg = *kg;
  w.evidence = Evidence{latest->Key(), "Body weight " + WeightText(*latest, *q, *kg),
                        latest->EffectiveTime(), ""};
  return w;
}

std::optional<WeightReading> ReadWeight(const RuleContext& ctx, std::string_view key,
                                        const WeightConfig& c, RuleOutcome& out) {
  const DataEntry* entry = ctx.data().Find(key);
  if (entry != nullptr && entry->state == DataState::kUnavailable) {
    WeightReading w;
    w.problem = "the body weight could not be read from the EHR";
    w.evidence =
        Evidence{"", "Body weight could not be read (" + entry->reason + ")", std::nullopt, ""};
    return w;
  }
  const auto* measurements = ctx.Require(key, out);
  if (measurements == nullptr) return std::nullopt;
  return LatestWeight(*measurements, c, ctx.now());
}

StatusOr<PerKgRange> ParsePerKgRange(const config::Node& n) {
  CDS_RETURN_IF_ERROR(n.CheckKnownKeys({"low_mg_per_kg", "high_mg_per_kg", "round_to_mg"}));
  PerKgRange r;
  CDS_ASSIGN_OR_RETURN(r.low, n.Number("low_mg_per_kg"));
  CDS_ASSIGN_OR_RETURN(r.high, n.Number("high_mg_per_kg"));
  CDS_ASSIGN_OR_RETURN(r.round_to, n.Number("round_to_mg"));
  if (r.low <= 0 || r.high < r.low) return n.Error("needs 0 < low_mg_per_kg <= high_mg_per_kg");
  if (r.round_to <= 0) return n.ErrorAt("round_to_mg", "must be > 0");
  return r;
}

const std::vector<std::string>& DosePlaceholders() {
  static const std::vector<std::string> p = {"low",    "high",        "low_per_kg", "high_per_kg",
                                             "weight", "weight_date", "reason"};
  return p;
}

StatusOr<DoseTexts> ParseDoseTexts(const config::Node& n) {
  DoseTexts t;
  CDS_ASSIGN_OR_RETURN(t.computed, config::ParseTemplate(n, "dose_computed", DosePlaceholders()));
  CDS_ASSIGN_OR_RETURN(t.not_computed,
                       config::ParseTemplate(n, "dose_not_computed", DosePlaceholders()));
  return t;
}

std::string DoseText(const PerKgRange& range, const WeightReading& weight, const DoseTexts& texts) {
  config::TextTemplate::Values v = {{"low_per_kg", fhir::FormatNumber(range.low)},
                                    {"high_per_kg", fhir::FormatNumber(range.high)}};
  if (!weight.kg) {
    v["reason"] = weight.problem;
    return texts.not_computed.Render(v);
  }
  double kg = *weight.kg;
  v["low"] = fhir::FormatNumber(RoundTo(range.low * kg, range.round_to));
  v["high"] = fhir::FormatNumber(RoundTo(range.high * kg, range.round_to));
  v["weight"] = fhir::FormatNumber(RoundTo(kg, 0.1)) + " kg";
  v["weight_date"] = weight.obs->EffectiveTime()->ToString();
  return texts.computed.Render(v);
}

}  // namespace cds::hooks
