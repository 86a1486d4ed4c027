// igm-flare-risk: rituximab with latest serum IgM >= 4 g/dL, in every unit and comparator.
#include <gtest/gtest.h>

#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing {
namespace {

constexpr char kRule[] = "igm-flare-risk";
constexpr char kSelect[] = "rituximab-safety-order-select";
constexpr char kView[] = "rituximab-safety-patient-view";
constexpr char kTruxima[] = "2105831";

std::string Igm(std::string_view id, std::string_view date, std::string_view value_member,
                std::string_view status = "final") {
  return LoincObservation(id, "2472-9", date, value_member, status);
}

struct Case {
  std::string name;
  std::vector<std::string> igm;
  bool fires;
};

class IgmFlareTable : public ::testing::TestWithParam<Case> {};

TEST_P(IgmFlareTable, OrderSelect) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSelect, RequestBuilder("order-select")
                               .DraftOrder(RxMedicationRequest("rtx", kTruxima, "draft"))
                               .Prefetch("igm", c.igm));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards(kRule).size(), c.fires ? 1u : 0u) << r.body;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, IgmFlareTable,
    ::testing::Values(
        Case{"ExactlyFourGramsPerDecilitre", {Igm("a", "2026-10-01", Quantity(4, "g/dL"))}, true},
        Case{"JustBelowInGramsPerDecilitre",
             {Igm("a", "2026-10-01", Quantity(3.99, "g/dL"))},
             false},
        Case{"FourThousandMgPerDecilitre", {Igm("a", "2026-10-01", Quantity(4000, "mg/dL"))}, true},
        Case{"ThirtyNineHundredNinetyNineMgPerDecilitre",
             {Igm("a", "2026-10-01", Quantity(3999, "mg/dL"))},
             false},
        Case{"FortyGramsPerLitre", {Igm("a", "2026-10-01", Quantity(40, "g/L"))}, true},
        Case{"ThirtyNineGramsPerLitre", {Igm("a", "2026-10-01", Quantity(39, "g/L"))}, false},
        Case{"FortyThousandMgPerLitre", {Igm("a", "2026-10-01", Quantity(40000, "mg/L"))}, true},
        Case{"UnitOnlyAsTextMgPerDl",
             {Igm("a", "2026-10-01", R"("valueQuantity":{"value":5200,"unit":"mg/dl"})")},
             true},
        Case{"NoUnitIsNeverAssumed",
             {Igm("a", "2026-10-01", R"("valueQuantity":{"value":5200})")},
             false},
        Case{"GreaterThanComparatorAboveThreshold",
             {Igm("a", "2026-10-01", Quantity(5, "g/dL", ">"))},
             true},
        Case{"LessThanComparatorLeavesItOpen",
             {Igm("a", "2026-10-01", Quantity(5, "g/dL", "<"))},
             false},
        Case{"LessThanComparatorBelow", {Igm("a", "2026-10-01", Quantity(3, "g/dL", "<"))}, false},
        Case{"LatestDecides",
             {Igm("old", "2025-01-01", Quantity(6, "g/dL")),
              Igm("new", "2026-10-01", Quantity(2, "g/dL"))},
             false},
        Case{"LatestHighAfterLowerOld",
             {Igm("old", "2025-01-01", Quantity(2, "g/dL")),
              Igm("new", "2026-10-01", Quantity(4.5, "g/dL"))},
             true},
        Case{"CancelledResultIgnored",
             {Igm("a", "2026-10-01", Quantity(6, "g/dL"), "cancelled")},
             false},
        Case{"CorrectedResultCounts",
             {Igm("a", "2026-10-01", Quantity(6, "g/dL"), "corrected")},
             true},
        Case{"NoIgmResult", {}, false}),
    [](const auto& row) { return row.param.name; });

TEST(IgmFlareRiskTest, CardShowsValueDateAndSuggestsPlasmapheresis) {
  HookHarness& h = SharedHarness();
  auto r =
      h.Call(kSelect, RequestBuilder("order-select")
                          .DraftOrder(RxMedicationRequest("rtx", kTruxima, "draft"))
                          .Prefetch("igm", {Igm("igm1", "2026-10-01", Quantity(4400, "mg/dL"))}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_STREQ((*card)["indicator"].GetString(), "warning");
  std::string summary = (*card)["summary"].GetString();
  EXPECT_NE(summary.find("4400 mg/dL"), std::string::npos) << summary;
  EXPECT_NE(summary.find("2026-10-01"), std::string::npos) << summary;
  std::string detail = (*card)["detail"].GetString();
  EXPECT_NE(detail.find("40-50%"), std::string::npos) << detail;
  EXPECT_NE(detail.find("bortezomib"), std::string::npos) << detail;
  EXPECT_NE(detail.find("Observation/igm1"), std::string::npos) << detail;
  const auto& sr = (*card)["suggestions"][0]["actions"][0]["resource"];
  EXPECT_STREQ(sr["resourceType"].GetString(), "ServiceRequest");
  EXPECT_STREQ(sr["code"]["coding"][0]["code"].GetString(), "20720000");
}

TEST(IgmFlareRiskTest, NotWithoutRituximab) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSelect, RequestBuilder("order-select")
                               .DraftOrder(RxMedicationRequest("a", "617993", "draft"))
                               .Prefetch("igm", {Igm("a", "2026-10-01", Quantity(6, "g/dL"))}));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(IgmFlareRiskTest, PatientViewWithRecentInfusion) {
  HookHarness& h = SharedHarness();
  std::string infusion =
      R"({"resourceType":"MedicationAdministration","id":"ma1","status":"completed",
    "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"121191"}]},
    "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-11-01T09:00:00Z"})";
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("medicationAdministrations", {infusion})
                             .Prefetch("igm", {Igm("a", "2026-10-01", Quantity(45, "g/L"))}));
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

TEST(IgmFlareRiskTest, IgmUnavailableAloneIs412) {
  HookHarness& h = SharedHarness();
  // Serology complete and negative, so IgM is the only open question.
  const std::string neg = SnomedValue("260385009");
  auto r = h.Call(
      kSelect, RequestBuilder("order-select")
                   .DraftOrder(RxMedicationRequest("rtx", kTruxima, "draft"))
                   .Prefetch("hbvSerology", {LoincObservation("s", "5196-1", "2026-10-01", neg),
                                             LoincObservation("c", "16933-4", "2026-10-01", neg),
                                             LoincObservation("b", "22322-2", "2026-10-01", neg)})
                   .LeaveAbsent("igm"));
  // No FHIR server in the request: IgM cannot be obtained. Either 412 or, if another rule
  // fired, an explicit "could not check" card -- never silence about IgM.
  if (r.status == 200) {
    EXPECT_FALSE(r.Cards("data-unavailable").empty()) << r.body;
  } else {
    EXPECT_EQ(r.status, 412) << r.body;
    EXPECT_NE(r.body.find("igm"), std::string::npos) << r.body;
  }
}

}  // namespace
}  // namespace cds::testing

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kIgmFlareRiskConfig = ConfigCases(
    "igm-flare-risk",
    {{"MisspeltKey", "/treshold", "{}", "$.treshold: unknown setting for this rule (misspelt?)"},
     {"ThresholdZero", "/threshold/value", "0", "$.threshold.value: must be > 0"},
     {"ThresholdNotANumber", "/threshold/value", R"("four")",
      "$.threshold.value: must be a number"},
     {"ThresholdNotAConcentration", "/threshold/unit", R"("%")",
      "$.threshold.unit: must be a mass concentration (g/dL, mg/dL, g/L, mg/L)"},
     {"ExposureUnknownValueSet", "/exposure/drugs", R"("ritux")",
      "$.exposure.drugs: unknown value set 'ritux'"},
     {"UnknownPlaceholder", "/summary", R"("IgM {igm}")",
      "$.summary: unknown placeholder {igm}; this rule provides: {value}, {date}, {threshold}"}});

INSTANTIATE_TEST_SUITE_P(IgmFlareRiskConfig, RuleConfigTest,
                         ::testing::ValuesIn(kIgmFlareRiskConfig), ConfigCaseName);

TEST(IgmFlareRiskConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("igm-flare-risk", kIgmFlareRiskConfig);
}

}  // namespace
}  // namespace cds::testing
