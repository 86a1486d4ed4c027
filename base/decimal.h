// Decimal numbers as clinicians and configuration authors read them.
//
// Unit factors and dose arithmetic are decimals (0.1, 1e-4, 24 / 8 * 20) that binary
// doubles only approximate, so a computed value can land an ulp away from the decimal it
// stands for: 3 mg/L is 0.30000000000000004 mg/dL. At a threshold that flips the answer.
// RoundToSignificantDigits restores the intended decimal; FormatNumber writes a value the
// way a card or a document shows it. Pure functions; thread-safe.
#pragma once

#include <string>

namespace cds {

// `v` rounded to 12 significant digits (far finer than any lab or dose is written).
// 0, infinities and NaN are returned as they are.
double RoundToSignificantDigits(double v);

// "4", "0.05", "1500000": at most 6 significant digits, no exponent for large values.
std::string FormatNumber(double v);

}  // namespace cds
