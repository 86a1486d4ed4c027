#include "fhir/quantity.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "base/ascii.h"
#include "base/decimal.h"

#include "fhir/coding.h"

namespace cds::fhir {
namespace {

enum class Dim { kMass, kLength, kMassConc, kPercent, kRate, kVolume, kCellConc, kUnitConc, kArea };

struct UnitDef {
  std::string_view ucum;
  Dim dim;
  double factor;  // multiply to get the dimension's base unit
};

// Base units: mg, cm, mg/dL, %, /min, mL, /uL, m[IU]/L, m2.
constexpr std::array<UnitDef, 50> kUnits = {{
    {"kg", Dim::kMass, 1e6},
    {"g", Dim::kMass, 1e3},
    {"mg", Dim::kMass, 1},
    {"ug", Dim::kMass, 1e-3},
    {"ng", Dim::kMass, 1e-6},
    {"[lb_av]", Dim::kMass, 453592.37},
    {"[oz_av]", Dim::kMass, 28349.523125},
    {"m", Dim::kLength, 100},
    {"cm", Dim::kLength, 1},
    {"mm", Dim::kLength, 0.1},
    {"[in_i]", Dim::kLength, 2.54},
    {"[ft_i]", Dim::kLength, 30.48},
    {"g/dL", Dim::kMassConc, 1000},
    {"mg/dL", Dim::kMassConc, 1},
    {"g/L", Dim::kMassConc, 100},
    {"mg/L", Dim::kMassConc, 0.1},
    {"mg/mL", Dim::kMassConc, 100},
    {"ug/mL", Dim::kMassConc, 0.1},
    {"ug/dL", Dim::kMassConc, 1e-3},
    {"ug/L", Dim::kMassConc, 1e-4},
    {"ng/mL", Dim::kMassConc, 1e-4},
    {"ng/dL", Dim::kMassConc, 1e-6},
    {"ng/L", Dim::kMassConc, 1e-7},
    {"pg/mL", Dim::kMassConc, 1e-7},
    {"%", Dim::kPercent, 1},
    {"/min", Dim::kRate, 1},
    {"{beats}/min", Dim::kRate, 1},
    {"{beat}/min", Dim::kRate, 1},
    {"1/min", Dim::kRate, 1},
    {"mL", Dim::kVolume, 1},
    {"dL", Dim::kVolume, 100},
    {"L", Dim::kVolume, 1000},
    {"/uL", Dim::kCellConc, 1},
    {"/mm3", Dim::kCellConc, 1},
    {"{cells}/uL", Dim::kCellConc, 1},
    {"10*3/uL", Dim::kCellConc, 1000},
    {"10*3/mm3", Dim::kCellConc, 1000},
    {"10*9/L", Dim::kCellConc, 1000},
    {"10*6/L", Dim::kCellConc, 1},
    {"/L", Dim::kCellConc, 1e-6},
    {"m[IU]/L", Dim::kUnitConc, 1},
    {"[IU]/L", Dim::kUnitConc, 1000},
    {"m[IU]/mL", Dim::kUnitConc, 1000},
    {"u[IU]/mL", Dim::kUnitConc, 1},
    {"[IU]/mL", Dim::kUnitConc, 1e6},
    {"m[U]/L", Dim::kUnitConc, 1},
    {"u[IU]/L", Dim::kUnitConc, 1e-3},
    {"m2", Dim::kArea, 1},
    {"cm2", Dim::kArea, 1e-4},
    {"mmol/mol", Dim::kPercent, -1},  // IFCC HbA1c; only HbA1cPercent() converts it
}};

// Spellings seen in `Quantity.unit` text, mapped to UCUM. Compared case-insensitively.
struct Alias {
  std::string_view text;
  std::string_view ucum;
};
constexpr std::array<Alias, 28> kAliases = {{
    {"kilogram", "kg"},
    {"kilograms", "kg"},
    {"lb", "[lb_av]"},
    {"lbs", "[lb_av]"},
    {"pound", "[lb_av]"},
    {"pounds", "[lb_av]"},
    {"in", "[in_i]"},
    {"inch", "[in_i]"},
    {"inches", "[in_i]"},
    {"mcg", "ug"},
    {"\xC2\xB5g", "ug"},
    {"\xCE\xBCg", "ug"},
    {"mcg/ml", "ug/mL"},
    {"bpm", "/min"},
    {"beats/min", "/min"},
    {"beats/minute", "/min"},
    {"beats per minute", "/min"},
    {"per minute", "/min"},
    {"miu/l", "m[IU]/L"},
    {"uiu/ml", "u[IU]/mL"},
    {"\xC2\xB5iu/ml", "u[IU]/mL"},
    {"\xCE\xBCiu/ml", "u[IU]/mL"},
    {"miu/ml", "m[IU]/mL"},
    {"iu/l", "[IU]/L"},
    {"iu/ml", "[IU]/mL"},
    {"k/ul", "10*3/uL"},
    {"x10e3/ul", "10*3/uL"},
    {"cells/ul", "/uL"},
}};

const UnitDef* FindExact(std::string_view ucum) {
  for (const UnitDef& u : kUnits) {
    if (u.ucum == ucum) return &u;
  }
  return nullptr;
}

}  // namespace

std::optional<Quantity> ReadQuantity(const json::Value& q) {
  auto value = json::GetNumber(q, "value");
  if (!value) return std::nullopt;
  Quantity out;
  out.value = *value;
  if (const json::Value* cv = json::Find(q, "comparator"); cv != nullptr && !cv->IsString()) {
    return std::nullopt;  // a mistyped comparator is as unusable as an unknown one
  }
  if (auto c = json::GetString(q, "comparator")) {
    if (*c == "<") {
      out.comparator = Comparator::kLt;
    } else if (*c == "<=") {
      out.comparator = Comparator::kLe;
    } else if (*c == ">=") {
      out.comparator = Comparator::kGe;
    } else if (*c == ">") {
      out.comparator = Comparator::kGt;
    } else {
      return std::nullopt;  // "ad" (sufficient to achieve) or garbage: not a number we can use
    }
  }
  out.unit = json::GetString(q, "unit").value_or("");
  out.system = json::GetString(q, "system").value_or("");
  out.code = json::GetString(q, "code").value_or("");
  return out;
}

std::optional<Quantity> GetQuantity(const json::Value& obj, std::string_view key) {
  const json::Value* q = json::GetObject(obj, key);
  if (q == nullptr) return std::nullopt;
  return ReadQuantity(*q);
}

std::optional<std::string_view> CanonicalUnit(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (const UnitDef* u = FindExact(text)) return u->ucum;
  for (const UnitDef& u : kUnits) {
    if (EqualsIgnoreAsciiCase(u.ucum, text)) return u.ucum;
  }
  for (const Alias& a : kAliases) {
    if (EqualsIgnoreAsciiCase(a.text, text)) return a.ucum;
  }
  return std::nullopt;
}

std::optional<std::string_view> CanonicalUnit(const Quantity& q) {
  bool ucum_system = q.system.empty() || q.system == kUcum;
  if (ucum_system && !q.code.empty()) {
    if (const UnitDef* u = FindExact(q.code)) return u->ucum;
  }
  // A code in another system (or an unknown UCUM code) falls back to the display text.
  return CanonicalUnit(q.unit);
}

StatusOr<double> ConvertValue(double value, std::string_view from_unit, std::string_view to_unit) {
  auto from_c = CanonicalUnit(from_unit);
  auto to_c = CanonicalUnit(to_unit);
  if (!from_c) return InvalidArgumentError("unknown unit '" + std::string(from_unit) + "'");
  if (!to_c) return InvalidArgumentError("unknown unit '" + std::string(to_unit) + "'");
  const UnitDef* from = FindExact(*from_c);
  const UnitDef* to = FindExact(*to_c);
  if (from->dim != to->dim || from->factor < 0 || to->factor < 0) {
    return InvalidArgumentError("cannot convert " + std::string(*from_c) + " to " +
                                std::string(*to_c));
  }
  if (from == to) return value;
  return RoundToSignificantDigits(value * from->factor / to->factor);
}

StatusOr<double> ValueIn(const Quantity& q, std::string_view to_unit) {
  auto unit = CanonicalUnit(q);
  if (!unit) {
    return InvalidArgumentError("quantity has no recognised unit (unit '" + std::string(q.unit) +
                                "', code '" + std::string(q.code) + "')");
  }
  return ConvertValue(q.value, *unit, to_unit);
}

StatusOr<double> HbA1cPercent(const Quantity& q) {
  auto unit = CanonicalUnit(q);
  if (unit && *unit == "mmol/mol") return 0.09148 * q.value + 2.152;
  return ValueIn(q, "%");
}

StatusOr<Tri> IsAtLeast(const Quantity& q, double threshold, std::string_view unit) {
  auto v = ValueIn(q, unit);
  if (!v.ok()) return v.status();
  switch (q.comparator) {
    case Comparator::kEq:
      return *v >= threshold ? Tri::kYes : Tri::kNo;
    case Comparator::kGe:
    case Comparator::kGt:
      return *v >= threshold ? Tri::kYes : Tri::kUnknown;
    case Comparator::kLt:
      return *v <= threshold ? Tri::kNo : Tri::kUnknown;
    case Comparator::kLe:
      return *v < threshold ? Tri::kNo : Tri::kUnknown;
  }
  return Tri::kUnknown;
}

StatusOr<Tri> IsAbove(const Quantity& q, double threshold, std::string_view unit) {
  auto v = ValueIn(q, unit);
  if (!v.ok()) return v.status();
  switch (q.comparator) {
    case Comparator::kEq:
      return *v > threshold ? Tri::kYes : Tri::kNo;
    case Comparator::kGe:
      return *v > threshold ? Tri::kYes : Tri::kUnknown;
    case Comparator::kGt:
      return *v >= threshold ? Tri::kYes : Tri::kUnknown;
    case Comparator::kLt:
    case Comparator::kLe:
      return *v <= threshold ? Tri::kNo : Tri::kUnknown;
  }
  return Tri::kUnknown;
}

std::string_view ComparatorText(Comparator c) {
  switch (c) {
    case Comparator::kEq:
      return "";
    case Comparator::kLt:
      return "<";
    case Comparator::kLe:
      return "<=";
    case Comparator::kGe:
      return ">=";
    case Comparator::kGt:
      return ">";
  }
  return "";
}

}  // namespace cds::fhir
