// Calendar arithmetic in UTC on EpochMillis, without the C library's time zone state.
//
// Clinical windows are stated in calendar units ("within 12 months", "in the last 90
// days"), so "12 months before 2026-02-28" must be 2025-02-28, not 365 days earlier.
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/clock.h"

namespace cds {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int year, int month, int day);
CivilDate CivilFromDays(int64_t days);
// 28..31; 0 for a month outside 1..12.
int DaysInMonth(int year, int month);
bool IsValidDate(int year, int month, int day);

// `t` moved by whole calendar months; the day is clamped to the target month's length
// (2026-03-31 minus one month is 2026-02-28). The time of day is kept.
EpochMillis AddMonths(EpochMillis t, int months);
inline EpochMillis AddDays(EpochMillis t, int64_t days) { return t + days * 86'400'000; }
// The first millisecond of t's UTC day.
EpochMillis StartOfDay(EpochMillis t);

// "2026-11-25" and "2026-11-25T13:12:02Z".
std::string FormatDate(EpochMillis t);
std::string FormatDateTime(EpochMillis t);

// A calendar look-back such as 12 months or 90 days (knowledge windows).
//
// Windows are whole UTC days: "within 12 months" of 2026-11-25 starts at 2025-11-25T00:00Z,
// so a result dated 2025-11-25 (with or without a time) is inside and one dated
// 2025-11-24 is not, whatever the hour of the check.
struct CalendarSpan {
  int months = 0;
  int days = 0;
  // The first instant of the window: the start of the UTC day `span` before `now`.
  EpochMillis Before(EpochMillis now) const {
    return StartOfDay(AddDays(AddMonths(now, -months), -days));
  }
  std::string ToString() const;  // "12 months", "90 days", "1 month 2 days"
};

}  // namespace cds
