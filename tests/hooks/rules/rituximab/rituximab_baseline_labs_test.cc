// rituximab-baseline-labs: table-driven over which baseline tests exist, their dates
// (90 days +- a day, partial dates), statuses, forms (panel vs components, absolute vs
// percent CD19) and units, drafted tests, selection, and data availability. Real service,
// bundled knowledge, now = 2026-11-25T12:00Z: the 90-day window starts 2026-08-27T00:00Z.
#include <gtest/gtest.h>

#include "tests/hooks/rules/immunology_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::immuno {
namespace {

constexpr char kRule[] = "rituximab-baseline-labs";
const std::string kRecent = "2026-10-15";
const std::string kDraft = DraftMed("rtx", kTruxima);

std::string IgG(std::string_view date, std::string_view value = "",
                std::string_view status = "final") {
  return LoincObservation("igg", "2465-3", date, value.empty() ? Quantity(850, "mg/dL") : value,
                          status);
}
std::string IgA(std::string_view date) {
  return LoincObservation("iga", "2458-8", date, Quantity(2.1, "g/L"));
}
std::string IgM(std::string_view date) {
  return LoincObservation("igm", "2472-9", date, Quantity(310, "mg/dL"));
}
std::string CbcPanel(std::string_view date, std::string_view loinc = "58410-2") {
  return LoincObservation("cbc", loinc, date, R"("hasMember":[{"reference":"Observation/wbc"}])");
}
std::string Wbc(std::string_view date) {
  return LoincObservation("wbc", "6690-2", date, Quantity(6.1, "10*3/uL"));
}
std::string Hgb(std::string_view date) {
  return LoincObservation("hgb", "718-7", date, Quantity(13.2, "g/dL"));
}
std::string Plt(std::string_view date) {
  return LoincObservation("plt", "777-3", date, Quantity(250, "10*3/uL"));
}
std::string Cd19(std::string_view date, std::string_view loinc = "8116-6") {
  return LoincObservation("cd19", loinc, date,
                          loinc == "8116-6" ? Quantity(220, "/uL") : Quantity(11, "%"));
}

struct Case {
  std::string name;
  std::vector<std::string> igs;
  std::vector<std::string> cbc;
  std::vector<std::string> cd19;
  std::string missing;  // "" = no card; else the summary's list of missing tests
};

const std::vector<std::string> kIgs = {IgG(kRecent), IgA(kRecent), IgM(kRecent)};
const std::vector<std::string> kCbc = {CbcPanel(kRecent)};
const std::vector<std::string> kCd19 = {Cd19(kRecent)};

class RituximabBaselineLabsTable : public ::testing::TestWithParam<Case> {};

void Check(const Case& c, const HookResponse& r) {
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  if (c.missing.empty()) {
    EXPECT_TRUE(cards.empty()) << r.body;
    return;
  }
  ASSERT_EQ(cards.size(), 1u) << r.body;
  EXPECT_EQ(Str(*cards[0], "indicator"), "info");
  EXPECT_EQ(Str(*cards[0], "summary"),
            "Before rituximab: " + c.missing + " not on file in the last 90 days");
}

TEST_P(RituximabBaselineLabsTable, OrderSelect) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  Check(c, h.Call(kRtxSelect, RequestBuilder("order-select")
                                  .DraftOrder(kDraft)
                                  .Prefetch("immunoglobulins", c.igs)
                                  .Prefetch("cbc", c.cbc)
                                  .Prefetch("cd19Cells", c.cd19)));
}

TEST_P(RituximabBaselineLabsTable, OrderSign) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  Check(c, h.Call(kRtxSign, RequestBuilder("order-sign")
                                .DraftOrder(kDraft)
                                .Prefetch("immunoglobulins", c.igs)
                                .Prefetch("cbc", c.cbc)
                                .Prefetch("cd19Cells", c.cd19)));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RituximabBaselineLabsTable,
    ::testing::Values(
        Case{"AllRecentNoCard", kIgs, kCbc, kCd19, ""},
        Case{"NothingOnFile", {}, {}, {}, "IgG, IgA, IgM, CBC, CD19+ B-cell count"},
        Case{"OnlyCd19Missing", kIgs, kCbc, {}, "CD19+ B-cell count"},
        Case{"OnlyCbcMissing", kIgs, {}, kCd19, "CBC"},
        Case{"OnlyIgAMissing", {IgG(kRecent), IgM(kRecent)}, kCbc, kCd19, "IgA"},
        // 90 days +- a day; partial dates must lie wholly inside.
        Case{"IgGExactly90DaysCounts",
             {IgG("2026-08-27"), IgA(kRecent), IgM(kRecent)},
             kCbc,
             kCd19,
             ""},
        Case{"IgG91DaysIsMissing",
             {IgG("2026-08-26"), IgA(kRecent), IgM(kRecent)},
             kCbc,
             kCd19,
             "IgG"},
        Case{"IgGAtEndOfDay91DaysIsMissing",
             {IgG("2026-08-26T23:59:00Z"), IgA(kRecent), IgM(kRecent)},
             kCbc,
             kCd19,
             "IgG"},
        Case{"MonthPrecisionStraddlingWindowIsMissing",
             {IgG("2026-08"), IgA(kRecent), IgM(kRecent)},
             kCbc,
             kCd19,
             "IgG"},
        Case{"MonthPrecisionInsideWindowCounts",
             {IgG("2026-09"), IgA(kRecent), IgM(kRecent)},
             kCbc,
             kCd19,
             ""},
        Case{"Cd19Exactly90DaysCounts", kIgs, kCbc, {Cd19("2026-08-27")}, ""},
        Case{"Cd19OlderIsMissing", kIgs, kCbc, {Cd19("2026-03-01")}, "CD19+ B-cell count"},
        // Statuses and unusable results.
        Case{"PreliminaryDoesNotCount",
             {IgG(kRecent, "", "preliminary"), IgA(kRecent), IgM(kRecent)},
             kCbc,
             kCd19,
             "IgG"},
        Case{"EnteredInErrorDoesNotCount",
             {IgG(kRecent, "", "entered-in-error"), IgA(kRecent), IgM(kRecent)},
             kCbc,
             kCd19,
             "IgG"},
        Case{"CorrectedCounts",
             {IgG(kRecent, "", "corrected"), IgA(kRecent), IgM(kRecent)},
             kCbc,
             kCd19,
             ""},
        Case{
            "DataAbsentReasonDoesNotCount",
            {IgG(kRecent,
                 R"("dataAbsentReason":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/data-absent-reason","code":"error"}]})"),
             IgA(kRecent), IgM(kRecent)},
            kCbc,
            kCd19,
            "IgG"},
        Case{"UndatedDoesNotCount", {IgG(""), IgA(kRecent), IgM(kRecent)}, kCbc, kCd19, "IgG"},
        Case{"ResultOfAnotherPatientIgnored",
             {LoincObservation("igg", "2465-3", kRecent, Quantity(850, "mg/dL"), "final", "other"),
              IgA(kRecent), IgM(kRecent)},
             kCbc,
             kCd19,
             "IgG"},
        // Each way a value is written / each unit: any result counts (values are not judged).
        Case{"IgGInGramsPerLitre",
             {IgG(kRecent, Quantity(8.5, "g/L")), IgA(kRecent), IgM(kRecent)},
             kCbc,
             kCd19,
             ""},
        Case{"IgGLowValueStillCounts",
             {IgG(kRecent, Quantity(150, "mg/dL", "<")), IgA(kRecent), IgM(kRecent)},
             kCbc,
             kCd19,
             ""},
        Case{"IgGAsString",
             {IgG(kRecent, R"("valueString":"850 mg/dL")"), IgA(kRecent), IgM(kRecent)},
             kCbc,
             kCd19,
             ""},
        // CBC: panel with or without differential, or all three component counts.
        Case{"CbcWithDifferentialPanel", kIgs, {CbcPanel(kRecent, "57021-8")}, kCd19, ""},
        Case{"CbcFromComponents", kIgs, {Wbc(kRecent), Hgb(kRecent), Plt(kRecent)}, kCd19, ""},
        Case{"CbcComponentsIncompleteIsMissing", kIgs, {Wbc(kRecent), Hgb(kRecent)}, kCd19, "CBC"},
        Case{"CbcComponentOutOfWindowIsMissing",
             kIgs,
             {Wbc(kRecent), Hgb(kRecent), Plt("2026-08-01")},
             kCd19,
             "CBC"},
        // CD19 as a percentage.
        Case{"Cd19Percent", kIgs, kCbc, {Cd19(kRecent, "8117-4")}, ""},
        Case{"Cd19PercentUnspecifiedSpecimen", kIgs, kCbc, {Cd19(kRecent, "20593-0")}, ""}),
    [](const auto& row) { return row.param.name; });

TEST(RituximabBaselineLabsTest, CardListsEvidenceAndSuggestsOrders) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kRtxSelect,
                  RequestBuilder("order-select")
                      .DraftOrder(kDraft)
                      .Prefetch("immunoglobulins", {IgG("2026-01-10"), IgA(kRecent), IgM(kRecent)})
                      .Prefetch("cbc", kCbc));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_TRUE(Contains(Str(*card, "summary"), "IgG, CD19+ B-cell count")) << Str(*card, "summary");
  std::string detail = Str(*card, "detail");
  for (const char* part :
       {"MedicationRequest/rtx", "Observation/igg", "2026-01-10", "older than 90 days",
        "Observation/iga", "No CD19+ B-cell count result on file",
        "Rule `rituximab-baseline-labs`"}) {
    EXPECT_TRUE(Contains(detail, part)) << part << "\n" << detail;
  }
  const auto& s = (*card)["suggestions"][0];
  ASSERT_EQ(s["actions"].Size(), 2u);
  EXPECT_STREQ(s["actions"][0]["resource"]["code"]["coding"][0]["code"].GetString(), "2465-3");
  EXPECT_STREQ(s["actions"][1]["resource"]["code"]["coding"][0]["code"].GetString(), "8116-6");
  EXPECT_STREQ(s["actions"][1]["resource"]["subject"]["reference"].GetString(), "Patient/p1");
  EXPECT_STREQ((*card)["source"]["topic"]["code"].GetString(), kRule);
}

TEST(RituximabBaselineLabsTest, TestDraftedInThisSessionIsNotMissing) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kRtxSign, RequestBuilder("order-sign")
                                .DraftOrder(kDraft)
                                .DraftOrder(DraftService("sr", "8116-6"))
                                .Prefetch("immunoglobulins", kIgs)
                                .Prefetch("cbc", kCbc));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(RituximabBaselineLabsTest, NotForOtherDrugsOrUnselectedRituximab) {
  HookHarness& h = SharedHarness();
  auto other =
      h.Call(kRtxSign, RequestBuilder("order-sign").DraftOrder(DraftMed("a", kAmoxicillin)));
  EXPECT_TRUE(other.Cards(kRule).empty()) << other.body;
  auto unselected =
      h.Call(kRtxSelect, RequestBuilder("order-select")
                             .DraftOrder(kDraft, /*selected=*/false)
                             .DraftOrder(DraftMed("a", kAmoxicillin), /*selected=*/true));
  EXPECT_TRUE(unselected.Cards(kRule).empty()) << unselected.body;
}

TEST(RituximabBaselineLabsTest, RituximabIngredientAndAtcTrigger) {
  for (const auto& [system, code] :
       std::vector<std::pair<std::string, std::string>>{{kRxNorm, kRituximab}, {kAtc, "L01FA01"}}) {
    HookHarness& h = SharedHarness();
    auto r =
        h.Call(kRtxSign, RequestBuilder("order-sign").DraftOrder(DraftMed("rtx", code, system)));
    EXPECT_EQ(r.Cards(kRule).size(), 1u) << code << ": " << r.body;
  }
}

void ExpectUndecided(const HookResponse& r) {
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_FALSE(Contains(r.body, "not on file in the last 90 days")) << r.body;
  if (r.status == 412) return;
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards("data-unavailable").size(), 1u) << r.body;
  EXPECT_TRUE(Contains(r.body, "Baseline labs before rituximab")) << r.body;
}

TEST(RituximabBaselineLabsTest, LabsUnavailableAreNotMissing) {
  for (const char* key : {"immunoglobulins", "cbc", "cd19Cells"}) {
    HookHarness& h = SharedHarness();
    ExpectUndecided(
        h.Call(kRtxSelect,
               RequestBuilder("order-select").DraftOrder(kDraft).PrefetchRaw(key, kUnavailable)));
  }
}

TEST(RituximabBaselineLabsTest, LabsAbsentWithoutFhirServerAreNotMissing) {
  HookHarness& h = SharedHarness();
  ExpectUndecided(
      h.Call(kRtxSign, RequestBuilder("order-sign").DraftOrder(kDraft).LeaveAbsent("cd19Cells")));
}

}  // namespace
}  // namespace cds::testing::immuno

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kRituximabBaselineLabsConfig = ConfigCases(
    "rituximab-baseline-labs",
    {{"MisspeltKey", "/test", "[]", "$.test: unknown setting for this rule (misspelt?)"},
     {"NoTests", "/tests", "[]", "$.tests: must list at least one test"},
     {"ComponentUnknownValueSet", "/tests/3/or_all_of/0", R"("nope")",
      "$.tests[3].or_all_of[0]: unknown value set 'nope'"},
     {"DataKeyMissing", "/tests/0/data_key", "", "$.tests[0].data_key: is required"},
     {"WindowNotADuration", "/window", R"("3 months")",
      "$.window: '3 months' is not a duration like 12mo, 90d, 2w or 5y"}});

INSTANTIATE_TEST_SUITE_P(RituximabBaselineLabsConfig, RuleConfigTest,
                         ::testing::ValuesIn(kRituximabBaselineLabsConfig), ConfigCaseName);

TEST(RituximabBaselineLabsConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("rituximab-baseline-labs", kRituximabBaselineLabsConfig);
}

}  // namespace
}  // namespace cds::testing
