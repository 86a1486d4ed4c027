#include "base/civil_time.h"

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

namespace cds {
namespace {

constexpr int64_t kDay = 86'400'000;

EpochMillis At(int y, int mo, int d, int hh = 0, int mi = 0, int ss = 0, int ms = 0) {
  return DaysFromCivil(y, mo, d) * kDay + ((hh * 60 + mi) * 60 + ss) * 1000LL + ms;
}

bool SameDate(const CivilDate& c, int y, int m, int d) {
  return c.year == y && c.month == m && c.day == d;
}

// Known day numbers (checked against Python's datetime.date.toordinal() - 719163).
struct DayRow {
  int y, m, d;
  int64_t days;
};

class DaysFromCivilTest : public ::testing::TestWithParam<DayRow> {};

TEST_P(DaysFromCivilTest, KnownDays) {
  const DayRow& r = GetParam();
  EXPECT_EQ(DaysFromCivil(r.y, r.m, r.d), r.days);
  EXPECT_TRUE(SameDate(CivilFromDays(r.days), r.y, r.m, r.d)) << r.y << "-" << r.m << "-" << r.d;
}

INSTANTIATE_TEST_SUITE_P(Table, DaysFromCivilTest,
                         ::testing::Values(DayRow{1970, 1, 1, 0}, DayRow{1970, 1, 2, 1},
                                           DayRow{1969, 12, 31, -1}, DayRow{1969, 1, 1, -365},
                                           DayRow{1968, 2, 29, -672}, DayRow{2000, 2, 29, 11016},
                                           DayRow{2000, 3, 1, 11017}, DayRow{2024, 2, 29, 19782},
                                           DayRow{2026, 2, 28, 20512}, DayRow{1900, 3, 1, -25508},
                                           DayRow{1600, 1, 1, -135140}, DayRow{1, 1, 1, -719162},
                                           DayRow{9999, 12, 31, 2932896}));

TEST(CivilTimeTest, RoundTripOverWideRangeIncludingNegativeDays) {
  // From 0001-01-01 to 9999-12-31: every day maps to a valid date, consecutive days are
  // consecutive dates, and DaysFromCivil inverts CivilFromDays.
  CivilDate prev = CivilFromDays(-719163);
  EXPECT_TRUE(SameDate(prev, 0, 12, 31));
  for (int64_t z = -719162; z <= 2932896; ++z) {
    CivilDate c = CivilFromDays(z);
    ASSERT_TRUE(IsValidDate(c.year, c.month, c.day)) << z;
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), z);
    bool next_day = (c.year == prev.year && c.month == prev.month && c.day == prev.day + 1) ||
                    (c.year == prev.year && c.month == prev.month + 1 && c.day == 1 &&
                     prev.day == DaysInMonth(prev.year, prev.month)) ||
                    (c.year == prev.year + 1 && c.month == 1 && c.day == 1 && prev.month == 12 &&
                     prev.day == 31);
    ASSERT_TRUE(next_day) << "day " << z;
    prev = c;
  }
}

TEST(CivilTimeTest, DaysInMonthAndLeapYears) {
  struct Row {
    int year, month, days;
  } rows[] = {{2023, 1, 31},  {2023, 2, 28},  {2024, 2, 29}, {1900, 2, 28}, {2000, 2, 29},
              {2100, 2, 28},  {2400, 2, 29},  {2024, 4, 30}, {2024, 6, 30}, {2024, 9, 30},
              {2024, 11, 30}, {2024, 12, 31}, {-4, 2, 29},   {-100, 2, 28}};
  for (const Row& r : rows) {
    EXPECT_EQ(DaysInMonth(r.year, r.month), r.days) << r.year << "-" << r.month;
  }
  // Out-of-range months have no days (and never index past the table).
  EXPECT_EQ(DaysInMonth(2024, 0), 0);
  EXPECT_EQ(DaysInMonth(2024, 13), 0);
  EXPECT_EQ(DaysInMonth(2024, -1), 0);
}

TEST(CivilTimeTest, IsValidDate) {
  EXPECT_TRUE(IsValidDate(2024, 2, 29));
  EXPECT_FALSE(IsValidDate(2023, 2, 29));
  EXPECT_FALSE(IsValidDate(1900, 2, 29));
  EXPECT_TRUE(IsValidDate(2000, 2, 29));
  EXPECT_FALSE(IsValidDate(2024, 13, 1));
  EXPECT_FALSE(IsValidDate(2024, 0, 1));
  EXPECT_FALSE(IsValidDate(2024, 1, 0));
  EXPECT_FALSE(IsValidDate(2024, 1, 32));
  EXPECT_FALSE(IsValidDate(2024, 4, 31));
  EXPECT_TRUE(IsValidDate(2024, 12, 31));
}

struct MonthRow {
  EpochMillis from;
  int months;
  EpochMillis want;
};

class AddMonthsTest : public ::testing::TestWithParam<MonthRow> {};

TEST_P(AddMonthsTest, ClampsAndCarries) {
  const MonthRow& r = GetParam();
  EXPECT_EQ(FormatDateTime(AddMonths(r.from, r.months)), FormatDateTime(r.want))
      << FormatDateTime(r.from) << " + " << r.months << " months";
}

INSTANTIATE_TEST_SUITE_P(
    Table, AddMonthsTest,
    ::testing::Values(MonthRow{At(2026, 3, 31), -1, At(2026, 2, 28)},    // clamp, common year
                      MonthRow{At(2024, 3, 31), -1, At(2024, 2, 29)},    // clamp, leap year
                      MonthRow{At(2024, 1, 31), 1, At(2024, 2, 29)},     // forward clamp
                      MonthRow{At(2025, 1, 31), 1, At(2025, 2, 28)},     //
                      MonthRow{At(2024, 5, 31), 1, At(2024, 6, 30)},     // 30-day month
                      MonthRow{At(2025, 12, 15), 1, At(2026, 1, 15)},    // Dec -> Jan
                      MonthRow{At(2026, 1, 15), -1, At(2025, 12, 15)},   // Jan -> Dec
                      MonthRow{At(2026, 1, 31), -2, At(2025, 11, 30)},   //
                      MonthRow{At(2026, 2, 28), -12, At(2025, 2, 28)},   // "12 months before"
                      MonthRow{At(2024, 2, 29), 12, At(2025, 2, 28)},    // leap day + 1 year
                      MonthRow{At(2024, 2, 29), -48, At(2020, 2, 29)},   // leap day - 4 years
                      MonthRow{At(2026, 3, 15), -27, At(2023, 12, 15)},  // several years back
                      MonthRow{At(2026, 3, 15), 25, At(2028, 4, 15)},    //
                      MonthRow{At(2026, 3, 15), 0, At(2026, 3, 15)},     //
                      MonthRow{At(2026, 3, 31, 13, 5, 7, 250), -1,       // time of day kept
                               At(2026, 2, 28, 13, 5, 7, 250)},          //
                      MonthRow{At(1969, 12, 31, 23, 0), 1,
                               At(1970, 1, 31, 23, 0)},  // negative epoch
                      MonthRow{At(1970, 1, 31, 1, 0), -1, At(1969, 12, 31, 1, 0)},  //
                      MonthRow{At(1970, 3, 31), -1, At(1970, 2, 28)}));

TEST(CalendarSpanTest, Before) {
  EpochMillis now = At(2026, 2, 28, 10, 30);
  // Windows are whole UTC days: they start at midnight of the first day.
  EXPECT_EQ(FormatDateTime(CalendarSpan{12, 0}.Before(now)), "2025-02-28T00:00:00Z");
  EXPECT_EQ(FormatDateTime(CalendarSpan{0, 90}.Before(now)), "2025-11-30T00:00:00Z");
  EXPECT_EQ(FormatDateTime(CalendarSpan{1, 2}.Before(now)), "2026-01-26T00:00:00Z");
  EXPECT_EQ(CalendarSpan{}.Before(now), StartOfDay(now));
  // Months first, then days: 2026-03-31 minus (1 month, 1 day) is Feb 28 - 1 day.
  EXPECT_EQ(FormatDate(CalendarSpan{1, 1}.Before(At(2026, 3, 31))), "2026-02-27");
  EXPECT_EQ(FormatDate(CalendarSpan{6, 0}.Before(At(2024, 8, 31))), "2024-02-29");
}

TEST(CalendarSpanTest, ToString) {
  struct Row {
    CalendarSpan span;
    const char* want;
  } rows[] = {{{12, 0}, "12 months"}, {{1, 0}, "1 month"},        {{0, 90}, "90 days"},
              {{0, 1}, "1 day"},      {{1, 2}, "1 month 2 days"}, {{2, 1}, "2 months 1 day"},
              {{0, 0}, "0 days"},     {{24, 0}, "24 months"},     {{48, 0}, "4 years"},
              {{240, 0}, "20 years"}, {{18, 0}, "18 months"}};
  for (const Row& r : rows) EXPECT_EQ(r.span.ToString(), r.want);
}

TEST(FormatTest, FormatDateAndDateTime) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDateTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatDate(At(2026, 11, 25, 13, 12, 2)), "2026-11-25");
  EXPECT_EQ(FormatDateTime(At(2026, 11, 25, 13, 12, 2)), "2026-11-25T13:12:02Z");
  // Milliseconds are dropped, not rounded.
  EXPECT_EQ(FormatDateTime(At(2026, 11, 25, 23, 59, 59, 999)), "2026-11-25T23:59:59Z");
  // Before the epoch the day still starts at midnight (floor, not truncation).
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDateTime(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatDateTime(-kDay), "1969-12-31T00:00:00Z");
  EXPECT_EQ(FormatDateTime(At(1900, 3, 1, 6, 7, 8)), "1900-03-01T06:07:08Z");
  EXPECT_EQ(FormatDate(At(2024, 2, 29)), "2024-02-29");
}

TEST(FormatTest, AddDays) {
  EXPECT_EQ(FormatDate(AddDays(At(2024, 2, 28), 1)), "2024-02-29");
  EXPECT_EQ(FormatDate(AddDays(At(2024, 2, 28), 2)), "2024-03-01");
  EXPECT_EQ(FormatDate(AddDays(At(2024, 1, 1), -1)), "2023-12-31");
  EXPECT_EQ(FormatDate(AddDays(At(2024, 1, 1), 366)), "2025-01-01");
}

}  // namespace
}  // namespace cds
