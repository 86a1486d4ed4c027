// dan-screening-due: table-driven over diabetes type, type 1 duration (5 years ± a
// day; onsetDateTime, onsetPeriod, recordedDate, coarse dates), statuses and data
// availability; plus the configurable screening value set (12 months ± a day) in a
// copy of the bundled knowledge.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/hooks/rules/diabetic_neuropathy/diabetes_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"
#include <unistd.h>

namespace cds::testing::dpn {
namespace {

constexpr char kRule[] = "dan-screening-due";

struct Case {
  std::string name;
  std::vector<std::string> conditions;
  std::string reason;  // "" = no card
};

class DanScreeningDueTable : public ::testing::TestWithParam<Case> {};

TEST_P(DanScreeningDueTable, PatientView) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view").Prefetch("conditions", c.conditions));
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  if (c.reason.empty()) {
    EXPECT_TRUE(cards.empty()) << r.body;
    return;
  }
  ASSERT_EQ(cards.size(), 1u) << r.body;
  EXPECT_EQ(Str(*cards[0], "summary"), "Autonomic neuropathy screening due (" + c.reason + ")");
}

const std::string kType2 = "type 2 diabetes: from diagnosis";
const std::string kType1Long = "type 1 diabetes for 5 years or more";
const std::string kUnknownLong = "diabetes of unrecorded type for 5 years or more";

INSTANTIATE_TEST_SUITE_P(
    Cases, DanScreeningDueTable,
    ::testing::Values(
        Case{"NoDiabetes", {Snomed("htn", "38341003")}, ""},
        // Type 2: due from diagnosis.
        Case{"Type2JustDiagnosed", {Snomed("dm", kT2Diabetes, Onset("2026-11-01"))}, kType2},
        Case{"Type2Icd", {Icd("dm", "E11.9")}, kType2},
        Case{"Type2IcdCategoryPrefix", {Icd("dm", "E11.22")}, kType2},
        Case{"Type2NeuropathyCodeImpliesType2", {Snomed("dpn", kT2Neuropathy)}, kType2},
        Case{"Type2WinsOverType1",
             {Snomed("t1", kT1Diabetes, Onset("2025-01-01")), Snomed("t2", kT2Diabetes)},
             kType2},
        Case{"Type2EnteredInError",
             {CodedCondition("dm", kSnomed, kT2Diabetes, "active",
                             Verification("entered-in-error"))},
             ""},
        Case{"Type2Resolved", {CodedCondition("dm", kSnomed, kT2Diabetes, "resolved")}, ""},
        // Type 1: from 5 years after onset (day-granular).
        Case{"Type1ExactlyFiveYears", {Snomed("dm", kT1Diabetes, Onset("2021-11-25"))}, kType1Long},
        Case{"Type1FiveYearsLessADay", {Snomed("dm", kT1Diabetes, Onset("2021-11-26"))}, ""},
        Case{"Type1OnsetWithTime",
             {Snomed("dm", kT1Diabetes, Onset("2021-11-25T23:10:00Z"))},
             kType1Long},
        Case{"Type1LongStanding", {Snomed("dm", kT1Diabetes, Onset("2004-03-01"))}, kType1Long},
        Case{"Type1Recent", {Snomed("dm", kT1Diabetes, Onset("2024-06-01"))}, ""},
        Case{"Type1OnsetPeriodStart",
             {Snomed("dm", kT1Diabetes,
                     R"("onsetPeriod":{"start":"2019-02-01","end":"2019-03-01"})")},
             kType1Long},
        Case{"Type1RecordedDateOldEnough",
             {Snomed("dm", kT1Diabetes, R"("recordedDate":"2015-05-05")")},
             kType1Long},
        Case{"Type1OnlyRecentRecordedDateIsUnknown",
             {Snomed("dm", kT1Diabetes, R"("recordedDate":"2025-05-05")")},
             ""},
        Case{"Type1NoDatesIsUnknown", {Snomed("dm", kT1Diabetes)}, ""},
        Case{"Type1CoarseYearStraddlingIsUnknown", {Snomed("dm", kT1Diabetes, Onset("2021"))}, ""},
        Case{"Type1CoarseYearOldEnough", {Snomed("dm", kT1Diabetes, Onset("2020"))}, kType1Long},
        Case{"Type1ComplicationBoundsOnset",
             {Snomed("dm", kT1Diabetes), Snomed("pn", "713705003", Onset("2015-01-01"))},
             kType1Long},
        Case{"Type1IcdCategoryPrefix", {Icd("dm", "E10.65", Onset("2010-01-01"))}, kType1Long},
        // Unrecorded type: due once known to be 5 years old.
        Case{"UnknownTypeOld", {Snomed("dm", kDiabetesAnyType, Onset("2012-01-01"))}, kUnknownLong},
        Case{"UnknownTypeRecent", {Snomed("dm", kDiabetesAnyType, Onset("2025-01-01"))}, ""},
        // Already diagnosed autonomic neuropathy: past screening.
        Case{
            "AutonomicNeuropathyDiagnosed", {Snomed("dm", kT2Diabetes), Snomed("dan", kT2Dan)}, ""},
        Case{"RefutedAutonomicNeuropathyDoesNotCount",
             {Snomed("dm", kT2Diabetes),
              CodedCondition("dan", kSnomed, kDan, "active", Verification("refuted"))},
             kType2}),
    [](const auto& row) { return row.param.name; });

TEST(DanScreeningDueTest, CardSaysScreeningCannotBeVerified) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(
      kView, RequestBuilder("patient-view").Prefetch("conditions", {Snomed("dm", kT2Diabetes)}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(Str(*card, "indicator"), "info");
  std::string detail = Str(*card, "detail");
  EXPECT_TRUE(Contains(detail, "cannot be seen here")) << detail;
  EXPECT_TRUE(Contains(detail, "Condition/dm")) << detail;
  EXPECT_TRUE(Contains(detail, "every 12 months")) << detail;
  EXPECT_FALSE(Contains(detail, "No screening procedure is recorded"))
      << "must not claim none was done";
  EXPECT_STREQ((*card)["source"]["topic"]["code"].GetString(), kRule);
  EXPECT_GE((*card)["overrideReasons"].Size(), 1u);
}

TEST(DanScreeningDueTest, Type1DurationEvidence) {
  HookHarness& h = SharedHarness();
  auto r =
      h.Call(kView, RequestBuilder("patient-view")
                        .Prefetch("conditions", {Snomed("t1", kT1Diabetes, Onset("2009-09-09"))}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  std::string detail = Str(*card, "detail");
  EXPECT_TRUE(Contains(detail, "Condition/t1")) << detail;
  EXPECT_TRUE(Contains(detail, "2009-09-09")) << detail;
  EXPECT_TRUE(Contains(detail, "known for at least 5 years")) << detail;
}

TEST(DanScreeningDueTest, ConditionsUnavailableIs412) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view").LeaveAbsent("conditions"));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_TRUE(r.status == 412 || HasUnavailableCard(r)) << r.body;
}

// ---- A knowledge copy that configures a screening value set -----------------------------

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The bundled config/ copied to a temporary directory, with a local screening value set
// (test-only code system: there is no verified code) configured on the rule. Built once
// for the suite.
class ConfiguredScreening : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("dpn-screening-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::copy(fs::path(CDS_SOURCE_DIR) / "config", dir_, fs::copy_options::recursive);
    std::ofstream(dir_ / "knowledge/valuesets/zz-test-screening.json")
        << R"({"test-autonomic-screening":{"description":"test only","codes":[{"system":"urn:test:cds","code":"can-screen","display":"Autonomic screening","source":"test"}]}})";
    fs::path rule = dir_ / "knowledge/rules/dan-screening-due.json";
    std::string text = ReadAll(rule);
    text.replace(text.find("\"interval\""), 0,
                 "\"screening_procedures\": \"test-autonomic-screening\",\n  ");
    std::ofstream(rule, std::ios::trunc) << text;
    harness_ = new HookHarness("2026-11-25T12:00:00Z", dir_.string());
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
    fs::remove_all(dir_);
  }

  HookResponse Run(std::vector<std::string> procedures) {
    HookHarness& h = *harness_;
    return h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {Snomed("dm", kT2Diabetes)})
                             .Prefetch("procedures", procedures));
  }
  static std::string Screen(std::string_view date, std::string_view status = "completed") {
    return R"({"resourceType":"Procedure","id":"s","status":")" + std::string(status) +
           R"(","code":{"coding":[{"system":"urn:test:cds","code":"can-screen"}]},"subject":{"reference":"Patient/p1"},"performedDateTime":")" +
           std::string(date) + "\"}";
  }

  static inline fs::path dir_;
  static inline HookHarness* harness_ = nullptr;
};

TEST_F(ConfiguredScreening, RecentScreeningSuppresses) {
  auto r = Run({Screen("2026-03-01")});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST_F(ConfiguredScreening, ExactlyTwelveMonthsCounts) {
  auto r = Run({Screen("2025-11-25")});
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST_F(ConfiguredScreening, TwelveMonthsAndADayIsDue) {
  auto r = Run({Screen("2025-11-24")});
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_TRUE(
      Contains(Str(*card, "detail"), "No screening procedure is recorded in the last 12 months"));
}

TEST_F(ConfiguredScreening, NullProceduresMeanNoneRecorded) {
  HookHarness& h = *harness_;
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {Snomed("dm", kT2Diabetes)})
                             .PrefetchRaw("procedures", "null"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

TEST_F(ConfiguredScreening, NotDoneScreeningDoesNotCount) {
  auto r = Run({Screen("2026-03-01", "not-done")});
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

TEST_F(ConfiguredScreening, ProceduresUnavailableNeverClaimsDue) {
  HookHarness& h = *harness_;
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {Snomed("dm", kT2Diabetes)})
                             .PrefetchRaw("procedures", OperationOutcome()));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_TRUE(r.status == 412 || HasUnavailableCard(r)) << r.body;
}

}  // namespace
}  // namespace cds::testing::dpn

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kDanScreeningDueConfig = ConfigCases(
    "dan-screening-due",
    {{"MisspeltKey", "/intervall", R"("12mo")",
      "$.intervall: unknown setting for this rule (misspelt?)"},
     {"DueAfterNotADuration", "/type1_due_after", R"("5")",
      "$.type1_due_after: '5' is not a duration like 12mo, 90d, 2w or 5y"},
     {"ScreeningUnknownValueSet", "/screening_procedures", R"("nope")",
      "$.screening_procedures: unknown value set 'nope'"},
     {"UnknownPlaceholder", "/reason_long_standing", R"("{type} for {decades}")",
      "$.reason_long_standing: unknown placeholder {decades}; this rule provides: {type}, {years}"},
     {"IndicatorNotAString", "/indicator", "3", "$.indicator: must be a string"}});

INSTANTIATE_TEST_SUITE_P(DanScreeningDueConfig, RuleConfigTest,
                         ::testing::ValuesIn(kDanScreeningDueConfig), ConfigCaseName);

TEST(DanScreeningDueConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("dan-screening-due", kDanScreeningDueConfig);
}

}  // namespace
}  // namespace cds::testing
