// Facts and card pieces shared by the diabetic-neuropathy rules of issue 3
// (dpn-glycemic-control, dpn-pain-first-line, neuropathy-opioid, dan-*,
// neuropathy-reversible-causes).
//
// Everything here reads the request through RuleContext, so the rules keep the
// engine's contract: a data key that has not been fetched, or could not be read, is
// recorded in the RuleOutcome and the helper answers "not known yet" (nullopt), never
// "none". Code lists come from knowledge value sets; nothing here names a code.
//
// Pure functions over views into the request; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/civil_time.h"
#include "base/status.h"

#include "cards/card.h"
#include "config/node.h"
#include "fhir/coding.h"
#include "fhir/condition.h"
#include "fhir/observation.h"
#include "fhir/quantity.h"

#include "hooks/card_maker.h"
#include "hooks/order_builder.h"
#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

// Shared prefetch keys (knowledge/prefetch/common.json and diabetes.json).
inline constexpr char kConditionsKey[] = "conditions";
inline constexpr char kNeuropathyLabsKey[] = "neuropathyLabs";
inline constexpr char kProceduresKey[] = "procedures";
inline constexpr char kHeartRateKey[] = "heartRate";

// ---- Knowledge-file helpers -------------------------------------------------------

// Member `key` as an indicator name ("info", "warning", "critical").
StatusOr<cards::Indicator> IndicatorAt(const config::Node& n, std::string_view key);
// Member `key` as a non-empty array of medication suggestion specs (order_builder.h).
StatusOr<std::vector<MedicationSpec>> MedicationSpecsAt(const RuleBuildContext& ctx,
                                                        const config::Node& n,
                                                        std::string_view key);
// Member `key` as {"value": number > 0, "unit": UCUM}, the unit convertible to `dimension_unit`.
struct Threshold {
  double value = 0;
  std::string unit;
  std::string ToString() const;  // "100 /min"
};
StatusOr<Threshold> ThresholdAt(const config::Node& n, std::string_view key,
                                std::string_view dimension_unit);

// ---- Conditions -------------------------------------------------------------------

// Current conditions (active, not refuted or entered in error) with a code in `codes`,
// from data key "conditions"; nullopt while that key is not known (recorded in `out`).
std::optional<std::vector<fhir::Condition>> CurrentConditionsIn(const RuleContext& ctx,
                                                                const fhir::CodeSet& codes,
                                                                RuleOutcome& out);
// "Condition/12: Neuropathy due to type 2 diabetes mellitus (onset 2019-11-12)".
Evidence ConditionEvidence(const fhir::Condition& c, std::string note = "");

// ---- Medications ------------------------------------------------------------------

// A medication record (or draft order) whose drug is in a value set.
struct DrugRecord {
  std::string key;                         // "MedicationRequest/12"
  std::string name;                        // the drug as written; "(unnamed medication)" if none
  std::string status;                      // the record's status
  std::optional<fhir::FhirDateTime> when;  // authoredOn / effective
  Evidence ToEvidence(std::string note = "") const;
};

struct DrugUse {
  std::vector<DrugRecord> current;       // active/on-hold orders, current statements
  std::vector<DrugRecord> past;          // completed or stopped orders and statements
  std::vector<DrugRecord> unidentified;  // current records whose drug could not be identified
};

// Data keys FindDrugUse reads.
const std::vector<std::string>& MedicationKeys();

// Uses of `drugs` in medicationRequests and medicationStatements. Current means a
// MedicationRequest that is active or on-hold, or a MedicationStatement that is active,
// intended or on-hold; a current record's medicationReference is followed, fetching
// the Medication if needed. Past (completed, stopped) records only add evidence, so
// they are matched from what the request holds and never cause a fetch. nullopt while
// either key is not known (recorded in `out`).
std::optional<DrugUse> FindDrugUse(const RuleContext& ctx, const fhir::CodeSet& drugs,
                                   RuleOutcome& out);

// Draft MedicationRequests of this order session whose drug is in `drugs`: the target
// orders (order-select: selected; order-sign: all) or, with `all`, every draft.
std::vector<DrugRecord> MatchingDraftOrders(const RuleContext& ctx, const fhir::CodeSet& drugs,
                                            bool all, RuleOutcome& out);

// ---- Observations and procedures --------------------------------------------------

// True when the result may lie inside a window that starts at `window_start`: its
// latest possible moment is on or after the start. Windows are whole UTC days
// (CalendarSpan), so a result dated on the window's first day counts.
bool MayBeOnOrAfter(const fhir::FhirDateTime& t, EpochMillis window_start);

// "Observation/7: HbA1c 7.4 % (2026-05-01)".
Evidence ObservationEvidence(const fhir::Observation& o, std::string_view label,
                             std::string note = "");

// ---- HbA1c ------------------------------------------------------------------------

// HbA1c in NGSP percent. Percent values are taken as written; IFCC mmol/mol values are
// converted with the master equation and rounded to one decimal, the precision at
// which NGSP results are reported (so 53 mmol/mol reads as 7.0 %, not 7.0004 %).
// kInvalidArgument for a missing or unknown unit: never assumed.
StatusOr<double> HbA1cNgspPercent(const fhir::Quantity& q);
// Is the HbA1c above `target_percent`? kUnknown when a comparator leaves it open.
StatusOr<fhir::Tri> HbA1cAbove(const fhir::Quantity& q, double target_percent);

// Joins names with ", ".
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace cds::hooks
