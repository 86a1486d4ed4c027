#include "base/decimal.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace cds {

double RoundToSignificantDigits(double v) {
  if (v == 0 || !std::isfinite(v)) return v;
  char buf[40];
  auto printed = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general, 12);
  if (printed.ec != std::errc()) return v;
  double out = v;
  if (std::from_chars(buf, printed.ptr, out).ec != std::errc()) return v;
  return out;
}

std::string FormatNumber(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  // Clinicians read "1500000", not "1.5e+06"; tiny values keep %g's exponent.
  if (std::string_view(buf).find('e') != std::string_view::npos && (v >= 1e6 || v <= -1e6)) {
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  }
  return buf;
}

}  // namespace cds
