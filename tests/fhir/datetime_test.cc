#include "fhir/datetime.h"

#include <string>

#include "tests/fhir/fhir_test_util.h"
#include "tests/support/status_matchers.h"

namespace cds::fhir {
namespace {

using ::cds::fhir::testing::Json;
using ::cds::fhir::testing::Utc;
using ::cds::testing::StatusIs;

struct ParseRow {
  const char* text;
  DatePrecision precision;
  EpochMillis begin;
  EpochMillis end;  // one past the last millisecond
  const char* to_string;
};

class ParseFhirDateTimeTest : public ::testing::TestWithParam<ParseRow> {};

TEST_P(ParseFhirDateTimeTest, Interval) {
  const ParseRow& r = GetParam();
  auto dt = ParseFhirDateTime(r.text);
  ASSERT_TRUE(dt.ok()) << r.text << ": " << dt.status().ToString();
  EXPECT_EQ(dt->precision, r.precision) << r.text;
  EXPECT_EQ(FormatDateTime(dt->begin), FormatDateTime(r.begin)) << r.text;
  EXPECT_EQ(dt->begin, r.begin) << r.text;
  EXPECT_EQ(dt->end, r.end) << r.text;
  EXPECT_EQ(dt->Earliest(), r.begin);
  EXPECT_EQ(dt->Latest(), r.end - 1);
  EXPECT_EQ(dt->ToString(), r.to_string) << r.text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseFhirDateTimeTest,
    ::testing::Values(
        // Partial dates name whole intervals.
        ParseRow{"2024", DatePrecision::kYear, Utc(2024, 1, 1), Utc(2025, 1, 1), "2024"},
        ParseRow{"1969", DatePrecision::kYear, Utc(1969, 1, 1), Utc(1970, 1, 1), "1969"},
        ParseRow{"2024-02", DatePrecision::kMonth, Utc(2024, 2, 1), Utc(2024, 3, 1), "2024-02"},
        ParseRow{"2023-02", DatePrecision::kMonth, Utc(2023, 2, 1), Utc(2023, 3, 1), "2023-02"},
        ParseRow{"2025-12", DatePrecision::kMonth, Utc(2025, 12, 1), Utc(2026, 1, 1), "2025-12"},
        ParseRow{"2024-05-17", DatePrecision::kDay, Utc(2024, 5, 17), Utc(2024, 5, 18),
                 "2024-05-17"},
        ParseRow{"2024-02-29", DatePrecision::kDay, Utc(2024, 2, 29), Utc(2024, 3, 1),
                 "2024-02-29"},
        ParseRow{"2024-12-31", DatePrecision::kDay, Utc(2024, 12, 31), Utc(2025, 1, 1),
                 "2024-12-31"},
        // Times are instants, converted to UTC.
        ParseRow{"2024-05-17T08:30:00Z", DatePrecision::kTime, Utc(2024, 5, 17, 8, 30),
                 Utc(2024, 5, 17, 8, 30) + 1, "2024-05-17T08:30:00Z"},
        ParseRow{"2024-05-17T08:30:00+02:00", DatePrecision::kTime, Utc(2024, 5, 17, 6, 30),
                 Utc(2024, 5, 17, 6, 30) + 1, "2024-05-17T06:30:00Z"},
        ParseRow{"2024-05-17T22:15:00-05:00", DatePrecision::kTime, Utc(2024, 5, 18, 3, 15),
                 Utc(2024, 5, 18, 3, 15) + 1, "2024-05-18T03:15:00Z"},
        ParseRow{"2024-01-01T00:30:00+01:00", DatePrecision::kTime, Utc(2023, 12, 31, 23, 30),
                 Utc(2023, 12, 31, 23, 30) + 1, "2023-12-31T23:30:00Z"},
        ParseRow{"2024-05-17T08:30:00+05:30", DatePrecision::kTime, Utc(2024, 5, 17, 3, 0),
                 Utc(2024, 5, 17, 3, 0) + 1, "2024-05-17T03:00:00Z"},
        ParseRow{"2024-05-17T08:30:00+00:00", DatePrecision::kTime, Utc(2024, 5, 17, 8, 30),
                 Utc(2024, 5, 17, 8, 30) + 1, "2024-05-17T08:30:00Z"},
        ParseRow{"2024-05-17T08:30:00+14:00", DatePrecision::kTime, Utc(2024, 5, 16, 18, 30),
                 Utc(2024, 5, 16, 18, 30) + 1, "2024-05-16T18:30:00Z"},
        // Fractional seconds: milliseconds kept, further digits dropped.
        ParseRow{"2024-05-17T08:30:00.5Z", DatePrecision::kTime, Utc(2024, 5, 17, 8, 30, 0, 500),
                 Utc(2024, 5, 17, 8, 30, 0, 501), "2024-05-17T08:30:00Z"},
        ParseRow{"2024-05-17T08:30:00.123Z", DatePrecision::kTime, Utc(2024, 5, 17, 8, 30, 0, 123),
                 Utc(2024, 5, 17, 8, 30, 0, 124), "2024-05-17T08:30:00Z"},
        ParseRow{"2024-05-17T08:30:00.123456789+02:00", DatePrecision::kTime,
                 Utc(2024, 5, 17, 6, 30, 0, 123), Utc(2024, 5, 17, 6, 30, 0, 124),
                 "2024-05-17T06:30:00Z"},
        // Leap second read as :59.
        ParseRow{"2016-12-31T23:59:60Z", DatePrecision::kTime, Utc(2016, 12, 31, 23, 59, 59),
                 Utc(2016, 12, 31, 23, 59, 59) + 1, "2016-12-31T23:59:59Z"},
        // A time without a zone is read as UTC.
        ParseRow{"2024-05-17T08:30:00", DatePrecision::kTime, Utc(2024, 5, 17, 8, 30),
                 Utc(2024, 5, 17, 8, 30) + 1, "2024-05-17T08:30:00Z"},
        ParseRow{"2024-05-17T08:30:00.25", DatePrecision::kTime, Utc(2024, 5, 17, 8, 30, 0, 250),
                 Utc(2024, 5, 17, 8, 30, 0, 251), "2024-05-17T08:30:00Z"}));

class ParseFhirDateTimeInvalidTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ParseFhirDateTimeInvalidTest, Refused) {
  EXPECT_THAT(ParseFhirDateTime(GetParam()),
              StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("FHIR date")))
      << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseFhirDateTimeInvalidTest,
    ::testing::Values("", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-01-00",
                      "2024-01-32", "24-01-01", "202", "20245", "0000", "2024-1-01", "2024-01-1",
                      "2024-13", "2024-00", "2024/01/01", "2024-01-01 ", " 2024-01-01",
                      "2024-01-01x", "2024x", "2024-01x", "2024-01-01T", "2024-01-01T25:00:00Z",
                      "2024-01-01T24:00:00Z", "2024-01-01T12:60:00Z", "2024-01-01T12:00:61Z",
                      "2024-01-01T12:00Z", "2024-01-01T12:00:00ZZ", "2024-01-01T12:00:00+0200",
                      "2024-01-01T12:00:00+02", "2024-01-01T12:00:00+15:00",
                      "2024-01-01T12:00:00+02:60", "2024-01-01T12:00:00.Z",
                      "2024-01-01T12:00:00Z garbage", "2024-01-01t12:00:00z", "2024-01-01T1:00:00Z",
                      "abcd", "2024-01-01T12:00:00X"));

TEST(ParseFhirDateTimeTest, BeginAndEndAreHalfOpen) {
  auto day = ParseFhirDateTime("2024-05-17");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->end - day->begin, 86'400'000);
  auto month = ParseFhirDateTime("2024-02");
  ASSERT_TRUE(month.ok());
  EXPECT_EQ(month->end - month->begin, 29 * 86'400'000LL);
  auto year = ParseFhirDateTime("2023");
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->end - year->begin, 365 * 86'400'000LL);
  auto leap_year = ParseFhirDateTime("2024");
  ASSERT_TRUE(leap_year.ok());
  EXPECT_EQ(leap_year->end - leap_year->begin, 366 * 86'400'000LL);
}

TEST(GetDateTimeTest, AbsentMistypedOrMalformedIsNullopt) {
  auto doc = Json(R"({"a":"2024-05-17","b":20240517,"c":"2024-02-30","d":null,"e":""})");
  auto a = GetDateTime(*doc, "a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->begin, Utc(2024, 5, 17));
  EXPECT_EQ(GetDateTime(*doc, "b"), std::nullopt);
  EXPECT_EQ(GetDateTime(*doc, "c"), std::nullopt);
  EXPECT_EQ(GetDateTime(*doc, "d"), std::nullopt);
  EXPECT_EQ(GetDateTime(*doc, "e"), std::nullopt);
  EXPECT_EQ(GetDateTime(*doc, "missing"), std::nullopt);
  auto arr = Json("[1]");
  EXPECT_EQ(GetDateTime(*arr, "a"), std::nullopt);
}

TEST(GetPeriodTest, StartEndAndAbsence) {
  auto doc = Json(R"({
    "both": {"start": "2024-01-01", "end": "2024-02-15T10:00:00Z"},
    "start_only": {"start": "2024-01"},
    "end_only": {"end": "2024"},
    "bad_start": {"start": "2024-02-30", "end": "2024-03-01"},
    "neither": {"start": "garbage"},
    "empty": {},
    "not_object": "2024-01-01"
  })");
  auto both = GetPeriod(*doc, "both");
  ASSERT_TRUE(both);
  ASSERT_TRUE(both->start && both->end);
  EXPECT_EQ(both->start->begin, Utc(2024, 1, 1));
  EXPECT_EQ(both->end->begin, Utc(2024, 2, 15, 10));
  EXPECT_EQ(both->end->precision, DatePrecision::kTime);

  auto start_only = GetPeriod(*doc, "start_only");
  ASSERT_TRUE(start_only);
  EXPECT_TRUE(start_only->start);
  EXPECT_FALSE(start_only->end);
  EXPECT_EQ(start_only->start->precision, DatePrecision::kMonth);

  auto end_only = GetPeriod(*doc, "end_only");
  ASSERT_TRUE(end_only);
  EXPECT_FALSE(end_only->start);
  ASSERT_TRUE(end_only->end);
  EXPECT_EQ(end_only->end->end, Utc(2025, 1, 1));

  auto bad_start = GetPeriod(*doc, "bad_start");
  ASSERT_TRUE(bad_start);
  EXPECT_FALSE(bad_start->start);
  EXPECT_TRUE(bad_start->end);

  EXPECT_EQ(GetPeriod(*doc, "neither"), std::nullopt);
  EXPECT_EQ(GetPeriod(*doc, "empty"), std::nullopt);
  EXPECT_EQ(GetPeriod(*doc, "not_object"), std::nullopt);
  EXPECT_EQ(GetPeriod(*doc, "missing"), std::nullopt);
}

TEST(FhirDateTimeTest, CautiousEnds) {
  // A negative test dated "2025-11" is only known recent if its earliest moment is; an
  // exposure dated "2025-11" counts if its latest moment does.
  auto nov = ParseFhirDateTime("2025-11");
  ASSERT_TRUE(nov.ok());
  EpochMillis window_start = Utc(2025, 11, 15);
  EXPECT_LT(nov->Earliest(), window_start);
  EXPECT_GE(nov->Latest(), window_start);
  EXPECT_EQ(FormatDateTime(nov->Latest()), "2025-11-30T23:59:59Z");
}

}  // namespace
}  // namespace cds::fhir
