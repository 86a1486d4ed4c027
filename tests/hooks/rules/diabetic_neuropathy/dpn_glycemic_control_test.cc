// dpn-glycemic-control: table-driven over conditions, HbA1c dates, values, units,
// statuses and data availability. Every case runs the real service (bundled knowledge,
// now = 2026-11-25T12:00Z); the 6-month window starts 2026-05-25T00:00Z.
#include <gtest/gtest.h>

#include "tests/hooks/rules/diabetic_neuropathy/diabetes_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::dpn {
namespace {

constexpr char kRule[] = "dpn-glycemic-control";

std::string A1c(std::string_view id, std::string_view date, std::string_view value_member,
                std::string_view status = "final", std::string_view loinc = "4548-4") {
  return LoincObservation(id, loinc, date, value_member, status);
}
std::string Pct(double v) { return Quantity(v, "%"); }

enum class Expect { kNone, kNoRecent, kAbove };

struct Case {
  std::string name;
  std::vector<std::string> conditions;
  std::vector<std::string> labs;
  Expect expect;
  std::string in_summary = "";
};

const std::string kDpn = Snomed("dpn", kT2Neuropathy);
const std::string kRecent = "2026-09-01";

class DpnGlycemicControlTable : public ::testing::TestWithParam<Case> {};

TEST_P(DpnGlycemicControlTable, PatientView) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", c.conditions)
                             .Prefetch("neuropathyLabs", c.labs));
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  if (c.expect == Expect::kNone) {
    EXPECT_TRUE(cards.empty()) << r.body;
    return;
  }
  ASSERT_EQ(cards.size(), 1u) << r.body;
  std::string summary = Str(*cards[0], "summary");
  EXPECT_EQ(Str(*cards[0], "indicator"), "info");
  if (c.expect == Expect::kNoRecent) {
    EXPECT_TRUE(Contains(summary, "no HbA1c in the last 6 months")) << summary;
  } else {
    EXPECT_TRUE(Contains(summary, "above the 7 % target")) << summary;
  }
  EXPECT_TRUE(Contains(summary, c.in_summary)) << summary;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DpnGlycemicControlTable,
    ::testing::Values(
        // Who is in scope.
        Case{"NoNeuropathyNoCard", {Snomed("dm", kT2Diabetes)}, {}, Expect::kNone},
        Case{"NeuropathyWithoutHbA1c", {kDpn}, {}, Expect::kNoRecent},
        Case{"IcdDiabeticPolyneuropathy", {Icd("dpn", "E11.42")}, {}, Expect::kNoRecent},
        Case{"AutonomicNeuropathyCounts", {Snomed("dan", kDan)}, {}, Expect::kNoRecent},
        Case{"DiabeticGastroparesisCounts", {Snomed("gp", "713703005")}, {}, Expect::kNoRecent},
        Case{"NonDiabeticNeuropathyIsOutOfScope",
             {Snomed("pn", kPeripheralNeuropathy)},
             {},
             Expect::kNone},
        Case{"EnteredInErrorNeuropathyIgnored",
             {CodedCondition("dpn", kSnomed, kT2Neuropathy, "active",
                             Verification("entered-in-error"))},
             {},
             Expect::kNone},
        Case{"RefutedNeuropathyIgnored",
             {CodedCondition("dpn", kSnomed, kT2Neuropathy, "active", Verification("refuted"))},
             {},
             Expect::kNone},
        Case{"ResolvedNeuropathyIgnored",
             {CodedCondition("dpn", kSnomed, kT2Neuropathy, "resolved")},
             {},
             Expect::kNone},
        Case{"NoClinicalStatusNoAbatementCounts",
             {CodedCondition("dpn", kSnomed, kT2Neuropathy, "")},
             {},
             Expect::kNoRecent},
        Case{"PlainStringClinicalStatus",
             {CodedCondition("dpn", kSnomed, kT2Neuropathy, "", R"("clinicalStatus":"active")")},
             {},
             Expect::kNoRecent},
        Case{"PlainStringResolvedIgnored",
             {CodedCondition("dpn", kSnomed, kT2Neuropathy, "", R"("clinicalStatus":"resolved")")},
             {},
             Expect::kNone},
        // Target boundary, percent.
        Case{"Exactly7PercentDoesNotFire", {kDpn}, {A1c("a", kRecent, Pct(7.0))}, Expect::kNone},
        Case{"SevenPointOneFires",
             {kDpn},
             {A1c("a", kRecent, Pct(7.1))},
             Expect::kAbove,
             "HbA1c 7.1 %"},
        Case{"WellControlled", {kDpn}, {A1c("a", kRecent, Pct(6.2))}, Expect::kNone},
        // IFCC units: 53 mmol/mol is 7.0 % NGSP, 54 mmol/mol is 7.1 %.
        Case{"Exactly53MmolPerMolDoesNotFire",
             {kDpn},
             {A1c("a", kRecent, Quantity(53, "mmol/mol"))},
             Expect::kNone},
        Case{"FiftyFourMmolPerMolFires",
             {kDpn},
             {A1c("a", kRecent, Quantity(54, "mmol/mol"))},
             Expect::kAbove,
             "54 mmol/mol (7.1 % NGSP)"},
        // Ways a value is written.
        Case{"UnitTextOnlyNoSystem",
             {kDpn},
             {A1c("a", kRecent, R"("valueQuantity":{"value":8.2,"unit":"%"})")},
             Expect::kAbove,
             "8.2 %"},
        Case{
            "UcumCodeOnly",
            {kDpn},
            {A1c(
                "a", kRecent,
                R"("valueQuantity":{"value":8.2,"system":"http://unitsofmeasure.org","code":"%"})")},
            Expect::kAbove},
        Case{"IntegerValue",
             {kDpn},
             {A1c("a", kRecent, R"("valueQuantity":{"value":9,"unit":"%"})")},
             Expect::kAbove},
        Case{"GreaterThanComparatorAboveTarget",
             {kDpn},
             {A1c("a", kRecent, Quantity(14, "%", ">"))},
             Expect::kAbove},
        Case{"LessThanComparatorBelowTarget",
             {kDpn},
             {A1c("a", kRecent, Quantity(6, "%", "<"))},
             Expect::kNone},
        Case{"ComparatorLeavingTargetOpenIsInsufficient",
             {kDpn},
             {A1c("a", kRecent, Quantity(6, "%", ">"))},
             Expect::kNone},
        Case{"NoUnitIsInsufficientNotControlled",
             {kDpn},
             {A1c("a", kRecent, R"("valueQuantity":{"value":9.5})")},
             Expect::kNone},
        Case{"UnknownUnitIsInsufficient",
             {kDpn},
             {A1c("a", kRecent, R"("valueQuantity":{"value":9.5,"unit":"mg/dL"})")},
             Expect::kNone},
        Case{"ValueStringIsInsufficient",
             {kDpn},
             {A1c("a", kRecent, R"("valueString":"9.5 %")")},
             Expect::kNone},
        Case{"HplcCodeCounts",
             {kDpn},
             {A1c("a", kRecent, Pct(8.0), "final", "17856-6")},
             Expect::kAbove},
        // 6-month window, day-granular.
        Case{"ExactlySixMonthsCounts", {kDpn}, {A1c("a", "2026-05-25", Pct(6.5))}, Expect::kNone},
        Case{"SixMonthsAndADayIsNotRecent",
             {kDpn},
             {A1c("a", "2026-05-24", Pct(6.5))},
             Expect::kNoRecent,
             "no HbA1c"},
        Case{"TimeOnWindowDayCounts",
             {kDpn},
             {A1c("a", "2026-05-25T00:30:00Z", Pct(6.5))},
             Expect::kNone},
        Case{"MonthPrecisionThatMayBeRecentCounts",
             {kDpn},
             {A1c("a", "2026-05", Pct(6.5))},
             Expect::kNone},
        Case{"OldHighResultOnlyIsNoRecent",
             {kDpn},
             {A1c("a", "2025-01-10", Pct(9.0))},
             Expect::kNoRecent},
        // Which result decides.
        Case{"NewerNormalAfterOlderHigh",
             {kDpn},
             {A1c("a", "2026-06-01", Pct(9.0)), A1c("b", "2026-10-01", Pct(6.8))},
             Expect::kNone},
        Case{"NewerHighAfterOlderNormal",
             {kDpn},
             {A1c("a", "2026-06-01", Pct(6.8)), A1c("b", "2026-10-01", Pct(9.0))},
             Expect::kAbove,
             "HbA1c 9 % on 2026-10-01"},
        Case{"PreliminaryDoesNotCount",
             {kDpn},
             {A1c("a", kRecent, Pct(6.0), "preliminary")},
             Expect::kNoRecent},
        Case{"EnteredInErrorResultDoesNotCount",
             {kDpn},
             {A1c("a", kRecent, Pct(6.0), "entered-in-error")},
             Expect::kNoRecent},
        Case{"AmendedCounts", {kDpn}, {A1c("a", kRecent, Pct(6.0), "amended")}, Expect::kNone},
        Case{"UndatedResultDoesNotCount", {kDpn}, {A1c("a", "", Pct(6.0))}, Expect::kNoRecent},
        Case{"OtherPatientsResultIgnored",
             {kDpn},
             {LoincObservation("a", "4548-4", kRecent, Pct(6.0), "final", "someone-else")},
             Expect::kNoRecent}),
    [](const auto& row) { return row.param.name; });

TEST(DpnGlycemicControlTest, NoRecentCardSuggestsHbA1cAndNamesEvidence) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kDpn})
                             .Prefetch("neuropathyLabs", {A1c("old", "2025-02-03", Pct(8.4))}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  std::string detail = Str(*card, "detail");
  EXPECT_TRUE(Contains(detail, "Condition/dpn")) << detail;
  EXPECT_TRUE(Contains(detail, "Observation/old")) << detail;
  EXPECT_TRUE(Contains(detail, "2025-02-03")) << detail;
  EXPECT_TRUE(Contains(detail, "last 8.4 % on 2025-02-03")) << detail;
  EXPECT_TRUE(Contains(detail, "blood pressure, lipids and weight")) << detail;
  EXPECT_STREQ((*card)["source"]["topic"]["code"].GetString(), kRule);
  EXPECT_TRUE(Contains(Str((*card)["source"], "label"), "ADA")) << Str((*card)["source"], "label");
  EXPECT_GE((*card)["overrideReasons"].Size(), 1u);
  ASSERT_EQ((*card)["suggestions"].Size(), 1u);
  const auto& action = (*card)["suggestions"][0]["actions"][0];
  EXPECT_EQ(Str(action, "type"), "create");
  EXPECT_EQ(Str(action["resource"], "resourceType"), "ServiceRequest");
  EXPECT_EQ(Str(action["resource"]["code"]["coding"][0], "code"), "4548-4");
  EXPECT_EQ(Str(action["resource"]["subject"], "reference"), "Patient/p1");
  EXPECT_EQ(Str(*card, "selectionBehavior"), "at-most-one");
}

TEST(DpnGlycemicControlTest, AboveTargetCardShowsTheResultAndNoOrder) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kDpn})
                             .Prefetch("neuropathyLabs", {A1c("hi", "2026-10-02", Pct(8.6))}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  std::string detail = Str(*card, "detail");
  EXPECT_TRUE(Contains(detail, "Observation/hi")) << detail;
  EXPECT_TRUE(Contains(detail, "without extreme fluctuations")) << detail;
  EXPECT_FALSE(card->HasMember("suggestions") && (*card)["suggestions"].Size() > 0) << detail;
}

TEST(DpnGlycemicControlTest, NullLabsMeanNoHbA1c) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kDpn})
                             .PrefetchRaw("neuropathyLabs", "null"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

TEST(DpnGlycemicControlTest, LabsUnavailableAloneIs412) {
  // A type-agnostic diabetic neuropathy with no onset: no other rule can decide anything.
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {Snomed("dpn", kDiabeticNeuropathy)})
                             .PrefetchRaw("neuropathyLabs", OperationOutcome()));
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_FALSE(Contains(r.body, "no HbA1c")) << r.body;
}

TEST(DpnGlycemicControlTest, LabsAbsentWithoutFhirServerIs412) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {Snomed("dpn", kDiabeticNeuropathy)})
                             .LeaveAbsent("neuropathyLabs"));
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_TRUE(Contains(r.body, "neuropathyLabs")) << r.body;
}

TEST(DpnGlycemicControlTest, LabsUnavailableWithOtherCardsGivesNoFalseCard) {
  // Type 2 neuropathy: dan-screening-due fires, so the response is 200 -- without a false
  // "no HbA1c" card, and with the card saying which checks could not be made.
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kDpn})
                             .PrefetchRaw("neuropathyLabs", OperationOutcome()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_FALSE(r.Cards("dan-screening-due").empty()) << r.body;
  EXPECT_TRUE(HasUnavailableCard(r)) << r.body;
}

TEST(DpnGlycemicControlTest, ConditionsUnavailableNeverFires) {
  HookHarness& h = SharedHarness();
  auto r =
      h.Call(kView, RequestBuilder("patient-view").PrefetchRaw("conditions", OperationOutcome()));
  if (r.status == 200) {  // only if some other service rule could speak without conditions
    EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
    EXPECT_TRUE(HasUnavailableCard(r)) << r.body;
  } else {
    EXPECT_EQ(r.status, 412) << r.body;
  }
}

}  // namespace
}  // namespace cds::testing::dpn

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kDpnGlycemicControlConfig =
    ConfigCases("dpn-glycemic-control",
                {{"MisspeltKey", "/recent_withn", R"("6mo")",
                  "$.recent_withn: unknown setting for this rule (misspelt?)"},
                 {"TargetZero", "/target/value", "0", "$.target.value: must be > 0"},
                 {"TargetNotAPercentage", "/target/value", "100",
                  "$.target: must be an HbA1c percentage below 100"},
                 {"TargetUnitNotPercent", "/target/unit", R"("mg")",
                  "$.target.unit: must be a UCUM unit convertible to %"},
                 {"RecentWithinNotADuration", "/recent_within", R"("half a year")",
                  "$.recent_within: 'half a year' is not a duration like 12mo, 90d, 2w or 5y"},
                 {"OrderCodeMissing", "/order/code", "", "$.order.code: is required"}});

INSTANTIATE_TEST_SUITE_P(DpnGlycemicControlConfig, RuleConfigTest,
                         ::testing::ValuesIn(kDpnGlycemicControlConfig), ConfigCaseName);

TEST(DpnGlycemicControlConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("dpn-glycemic-control", kDpnGlycemicControlConfig);
}

}  // namespace
}  // namespace cds::testing
