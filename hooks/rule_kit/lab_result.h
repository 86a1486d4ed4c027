// Lab results as the immune neuropathy rules count them ("is there a CD19+ count since
// the last dose?"), and tests already drafted in this order session.
//
// A result counts when its Observation has a usable status (final, amended, corrected),
// an effective time, and carries a result: a value[x], panel members (hasMember) or
// components, and no dataAbsentReason. Pure functions over views; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"

#include "fhir/coding.h"
#include "fhir/observation.h"

#include "hooks/rule.h"
#include "hooks/rule_kit/card_maker.h"

namespace cds::hooks {

bool CarriesResult(const fhir::Observation& obs);

// Dated results with a code in `codes`, newest first (by the latest moment of their time).
std::vector<fhir::Observation> DatedResults(const std::vector<const json::Value*>& resources,
                                            const fhir::CodeSet& codes);

// The newest of DatedResults whose whole effective time is at or after `start`.
std::optional<fhir::Observation> ResultSince(const std::vector<const json::Value*>& resources,
                                             const fhir::CodeSet& codes, EpochMillis start);

// "IgG 850 mg/dL"; "CBC (panel)" for a result without a value of its own.
std::string ResultText(const std::string& label, const fhir::Observation& obs);

// True when the result may lie inside a window that starts at `window_start`: its
// latest possible moment is on or after the start. Windows are whole UTC days
// (CalendarSpan), so a result dated on the window's first day counts.
bool MayBeOnOrAfter(const fhir::FhirDateTime& t, EpochMillis window_start);

// "Observation/7: HbA1c 7.4 % (2026-05-01)".
Evidence ObservationEvidence(const fhir::Observation& o, std::string_view label,
                             std::string note = "");

// A draft ServiceRequest of this session (selected or not) whose code is in `codes`.
const DraftOrder* DraftedTest(const RuleContext& ctx, const fhir::CodeSet& codes);

}  // namespace cds::hooks
