// dan-resting-tachycardia: table-driven over the heart rate (boundary 100/101, units,
// comparators, age), beta-blockers in every coding and status, conditions and data
// availability.
#include <gtest/gtest.h>

#include "tests/hooks/rules/diabetic_neuropathy/diabetes_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::dpn {
namespace {

constexpr char kRule[] = "dan-resting-tachycardia";
const std::string kDanCond = Snomed("dan", kDan);
const std::string kRecent = "2026-11-20T09:15:00Z";

std::string Hr(std::string_view id, std::string_view date, std::string_view value_member,
               std::string_view status = "final") {
  return LoincObservation(id, "8867-4", date, value_member, status);
}
std::string PerMin(double v) { return Quantity(v, "/min"); }

struct Case {
  std::string name;
  std::vector<std::string> conditions;
  std::vector<std::string> rates;
  std::vector<std::string> requests;
  bool fires;
};

class DanRestingTachycardiaTable : public ::testing::TestWithParam<Case> {};

TEST_P(DanRestingTachycardiaTable, PatientView) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", c.conditions)
                             .Prefetch("heartRate", c.rates)
                             .Prefetch("medicationRequests", c.requests));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards(kRule).size(), c.fires ? 1u : 0u) << r.body;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DanRestingTachycardiaTable,
    ::testing::Values(
        // Threshold: above 100/min.
        Case{"Exactly100DoesNotFire", {kDanCond}, {Hr("hr", kRecent, PerMin(100))}, {}, false},
        Case{"HundredAndOneFires", {kDanCond}, {Hr("hr", kRecent, PerMin(101))}, {}, true},
        Case{"Normal", {kDanCond}, {Hr("hr", kRecent, PerMin(72))}, {}, false},
        // Ways a rate is written.
        Case{"BeatsPerMinuteUcum",
             {kDanCond},
             {Hr("hr", kRecent, Quantity(108, "{beats}/min"))},
             {},
             true},
        Case{"BpmTextUnit",
             {kDanCond},
             {Hr("hr", kRecent, R"("valueQuantity":{"value":108,"unit":"bpm"})")},
             {},
             true},
        Case{"BeatsPerMinuteText",
             {kDanCond},
             {Hr("hr", kRecent, R"("valueQuantity":{"value":108,"unit":"beats/min"})")},
             {},
             true},
        Case{"NoUnitIsInsufficient",
             {kDanCond},
             {Hr("hr", kRecent, R"("valueQuantity":{"value":130})")},
             {},
             false},
        Case{"WrongDimensionIsInsufficient",
             {kDanCond},
             {Hr("hr", kRecent, Quantity(130, "mg/dL"))},
             {},
             false},
        Case{"GreaterThan100Fires",
             {kDanCond},
             {Hr("hr", kRecent, Quantity(100, "/min", ">"))},
             {},
             true},
        Case{"LessThan120IsOpen",
             {kDanCond},
             {Hr("hr", kRecent, Quantity(120, "/min", "<"))},
             {},
             false},
        Case{"ValueStringIsInsufficient",
             {kDanCond},
             {Hr("hr", kRecent, R"("valueString":"110")")},
             {},
             false},
        // Which reading, and how old.
        Case{"ExactlyTwelveMonthsOldCounts",
             {kDanCond},
             {Hr("hr", "2025-11-25", PerMin(112))},
             {},
             true},
        Case{"TwelveMonthsAndADayIsTooOld",
             {kDanCond},
             {Hr("hr", "2025-11-24", PerMin(112))},
             {},
             false},
        Case{"LatestNormalAfterOlderHigh",
             {kDanCond},
             {Hr("a", "2026-06-01", PerMin(118)), Hr("b", kRecent, PerMin(88))},
             {},
             false},
        Case{"LatestHighAfterOlderNormal",
             {kDanCond},
             {Hr("a", "2026-06-01", PerMin(88)), Hr("b", kRecent, PerMin(118))},
             {},
             true},
        Case{"PreliminaryReadingIgnored",
             {kDanCond},
             {Hr("hr", kRecent, PerMin(118), "preliminary")},
             {},
             false},
        Case{"OtherPatientsReadingIgnored",
             {kDanCond},
             {LoincObservation("hr", "8867-4", kRecent, PerMin(118), "final", "someone-else")},
             {},
             false},
        // Conditions.
        Case{"NoAutonomicNeuropathy",
             {Snomed("dpn", kT2Neuropathy)},
             {Hr("hr", kRecent, PerMin(118))},
             {},
             false},
        Case{"Type2AutonomicNeuropathyCode",
             {Snomed("dan", kT2Dan)},
             {Hr("hr", kRecent, PerMin(118))},
             {},
             true},
        Case{"IcdAutonomicNeuropathy",
             {Icd("dan", "E10.43")},
             {Hr("hr", kRecent, PerMin(118))},
             {},
             true},
        Case{"RefutedAutonomicNeuropathy",
             {CodedCondition("dan", kSnomed, kDan, "active", Verification("refuted"))},
             {Hr("hr", kRecent, PerMin(118))},
             {},
             false},
        // Beta-blockers.
        Case{"ActiveMetoprololSuccinate",
             {kDanCond},
             {Hr("hr", kRecent, PerMin(118))},
             {RxMedicationRequest("bb", "866414", "active")},
             false},
        Case{"BisoprololIngredient",
             {kDanCond},
             {Hr("hr", kRecent, PerMin(118))},
             {RxMedicationRequest("bb", "19484", "active")},
             false},
        Case{"NebivololOnHold",
             {kDanCond},
             {Hr("hr", kRecent, PerMin(118))},
             {RxMedicationRequest("bb", "387013", "on-hold")},
             false},
        Case{"MetoprololAtc",
             {kDanCond},
             {Hr("hr", kRecent, PerMin(118))},
             {MedRequest("bb", kAtc, "C07AB02")},
             false},
        Case{"StoppedBetaBlockerFires",
             {kDanCond},
             {Hr("hr", kRecent, PerMin(118))},
             {RxMedicationRequest("bb", "866924", "stopped")},
             true}),
    [](const auto& row) { return row.param.name; });

TEST(DanRestingTachycardiaTest, BetaBlockerStatementSuppresses) {
  HookHarness& h = SharedHarness();
  auto r =
      h.Call(kView, RequestBuilder("patient-view")
                        .Prefetch("conditions", {kDanCond})
                        .Prefetch("heartRate", {Hr("hr", kRecent, PerMin(118))})
                        .Prefetch("medicationStatements", {MedStatement("bb", kRxNorm, "854905")}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(DanRestingTachycardiaTest, CardShowsRateAndOffersCardioselectiveBetaBlockers) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kDanCond})
                             .Prefetch("heartRate", {Hr("hr9", kRecent, PerMin(112))}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(
      Str(*card, "summary"),
      "Autonomic neuropathy with heart rate 112 /min (2026-11-20T09:15:00Z) and no beta-blocker");
  std::string detail = Str(*card, "detail");
  EXPECT_TRUE(Contains(detail, "Observation/hr9")) << detail;
  EXPECT_TRUE(Contains(detail, "at rest")) << detail;
  EXPECT_TRUE(Contains(detail, "No active metoprolol, bisoprolol or nebivolol")) << detail;
  EXPECT_EQ(Str(*card, "selectionBehavior"), "at-most-one");
  ASSERT_EQ((*card)["suggestions"].Size(), 3u);
  std::vector<std::string> codes;
  for (const auto& s : (*card)["suggestions"].GetArray()) {
    EXPECT_FALSE(s.HasMember("isRecommended"));
    codes.push_back(
        Str(s["actions"][0]["resource"]["medicationCodeableConcept"]["coding"][0], "code"));
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"866427", "865155", "751618"}));
}

TEST(DanRestingTachycardiaTest, HeartRateUnavailableNeverFires) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kDanCond})
                             .PrefetchRaw("heartRate", OperationOutcome()));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_TRUE(r.status == 412 || HasUnavailableCard(r)) << r.body;
}

TEST(DanRestingTachycardiaTest, BetaBlockersUnknownNeverFires) {
  HookHarness& h = SharedHarness();  // a high rate, but the medication list could not be read
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kDanCond})
                             .Prefetch("heartRate", {Hr("hr", kRecent, PerMin(130))})
                             .LeaveAbsent("medicationRequests"));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_TRUE(r.status == 412 || HasUnavailableCard(r)) << r.body;
}

TEST(DanRestingTachycardiaTest, NullHeartRateMeansNoReading) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kDanCond})
                             .PrefetchRaw("heartRate", "null"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

}  // namespace
}  // namespace cds::testing::dpn

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kDanRestingTachycardiaConfig = ConfigCases(
    "dan-resting-tachycardia",
    {{"MisspeltKey", "/threshhold", "{}",
      "$.threshhold: unknown setting for this rule (misspelt?)"},
     {"ThresholdZero", "/threshold/value", "0", "$.threshold.value: must be > 0"},
     {"ThresholdNotARate", "/threshold/unit", R"("mg")",
      "$.threshold.unit: must be a UCUM unit convertible to /min"},
     {"MaxAgeNotADuration", "/max_age", R"("a year")",
      "$.max_age: 'a year' is not a duration like 12mo, 90d, 2w or 5y"},
     {"NoSuggestions", "/suggestions", "[]", "$.suggestions: must list at least one medication"},
     {"SuggestionNotABetaBlocker", "/suggestions/0/medication/code", R"("596934")",
      "$.suggestions: medication 596934 is not in the beta_blockers value set"},
     {"SuggestionCountTooMany", "/suggestions/1/frequency/count", "25",
      "$.suggestions[1].frequency.count: must be 1-24"}});

INSTANTIATE_TEST_SUITE_P(DanRestingTachycardiaConfig, RuleConfigTest,
                         ::testing::ValuesIn(kDanRestingTachycardiaConfig), ConfigCaseName);

TEST(DanRestingTachycardiaConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("dan-resting-tachycardia", kDanRestingTachycardiaConfig);
}

}  // namespace
}  // namespace cds::testing
