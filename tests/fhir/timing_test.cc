#include "fhir/timing.h"

#include <string>

#include "tests/fhir/fhir_test_util.h"

namespace cds::fhir {
namespace {

using ::cds::fhir::testing::Json;
using ::testing::HasSubstr;

Frequency PerDay(const std::string& timing_json) {
  auto doc = Json(timing_json);
  return AdministrationsPerDay(ReadTiming(*doc));
}

Bedtime BedtimeIn(const std::string& timing_json) {
  auto doc = Json(timing_json);
  return BedtimeOf(ReadTiming(*doc));
}

struct FrequencyRow {
  const char* name;
  std::string timing;
  double low;  // < 0: not known
  double high;
  const char* why_or_description;
};

class FrequencyTable : public ::testing::TestWithParam<FrequencyRow> {};

TEST_P(FrequencyTable, AdministrationsPerDay) {
  const FrequencyRow& row = GetParam();
  Frequency f = PerDay(row.timing);
  if (row.low < 0) {
    EXPECT_FALSE(f.known) << f.description;
    EXPECT_THAT(f.why, HasSubstr(row.why_or_description));
    return;
  }
  ASSERT_TRUE(f.known) << f.why;
  EXPECT_DOUBLE_EQ(f.low, row.low);
  EXPECT_DOUBLE_EQ(f.high, row.high);
  EXPECT_THAT(f.description, HasSubstr(row.why_or_description));
}

constexpr char kGts[] = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation";

std::string Code(const std::string& code) {
  return std::string(R"({"code":{"coding":[{"system":")") + kGts + R"(","code":")" + code +
         R"("}]}})";
}

INSTANTIATE_TEST_SUITE_P(
    Rows, FrequencyTable,
    ::testing::Values(
        FrequencyRow{"TwicePerDay", R"({"repeat":{"frequency":2,"period":1,"periodUnit":"d"}})", 2,
                     2, "2 times a day"},
        FrequencyRow{"OncePerDayFrequencyDefaultsToOne",
                     R"({"repeat":{"period":1,"periodUnit":"d"}})", 1, 1, "1 time a day"},
        FrequencyRow{"Every8Hours", R"({"repeat":{"frequency":1,"period":8,"periodUnit":"h"}})", 3,
                     3, "every 8 h"},
        FrequencyRow{"Every4To6Hours",
                     R"({"repeat":{"frequency":1,"period":4,"periodMax":6,"periodUnit":"h"}})", 4,
                     6, "every 4-6 h"},
        FrequencyRow{"OneToTwiceDaily",
                     R"({"repeat":{"frequency":1,"frequencyMax":2,"period":1,"periodUnit":"d"}})",
                     1, 2, "1-2 times a day"},
        FrequencyRow{"FourteenPerWeek",
                     R"({"repeat":{"frequency":14,"period":1,"periodUnit":"wk"}})", 2, 2,
                     "14 per 1 wk"},
        FrequencyRow{"Per24Hours", R"({"repeat":{"frequency":1,"period":24,"periodUnit":"h"}})", 1,
                     1, "every 24 h"},
        FrequencyRow{"Every720Minutes",
                     R"({"repeat":{"frequency":1,"period":720,"periodUnit":"min"}})", 2, 2,
                     "every 720 min"},
        FrequencyRow{"EveryOtherDay", R"({"repeat":{"frequency":1,"period":2,"periodUnit":"d"}})",
                     0.5, 0.5, "every 2 d"},
        FrequencyRow{"WhenListTwoEvents", R"({"repeat":{"when":["MORN","HS"]}})", 2, 2,
                     "2 times a day"},
        FrequencyRow{
            "WhenListWithMatchingFrequency",
            R"({"repeat":{"frequency":2,"period":1,"periodUnit":"d","when":["MORN","EVE"]}})", 2, 2,
            "2 times"},
        FrequencyRow{
            "WhenListWithFrequencyOneIsUnion",
            R"({"repeat":{"frequency":1,"period":1,"periodUnit":"d","when":["MORN","EVE"]}})", 2, 2,
            "2 times"},
        FrequencyRow{"TimesOfDay", R"({"repeat":{"timeOfDay":["08:00:00","14:00:00","20:00:00"]}})",
                     3, 3, "3 times"},
        FrequencyRow{"SingleDoseCount", R"({"repeat":{"count":1}})", 1, 1, "single dose"},
        FrequencyRow{"OneEvent", R"({"event":["2026-11-26T09:00:00Z"]})", 1, 1, "single dose"},
        FrequencyRow{
            "EventsTwoOnOneDay",
            R"({"event":["2026-11-26T09:00:00Z","2026-11-26T21:00:00Z","2026-11-27T09:00:00Z"]})",
            2, 2, "2 times a day"},
        FrequencyRow{"CodeBid", Code("BID"), 2, 2, "BID"},
        FrequencyRow{"CodeTid", Code("TID"), 3, 3, "TID"},
        FrequencyRow{"CodeQid", Code("QID"), 4, 4, "QID"},
        FrequencyRow{"CodeQd", Code("QD"), 1, 1, "QD"},
        FrequencyRow{"CodeAm", Code("AM"), 1, 1, "AM"},
        FrequencyRow{"CodePm", Code("PM"), 1, 1, "PM"},
        FrequencyRow{"CodeBed", Code("BED"), 1, 1, "BED"},
        FrequencyRow{"CodeQ4h", Code("Q4H"), 6, 6, "Q4H"},
        FrequencyRow{"CodeQ6h", Code("Q6H"), 4, 4, "Q6H"},
        FrequencyRow{"CodeQ8h", Code("Q8H"), 3, 3, "Q8H"},
        FrequencyRow{"CodeQod", Code("QOD"), 0.5, 0.5, "QOD"},
        FrequencyRow{"CodeQhsNonStandard", Code("QHS"), 1, 1, "QHS"},
        FrequencyRow{"CodeQ12hNonStandard", Code("Q12H"), 2, 2, "Q12H"},
        FrequencyRow{"CodeLowerCase", Code("bid"), 2, 2, "BID"},
        FrequencyRow{"CodeUnderLocalSystem",
                     R"({"code":{"coding":[{"system":"urn:oid:1.2.3","code":"TID"}]}})", 3, 3,
                     "TID"},
        FrequencyRow{"CodeTextOnly", R"({"code":{"text":"q6h"}})", 4, 4, "Q6H"},
        FrequencyRow{"CodeTextWithPrn", R"({"code":{"text":"Q4H PRN"}})", 6, 6, "Q4H"},
        FrequencyRow{
            "CodeAndRepeatAgree",
            R"({"repeat":{"frequency":2,"period":1,"periodUnit":"d"},"code":{"coding":[{"code":"BID"}]}})",
            2, 2, "BID"},
        FrequencyRow{
            "UnknownLocalCodeDefersToRepeat",
            R"({"repeat":{"frequency":1,"period":4,"periodUnit":"h"},"code":{"coding":[{"system":"urn:x","code":"12"}],"text":"Q4H PRN"}})",
            6, 6, "Q4H"},
        FrequencyRow{"CodeWithMealEventsUsesCode",
                     R"({"repeat":{"when":["AC"]},"code":{"coding":[{"code":"TID"}]}})", 3, 3,
                     "TID"},
        // Not known: never guessed.
        FrequencyRow{
            "CodeAndRepeatDisagree",
            R"({"repeat":{"frequency":3,"period":1,"periodUnit":"d"},"code":{"coding":[{"code":"BID"}]}})",
            -1, -1, "disagrees"},
        FrequencyRow{"UnknownCode", R"({"code":{"coding":[{"system":"urn:x","code":"XYZ"}]}})", -1,
                     -1, "'XYZ'"},
        FrequencyRow{"FrequencyWithoutPeriod", R"({"repeat":{"frequency":2}})", -1, -1,
                     "no period"},
        FrequencyRow{"BadPeriodUnit", R"({"repeat":{"frequency":2,"period":1,"periodUnit":"day"}})",
                     -1, -1, "'day'"},
        FrequencyRow{"MealEventWithoutCount", R"({"repeat":{"when":["AC"]}})", -1, -1, "'AC'"},
        FrequencyRow{
            "DaysOfWeek",
            R"({"repeat":{"frequency":1,"period":1,"periodUnit":"d","dayOfWeek":["mon","wed"]}})",
            -1, -1, "days of the week"},
        FrequencyRow{
            "EventsDisagreeWithFrequency",
            R"({"repeat":{"frequency":3,"period":1,"periodUnit":"d","when":["MORN","EVE"]}})", -1,
            -1, "disagree"},
        FrequencyRow{"FrequencyNotInteger",
                     R"({"repeat":{"frequency":1.5,"period":1,"periodUnit":"d"}})", -1, -1,
                     "frequency"},
        FrequencyRow{"FrequencyAsString",
                     R"({"repeat":{"frequency":"2","period":1,"periodUnit":"d"}})", -1, -1,
                     "frequency"},
        FrequencyRow{"NegativePeriod", R"({"repeat":{"frequency":1,"period":-8,"periodUnit":"h"}})",
                     -1, -1, "period"},
        FrequencyRow{"CountWithoutPeriod", R"({"repeat":{"count":10}})", -1, -1, "no period"},
        FrequencyRow{"Empty", R"({})", -1, -1, "no frequency"},
        FrequencyRow{"BoundsOnly", R"({"repeat":{"boundsPeriod":{"start":"2026-01-01"}}})", -1, -1,
                     "no frequency"}),
    [](const auto& row) { return std::string(row.param.name); });

TEST(AbbreviationTest, KnownAndUnknown) {
  EXPECT_EQ(AbbreviationPerDay("Q2H"), 12);
  EXPECT_EQ(AbbreviationPerDay("Q3H"), 8);
  EXPECT_EQ(AbbreviationPerDay("Q1H"), 24);
  EXPECT_EQ(AbbreviationPerDay("Q24H"), 1);
  EXPECT_EQ(AbbreviationPerDay("QAM"), 1);
  EXPECT_EQ(AbbreviationPerDay("QPM"), 1);
  EXPECT_EQ(AbbreviationPerDay("HS"), 1);
  EXPECT_NEAR(*AbbreviationPerDay("WK"), 1.0 / 7, 1e-12);
  EXPECT_NEAR(*AbbreviationPerDay("MO"), 12 / 365.25, 1e-12);
  EXPECT_FALSE(AbbreviationPerDay("JB"));  // business days: no fixed count
  EXPECT_FALSE(AbbreviationPerDay("PRN"));
  EXPECT_FALSE(AbbreviationPerDay(""));
}

TEST(BedtimeTest, Structured) {
  struct Row {
    const char* timing;
    Bedtime want;
  } rows[] = {
      {R"({"repeat":{"when":["HS"]}})", Bedtime::kAll},
      {R"({"repeat":{"when":["NIGHT"],"frequency":1,"period":1,"periodUnit":"d"}})", Bedtime::kAll},
      {R"({"repeat":{"when":["MORN","HS"]}})", Bedtime::kSome},
      {R"({"repeat":{"when":["EVE"]}})", Bedtime::kOtherTime},
      {R"({"repeat":{"when":["PHS"]}})", Bedtime::kOtherTime},  // after sleep = on waking
      {R"({"code":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation","code":"BED"}]}})",
       Bedtime::kAll},
      {R"({"code":{"coding":[{"code":"QHS"}]}})", Bedtime::kAll},
      {R"({"code":{"text":"HS"}})", Bedtime::kAll},
      {R"({"code":{"coding":[{"code":"PM"}]}})", Bedtime::kOtherTime},
      {R"({"code":{"text":"QAM"}})", Bedtime::kOtherTime},
      {R"({"code":{"coding":[{"code":"BID"}]}})", Bedtime::kNotStated},
      {R"({"repeat":{"timeOfDay":["22:00:00"]}})", Bedtime::kAll},
      {R"({"repeat":{"timeOfDay":["01:30:00"]}})", Bedtime::kAll},
      {R"({"repeat":{"timeOfDay":["19:59:00"]}})", Bedtime::kOtherTime},
      {R"({"repeat":{"timeOfDay":["08:00:00","21:00:00"]}})", Bedtime::kSome},
      {R"({"repeat":{"when":["HS"],"frequency":2,"period":1,"periodUnit":"d"}})", Bedtime::kSome},
      {R"({"repeat":{"frequency":1,"period":1,"periodUnit":"d"}})", Bedtime::kNotStated},
  };
  for (const Row& row : rows) EXPECT_EQ(BedtimeIn(row.timing), row.want) << row.timing;
}

TEST(BedtimeTest, Text) {
  for (const char* yes :
       {"Take 1 tablet at bedtime", "10 mg nightly", "25mg qhs", "25 mg q.h.s.", "at bed time",
        "one at night", "10 mg nocte", "take before sleep", "HS"}) {
    EXPECT_TRUE(TextSaysBedtime(yes)) << yes;
  }
  for (const char* no :
       {"", "once daily", "in the evening", "do not take at bedtime", "avoid taking at night",
        "1 in the morning and 1 at bedtime", "10 mg am and hs", "hsv", "bedside", "thrice"}) {
    EXPECT_FALSE(TextSaysBedtime(no)) << no;
  }
}

}  // namespace
}  // namespace cds::fhir
