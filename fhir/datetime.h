// FHIR date, dateTime and instant values with their precision.
//
// "2024", "2024-05", "2024-05-17" and "2024-05-17T08:30:00+02:00" each name an interval
// of time, not an instant. A FhirDateTime keeps that interval [begin, end) in UTC so a
// rule can choose the cautious end: a negative test dated "2025-11" is only known to be
// recent if the *earliest* moment of that month is inside the window, while an exposure
// dated "2025-11" counts if the *latest* moment is.
//
// Dates without a time are taken as UTC days (FHIR dates carry no zone). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"

namespace cds::fhir {

enum class DatePrecision { kYear, kMonth, kDay, kTime };

struct FhirDateTime {
  EpochMillis begin = 0;  // first millisecond of the interval (UTC)
  EpochMillis end = 0;    // one past the last millisecond
  DatePrecision precision = DatePrecision::kDay;

  EpochMillis Earliest() const { return begin; }
  EpochMillis Latest() const { return end - 1; }
  // The value as a clinician reads it: "2024", "2024-05", "2024-05-17" or the UTC instant.
  std::string ToString() const;
};

// Parses a FHIR date / dateTime / instant. Lenient where real systems are sloppy (a time
// without a zone is read as UTC, a leap second as :59); strict about impossible dates.
StatusOr<FhirDateTime> ParseFhirDateTime(std::string_view text);

// Parses the string member `key` of `obj`; nullopt when absent, mistyped or malformed.
std::optional<FhirDateTime> GetDateTime(const json::Value& obj, std::string_view key);

// A Period's start and end (either may be absent); nullopt when neither parses.
struct FhirPeriod {
  std::optional<FhirDateTime> start;
  std::optional<FhirDateTime> end;
};
std::optional<FhirPeriod> GetPeriod(const json::Value& obj, std::string_view key);

}  // namespace cds::fhir
