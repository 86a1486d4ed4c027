// Dose arithmetic shared by the dosing rules: body surface area and dose tolerance.
// (Masses from knowledge are MassLimit, fields.h; doses per kg, weight_based_dose.h.)
// Pure functions; thread-safe.
#pragma once

namespace cds::hooks {

// Mosteller body surface area in m2: sqrt(height_cm * weight_kg / 3600).
double MostellerBsa(double height_cm, double weight_kg);

// Does `value` lie within `tolerance` (a fraction, 0.1 = 10 %) of `target`, edges included?
// A relative slack of 1e-9 absorbs binary rounding at the edges.
bool WithinTolerance(double value, double target, double tolerance);

}  // namespace cds::hooks
