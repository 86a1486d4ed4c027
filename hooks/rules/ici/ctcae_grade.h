// Reading a CTCAE grade (0-5) from an Observation's value, as EHRs write it.
//
// Accepted: valueInteger 0-5; an integral valueQuantity without a unit (or "1",
// "{grade}"); text such as "3", "Grade 3", "G3", "CTCAE grade 3" or "Grade 3 - severe" in
// valueString or in a valueCodeableConcept's text, coding display or coding code.
// Refused (nullopt, "unreadable"): other scales and numbers ("3/5", "3 of 5", "35",
// "3.5", "3a"), ranges ("2-3"), out-of-range values, units that are not a grade,
// comparators. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "fhir/observation.h"

namespace cds::hooks {

std::optional<int> ReadCtcaeGrade(const fhir::Observation& obs);
std::optional<int> ParseCtcaeGradeText(std::string_view text);

}  // namespace cds::hooks
