#include "hooks/rule_kit/weight_based_dose.h"

#include <cmath>

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

const config::Schema<WeightConfig>& WeightSchema() {
  static const config::Schema<WeightConfig> schema = [] {
    config::Schema<PlausibleKg> plausible;
    plausible.Field("min", &PlausibleKg::min, "lightest plausible weight in kg");
    plausible.Field("max", &PlausibleKg::max, "heaviest plausible weight in kg");
    plausible.Check(
        [](const config::Node& n, PlausibleKg& p) {
          if (p.min <= 0 || p.max <= p.min) return n.Error("needs 0 < min < max");
          return OkStatus();
        },
        "needs 0 < min < max");
    config::Schema<WeightConfig> s;
    s.Shared();
    s.Field("codes", &WeightConfig::codes, "value set of body weight results");
    s.Field("valid_for", &WeightConfig::valid_for, "an older weight is not used for a dose");
    s.Object("plausible_kg", &WeightConfig::plausible_kg, plausible,
             "weights outside this are unit errors");
    return s;
  }();
  return schema;
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
  if (*kg < c.plausible_kg.min || *kg > c.plausible_kg.max) {
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

const config::Schema<PerKgRange>& PerKgRangeSchema() {
  static const config::Schema<PerKgRange> schema = [] {
    config::Schema<PerKgRange> s;
    s.Shared();
    s.Field("low_mg_per_kg", &PerKgRange::low, "low end, mg per kg a day");
    s.Field("high_mg_per_kg", &PerKgRange::high, "high end, mg per kg a day");
    s.Field("round_to_mg", &PerKgRange::round_to, "computed doses are rounded to this").Positive();
    s.Check(
        [](const config::Node& n, PerKgRange& r) {
          if (r.low <= 0 || r.high < r.low)
            return n.Error("needs 0 < low_mg_per_kg <= high_mg_per_kg");
          return OkStatus();
        },
        "needs 0 < low_mg_per_kg <= high_mg_per_kg");
    return s;
  }();
  return schema;
}

const std::vector<std::string>& DosePlaceholders() {
  static const std::vector<std::string> p = {"low",    "high",        "low_per_kg", "high_per_kg",
                                             "weight", "weight_date", "reason"};
  return p;
}

std::string DoseText(const PerKgRange& range, const WeightReading& weight,
                     const config::TextTemplate& computed,
                     const config::TextTemplate& not_computed) {
  config::TextTemplate::Values v = {{"low_per_kg", fhir::FormatNumber(range.low)},
                                    {"high_per_kg", fhir::FormatNumber(range.high)}};
  if (!weight.kg) {
    v["reason"] = weight.problem;
    return not_computed.Render(v);
  }
  double kg = *weight.kg;
  v["low"] = fhir::FormatNumber(RoundTo(range.low * kg, range.round_to));
  v["high"] = fhir::FormatNumber(RoundTo(range.high * kg, range.round_to));
  v["weight"] = fhir::FormatNumber(RoundTo(kg, 0.1)) + " kg";
  v["weight_date"] = weight.obs->EffectiveTime()->ToString();
  return computed.Render(v);
}

}  // namespace cds::hooks
