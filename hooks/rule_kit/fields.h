// Field types rule configs are made of, for config::Schema (config/binder.h):
//  - fhir::CodeSet: a value-set name ("rituximab") read as the codes and prefixes of the
//    knowledge value set, includes expanded; an unknown name is an error at its path;
//  - cards::Indicator: "info", "warning" or "critical";
//  - Threshold: {"value": > 0, "unit": UCUM convertible to a given unit};
//  - MassLimit: a positive mass in any mass unit, kept as written and in mg.
// Immutable values; the schemas are built once and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

#include "cards/card.h"
#include "config/binder.h"
#include "fhir/coding.h"

namespace cds::config {

template <>
struct FieldType<fhir::CodeSet> {
  static StatusOr<fhir::CodeSet> Read(const Node& n, const BindContext& ctx);
  static constexpr std::string_view kName = "value set";
};

template <>
struct FieldType<cards::Indicator> {
  static StatusOr<cards::Indicator> Read(const Node& n, const BindContext& ctx);
  static std::string Text(cards::Indicator i) { return std::string(cards::IndicatorName(i)); }
  static constexpr std::string_view kName = "info, warning or critical";
};

}  // namespace cds::config

namespace cds::hooks {

// A value with its unit, e.g. a heart rate "100 /min" or an HbA1c target "7 %".
struct Threshold {
  double value = 0;
  std::string unit;
  std::string ToString() const;  // "100 /min"
};
// {"value", "unit"}: value > 0, unit convertible to `dimension_unit`; `unit_message`
// replaces "must be a UCUM unit convertible to <dimension_unit>".
config::Schema<Threshold> ThresholdSchema(std::string dimension_unit,
                                          std::string unit_message = "");

// A mass from knowledge, kept as written for cards and in mg for comparisons.
struct MassLimit {
  double value = 0;  // as written
  std::string unit;  // as written
  double mg = 0;
  std::string Text() const;  // "120 mg"
};
// `value` in `unit` as a MassLimit; the error names member "unit" of `n` when the unit is
// not a mass.
StatusOr<MassLimit> ToMass(const config::Node& n, double value, const std::string& unit);
// {"value": > 0, "unit": "mg" | "g" | "ug" ...}
config::Schema<MassLimit> MassSchema();

}  // namespace cds::hooks
