#include "hooks/rule_kit/dosing.h"

#include <cmath>

namespace cds::hooks {

double MostellerBsa(double height_cm, double weight_kg) {
  return std::sqrt(height_cm * weight_kg / 3600.0);
}

bool WithinTolerance(double value, double target, double tolerance) {
  return std::abs(value - target) <= target * tolerance + target * 1e-9;
}

}  // namespace cds::hooks
