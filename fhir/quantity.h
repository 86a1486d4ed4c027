// FHIR Quantity values and UCUM unit conversion.
//
// A value is only ever compared after converting it from the unit it was written in:
// 4.2 g/dL, 4200 mg/dL and 42 g/L are the same IgM. A Quantity whose unit we do not
// recognise is not guessed at: conversion fails and the rule treats the value as
// unusable. Comparators are honoured: "<5 g/dL" is not known to be below 4 g/dL.
//
// The unit table covers what the knowledge base reads (masses, lengths, mass and unit
// concentrations, cell counts, rates, percentages); see quantity.cc. Thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "base/json.h"
#include "base/status.h"

namespace cds::fhir {

enum class Comparator { kEq, kLt, kLe, kGe, kGt };

struct Quantity {
  double value = 0;
  Comparator comparator = Comparator::kEq;
  std::string_view unit;    // human-readable unit as sent
  std::string_view system;  // usually UCUM
  std::string_view code;    // the coded unit
};

// Reads a Quantity object; nullopt without a numeric `value` or with an unknown (or
// mistyped) comparator, including "ad".
std::optional<Quantity> ReadQuantity(const json::Value& q);
std::optional<Quantity> GetQuantity(const json::Value& obj, std::string_view key);

// The canonical UCUM code of the quantity's unit: `code` when the system is UCUM (or
// absent), else a recognised spelling of `unit` ("mg/dl", "lbs", "bpm"). nullopt if
// the unit is unknown.
std::optional<std::string_view> CanonicalUnit(const Quantity& q);
std::optional<std::string_view> CanonicalUnit(std::string_view ucum_or_text);

// Converts between units of the same dimension. kInvalidArgument for unknown units or
// different dimensions (mg/dL to kg). A converted value is rounded to 12 significant digits
// so that decimal factors do not leave it an ulp off ("3 mg/L" is exactly 0.3 mg/dL).
StatusOr<double> ConvertValue(double value, std::string_view from_unit, std::string_view to_unit);

// The quantity's value expressed in `to_unit`.
StatusOr<double> ValueIn(const Quantity& q, std::string_view to_unit);

// HbA1c in NGSP percent, from "%" or IFCC "mmol/mol" (NGSP = 0.09148 * IFCC + 2.152,
// the IFCC-NGSP master equation).
StatusOr<double> HbA1cPercent(const Quantity& q);

// Three-valued answer for comparisons that a comparator can leave open.
enum class Tri { kNo, kYes, kUnknown };

// Is the quantity >= threshold (in `unit`)? kUnknown when a comparator leaves it open.
StatusOr<Tri> IsAtLeast(const Quantity& q, double threshold, std::string_view unit);
// Is the quantity > threshold (in `unit`)?
StatusOr<Tri> IsAbove(const Quantity& q, double threshold, std::string_view unit);

std::string_view ComparatorText(Comparator c);  // "", "<", "<=", ">=", ">"

}  // namespace cds::fhir
