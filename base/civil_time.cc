#include "base/civil_time.h"

#include <cstdio>

namespace cds {
namespace {

constexpr int64_t kMillisPerDay = 86'400'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  CivilDate c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = static_cast<int>(yoe + era * 400 + (c.month <= 2));
  return c;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;  // not a month: no day is valid in it
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

bool IsValidDate(int year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

EpochMillis AddMonths(EpochMillis t, int months) {
  int64_t days = FloorDiv(t, kMillisPerDay);
  int64_t ms_of_day = t - days * kMillisPerDay;
  CivilDate c = CivilFromDays(days);
  int64_t total = static_cast<int64_t>(c.year) * 12 + (c.month - 1) + months;
  int year = static_cast<int>(FloorDiv(total, 12));
  int month = static_cast<int>(total - static_cast<int64_t>(year) * 12) + 1;
  int day = c.day > DaysInMonth(year, month) ? DaysInMonth(year, month) : c.day;
  return DaysFromCivil(year, month, day) * kMillisPerDay + ms_of_day;
}

EpochMillis StartOfDay(EpochMillis t) { return FloorDiv(t, kMillisPerDay) * kMillisPerDay; }

std::string FormatDate(EpochMillis t) {
  CivilDate c = CivilFromDays(FloorDiv(t, kMillisPerDay));
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", c.year, c.month, c.day);
  return buf;
}

std::string FormatDateTime(EpochMillis t) {
  int64_t days = FloorDiv(t, kMillisPerDay);
  int64_t s = (t - days * kMillisPerDay) / 1000;
  CivilDate c = CivilFromDays(days);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day,
                static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                static_cast<int>(s % 60));
  return buf;
}

std::string CalendarSpan::ToString() const {
  std::string out;
  auto part = [&out](int n, const char* unit) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  // Clinicians say "24 months" but "20 years", not "240 months".
  if (months > 36 && months % 12 == 0) {
    part(months / 12, "year");
  } else {
    part(months, "month");
  }
  part(days, "day");
  return out.empty() ? "0 days" : out;
}

}  // namespace cds
