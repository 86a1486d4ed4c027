// Selecting clinical facts from a list of resources: "the usable observations with one
// of these codes, newest first", and the same for conditions and medication records.
//
// Pure functions over views; nothing is copied. "Usable" follows each view's contract
// (Observation::HasUsableStatus, Condition::IsCurrent).
#pragma once

#include <optional>
#include <vector>

#include "base/json.h"

#include "fhir/coding.h"
#include "fhir/condition.h"
#include "fhir/observation.h"

namespace cds::fhir {

// Observations among `resources` with code in `codes` and a usable status, newest first
// by the latest moment of their effective time; undated results sort last.
std::vector<Observation> UsableObservations(const std::vector<const json::Value*>& resources,
                                            const CodeSet& codes);

// The newest of UsableObservations that has an effective time, if any.
std::optional<Observation> LatestDatedObservation(const std::vector<const json::Value*>& resources,
                                                  const CodeSet& codes);

// Current conditions (active, not refuted) with code in `codes`.
std::vector<Condition> CurrentConditions(const std::vector<const json::Value*>& resources,
                                         const CodeSet& codes);

}  // namespace cds::fhir
