// Weight-based doses ("0.5-1 mg/kg/day") computed in mg from the latest body weight.
//
// The weight is the latest dated, final/amended/corrected body-weight Observation,
// converted to kg from the unit it was written in (kg, g, [lb_av], "lbs", ...). When
// that latest weight is unusable -- no value, a comparator, an unknown or missing unit,
// implausible, or older than `valid_for` -- no dose is computed and the reason is given;
// an older weight is never used in its place and no unit is ever assumed.
//
// Knowledge settings (a rule's "weight" section and each dose range) are parsed once
// and immutable; the functions are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/civil_time.h"
#include "base/json.h"

#include "config/binder.h"
#include "config/node.h"
#include "config/template.h"
#include "fhir/coding.h"
#include "fhir/observation.h"

#include "hooks/rule.h"
#include "hooks/rule_kit/card_maker.h"
#include "hooks/rule_kit/fields.h"

namespace cds::hooks {

struct PlausibleKg {
  double min = 1;  // outside [min, max] a weight is implausible (unit error)
  double max = 350;
};

struct WeightConfig {
  fhir::CodeSet codes;     // body weight (LOINC 29463-7)
  CalendarSpan valid_for;  // a weight older than this is not used for a dose
  PlausibleKg plausible_kg;
};

// {"codes": "<value set>", "valid_for": "3mo", "plausible_kg": {"min": 1, "max": 350}}
const config::Schema<WeightConfig>& WeightSchema();

struct WeightReading {
  std::optional<double> kg;              // set only when the latest weight is usable
  std::optional<fhir::Observation> obs;  // the latest dated weight, usable or not
  std::string problem;                   // why `kg` is unset
  std::optional<Evidence> evidence;      // the weight Observation as evidence
};

// Reads the latest body weight among `measurements` (any resources; others ignored).
WeightReading LatestWeight(const std::vector<const json::Value*>& measurements,
                           const WeightConfig& c, EpochMillis now);

// The latest body weight of data key `key`: nullopt while the key is still to be fetched
// (recorded in `out`). When the key is unavailable the reading says so in `problem` --
// the dose is then not computed, but a card that only shows the dose is not withheld
// because of it (the weight is reported as unreadable, never as missing).
std::optional<WeightReading> ReadWeight(const RuleContext& ctx, std::string_view key,
                                        const WeightConfig& c, RuleOutcome& out);

// A daily dose range per kg, in mg, and the rounding of the computed mg values.
struct PerKgRange {
  double low = 0;
  double high = 0;
  double round_to = 1;
};

// {"low_mg_per_kg": 0.5, "high_mg_per_kg": 1, "round_to_mg": 1}
const config::Schema<PerKgRange>& PerKgRangeSchema();

// The placeholders of the texts a dose is shown with: {low}, {high} (mg), {low_per_kg},
// {high_per_kg} (mg/kg), {weight} (as written, with kg), {weight_date}, {reason}.
const std::vector<std::string>& DosePlaceholders();

// The dose range rendered with `computed` when the weight is usable, else with
// `not_computed` (which gets the per-kg range and the reason).
std::string DoseText(const PerKgRange& range, const WeightReading& weight,
                     const config::TextTemplate& computed,
                     const config::TextTemplate& not_computed);

}  // namespace cds::hooks
