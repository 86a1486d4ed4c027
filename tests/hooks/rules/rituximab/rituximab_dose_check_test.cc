// rituximab-dose-check: 375 mg/m2 (Mosteller BSA, within 10 %) or 1000 mg. Table-driven
// over the edges (BSA from cm/kg and from in/lb), units, per-m2 doses, missing and stale
// measurements, unreadable doses, data unavailability, order-select vs order-sign,
// subcutaneous rituximab and medicationReference.
#include <cmath>

#include <gtest/gtest.h>

#include "tests/hooks/rules/dose_test_util.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing {
namespace {

using namespace dose;  // NOLINT(build/namespaces): the builders read as a table

constexpr char kRule[] = "rituximab-dose-check";
constexpr char kSelect[] = "rituximab-safety-order-select";
constexpr char kSign[] = "rituximab-safety-order-sign";
constexpr char kTruxima[] = "2105831";    // 10 ML rituximab-abbs 10 MG/ML Injection [Truxima] (SBD)
constexpr char kRituxan50[] = "1657868";  // 50 ML rituximab 10 MG/ML Injection [Rituxan] (SBD)
constexpr char kHycela[] =
    "1927890";  // rituximab/hyaluronidase SC [Rituxan Hycela] (SBD): excluded
constexpr char kRecent[] = "2026-11-01";
constexpr char kOld[] = "2026-08-24";  // more than 3 months before 2026-11-25

std::string Height(double v, const char* unit = "cm", const char* date = kRecent,
                   const char* id = "h") {
  return LoincObservation(id, "8302-2", date, Quantity(v, unit));
}
std::string Weight(double v, const char* unit = "kg", const char* date = kRecent,
                   const char* id = "w") {
  return LoincObservation(id, "29463-7", date, Quantity(v, unit));
}
// 180 cm and 80 kg: BSA exactly 2.00 m2, 375 mg/m2 = 750 mg, 10 % = 675-825 mg.
const std::vector<std::string> kBsa2 = {Height(180), Weight(80)};

std::string Once() { return R"("timing":{"repeat":{"count":1}})"; }
std::string RituximabOrder(double mg, const char* unit = "mg", const char* rxnorm = kTruxima) {
  return Draft("r1", rxnorm, Instr({DoseArray(Amount(mg, unit)), Once()}));
}

struct Case {
  std::string name;
  std::string order;
  std::vector<std::string> measurements;  // bodyMeasurements; empty = none on file
  std::string indicator;                  // "" = no card
  std::string in_summary = "";
};

class RituximabDoseTable : public ::testing::TestWithParam<Case> {};

void Expect(const HookResponse& r, const Case& c) {
  ExpectDoseCard(r, kRule, c.indicator, c.in_summary);
}

TEST_P(RituximabDoseTable, OrderSelect) {
  HookHarness& h = SharedHarness();
  Expect(h.Call(kSelect, RequestBuilder("order-select")
                             .DraftOrder(GetParam().order)
                             .Prefetch("bodyMeasurements", GetParam().measurements)),
         GetParam());
}

TEST_P(RituximabDoseTable, OrderSign) {
  HookHarness& h = SharedHarness();
  Expect(h.Call(kSign, RequestBuilder("order-sign")
                           .DraftOrder(GetParam().order)
                           .Prefetch("bodyMeasurements", GetParam().measurements)),
         GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RituximabDoseTable,
    ::testing::Values(
        // 375 mg/m2 for BSA 2.00 m2: 750 mg, edges 675 and 825 included.
        Case{"Exactly375PerM2", RituximabOrder(750), kBsa2, ""},
        Case{"LowEdge", RituximabOrder(675), kBsa2, ""},
        Case{"HighEdge", RituximabOrder(825), kBsa2, ""},
        Case{"BelowLowEdge", RituximabOrder(674), kBsa2, "warning", "674 mg fits no regimen"},
        Case{"AboveHighEdge", RituximabOrder(826), kBsa2, "warning", "826 mg"},
        Case{"FarTooHigh", RituximabOrder(2000), kBsa2, "warning",
             "750 mg for 2.00 m2: 675-825 mg"},
        // 1000 mg is exact, and needs no height or weight.
        Case{"Fixed1000", RituximabOrder(1000), kBsa2, ""},
        Case{"Fixed1000WithoutMeasurements", RituximabOrder(1000), {}, ""},
        Case{"Fixed1000InGrams", RituximabOrder(1, "g"), {}, ""},
        Case{"NearlyFixed999", RituximabOrder(999), kBsa2, "warning", "999 mg"},
        Case{"NearlyFixed1001", RituximabOrder(1001), kBsa2, "warning", "1001 mg"},
        Case{"MgInGrams", RituximabOrder(0.75, "g"), kBsa2, ""},
        // Dose written per m2: compared directly, no measurements needed.
        Case{"PerM2Exactly375", RituximabOrder(375, "mg/m2"), {}, ""},
        Case{"PerM2LowEdge", RituximabOrder(337.5, "mg/m2"), {}, ""},
        Case{"PerM2HighEdge", RituximabOrder(412.5, "mg/m2"), {}, ""},
        Case{"PerM2Below", RituximabOrder(337, "mg/m2"), {}, "warning", "337 mg/m2"},
        Case{"PerM2Above", RituximabOrder(500, "mg/m2"), {}, "warning", "500 mg/m2"},
        // Height and weight in other units: 1.8 m and 80000 g are 2.00 m2 as well.
        Case{"MetresAndGrams", RituximabOrder(750), {Height(1.8, "m"), Weight(80000, "g")}, ""},
        Case{"MetresAndGramsAbove",
             RituximabOrder(826),
             {Height(1.8, "m"), Weight(80000, "g")},
             "warning",
             "826 mg"},
        // Latest measurement wins.
        Case{"LatestWeightUsed",
             RituximabOrder(750),
             {Height(180), Weight(60, "kg", "2026-10-01", "w-old"),
              Weight(80, "kg", "2026-11-20", "w-new")},
             ""},
        // Missing or unusable measurements: info, the dose is not checked.
        Case{"NoMeasurements", RituximabOrder(750), {}, "info", "could not be checked"},
        Case{"NoHeight", RituximabOrder(750), {Weight(80)}, "info", "no height on file"},
        Case{"NoWeight", RituximabOrder(750), {Height(180)}, "info", "no weight on file"},
        Case{"StaleWeight",
             RituximabOrder(750),
             {Height(180), Weight(80, "kg", kOld)},
             "info",
             "older than 3 months"},
        Case{"ImplausibleWeight",
             RituximabOrder(750),
             {Height(180), Weight(80, "g")},
             "info",
             "implausible"},
        Case{"WeightWithoutUnit",
             RituximabOrder(750),
             {Height(180),
              LoincObservation("w", "29463-7", kRecent, R"("valueQuantity":{"value":80})")},
             "info",
             "no value in a known unit"},
        Case{"OldHeightIsFine",
             RituximabOrder(750),
             {Height(180, "cm", "2019-01-01"), Weight(80)},
             ""},
        // Unreadable dose: info.
        Case{"DoseInMillilitres", RituximabOrder(75, "mL"), kBsa2, "info", "75 mL"},
        Case{"DosePerKg", RituximabOrder(10, "mg/kg"), kBsa2, "info", "per kg"},
        Case{"NoDosage", RxMedicationRequest("r1", kTruxima, "draft"), kBsa2, "info",
             "no dosage instructions"},
        // Shapes: object doseAndRate, STU3 dose, day 1 and day 15 instructions.
        Case{"DoseAndRateObject", Draft("r1", kRituxan50, Instr({DoseObject(Amount(750)), Once()})),
             kBsa2, ""},
        Case{"Stu3Dose", Draft("r1", kRituxan50, Instr({Stu3Dose(Amount(600)), Once()})), kBsa2,
             "warning", "600 mg"},
        Case{"Day1AndDay15",
             Draft("r1", kTruxima,
                   std::vector<std::string>{
                       Instr({R"("sequence":1)", DoseArray(Amount(1000)), Once()}),
                       Instr({R"("sequence":2)", DoseArray(Amount(1000)), Once()})}),
             {},
             ""},
        // Subcutaneous rituximab has its own fixed doses.
        Case{"HycelaExcluded", RituximabOrder(1400, "mg", kHycela), kBsa2, ""}),
    [](const auto& row) { return row.param.name; });

// BSA from inches and pounds: the edges of 375 mg/m2 +- 10 %.
TEST(RituximabDoseCheckTest, InchesAndPoundsAtTheEdges) {
  const double inches = 70, pounds = 160;
  const double bsa = std::sqrt(inches * 2.54 * pounds * 0.45359237 / 3600);  // Mosteller, converted
  const double expected = 375 * bsa;
  struct Row {
    double mg;
    bool fires;
  } rows[] = {{expected, false},
              {expected * 0.9 + 0.01, false},
              {expected * 1.1 - 0.01, false},
              {expected * 0.9 - 0.5, true},
              {expected * 1.1 + 0.5, true}};
  for (const Row& row : rows) {
    HookHarness& h = SharedHarness();
    auto r = h.Call(kSelect, RequestBuilder("order-select")
                                 .DraftOrder(RituximabOrder(row.mg))
                                 .Prefetch("bodyMeasurements",
                                           {Height(inches, "[in_i]"), Weight(pounds, "[lb_av]")}));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Cards(kRule).size(), row.fires ? 1u : 0u)
        << row.mg << " mg vs expected " << expected << ": " << r.body;
  }
  // Unit text as EHRs send it ("in", "lbs") converts too.
  HookHarness& h = SharedHarness();
  auto text_units = h.Call(
      kSelect, RequestBuilder("order-select")
                   .DraftOrder(RituximabOrder(expected * 1.1 + 0.5))
                   .Prefetch("bodyMeasurements",
                             {LoincObservation("h", "8302-2", kRecent,
                                               R"("valueQuantity":{"value":70,"unit":"in"})"),
                              LoincObservation("w", "29463-7", kRecent,
                                               R"("valueQuantity":{"value":160,"unit":"lbs"})")}));
  EXPECT_EQ(text_units.Cards(kRule).size(), 1u) << text_units.body;
}

TEST(RituximabDoseCheckTest, CardShowsExpectedDoseAndEvidence) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSign, RequestBuilder("order-sign")
                             .DraftOrder(RituximabOrder(500))
                             .Prefetch("bodyMeasurements", kBsa2));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr) << r.body;
  EXPECT_STREQ((*card)["indicator"].GetString(), "warning");
  std::string detail = (*card)["detail"].GetString();
  EXPECT_NE(detail.find("**750 mg**"), std::string::npos) << detail;
  EXPECT_NE(detail.find("675-825 mg"), std::string::npos) << detail;
  EXPECT_NE(detail.find("2.00 m2"), std::string::npos) << detail;
  EXPECT_NE(detail.find("height 180 cm, weight 80 kg"), std::string::npos) << detail;
  EXPECT_NE(detail.find("MedicationRequest/r1"), std::string::npos) << detail;
  EXPECT_NE(detail.find("Observation/h"), std::string::npos) << detail;
  EXPECT_NE(detail.find("Observation/w"), std::string::npos) << detail;
  EXPECT_GE((*card)["overrideReasons"].Size(), 1u);
}

TEST(RituximabDoseCheckTest, MeasurementsUnavailableGiveNoFalseCard) {
  // An OperationOutcome for bodyMeasurements, and no prefetch at all without a FHIR server.
  std::vector<RequestBuilder> requests;
  requests.push_back(
      RequestBuilder("order-select")
          .DraftOrder(RituximabOrder(500))
          .PrefetchRaw(
              "bodyMeasurements",
              R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]})"));
  requests.push_back(RequestBuilder("order-select")
                         .DraftOrder(RituximabOrder(500))
                         .LeaveAbsent("bodyMeasurements"));
  for (const RequestBuilder& b : requests) {
    HookHarness& h = SharedHarness();
    auto r = h.Call(kSelect, b);
    EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
    if (r.status == 200) {  // other rituximab rules fired: the unchecked dose is named instead
      EXPECT_NE(r.body.find("data-unavailable"), std::string::npos) << r.body;
      EXPECT_NE(r.body.find("Rituximab dose check: bodyMeasurements"), std::string::npos) << r.body;
    } else {
      EXPECT_EQ(r.status, 412) << r.body;
      EXPECT_NE(r.body.find("bodyMeasurements"), std::string::npos) << r.body;
    }
  }
}

TEST(RituximabDoseCheckTest, FixedDoseNeedsNoMeasurementsEvenWhenUnavailable) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSelect, RequestBuilder("order-select")
                               .DraftOrder(RituximabOrder(1000))
                               .LeaveAbsent("bodyMeasurements"));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_EQ(r.body.find("Rituximab dose check: bodyMeasurements"), std::string::npos) << r.body;
}

TEST(RituximabDoseCheckTest, MeasurementsFetchedFromFhirServer) {
  std::string bundle = R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":)" +
                       Height(180) + R"(},{"resource":)" + Weight(80) + "}]}";
  auto client =
      std::make_unique<FakeFhirClient>(std::map<std::string, std::string>{{"29463-7", bundle}});
  HookHarness h("2026-11-25T12:00:00Z", "", {}, std::move(client));
  auto r = h.Call(kSelect, RequestBuilder("order-select")
                               .FhirServer("https://ehr.example.org/fhir")
                               .DraftOrder(RituximabOrder(600))
                               .LeaveAbsent("bodyMeasurements"));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr) << r.body;
  EXPECT_NE(std::string((*card)["detail"].GetString()).find("**750 mg**"), std::string::npos);
}

TEST(RituximabDoseCheckTest, OrderSelectOnlySelected) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSelect,
                  RequestBuilder("order-select")
                      .DraftOrder(RituximabOrder(500), /*selected=*/false)
                      .DraftOrder(RxMedicationRequest("a1", "617993", "draft"), /*selected=*/true)
                      .Prefetch("bodyMeasurements", kBsa2));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(RituximabDoseCheckTest, OrderSignEveryDraft) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSign,
                  RequestBuilder("order-sign")
                      .DraftOrder(Draft("r1", kTruxima, Instr({DoseArray(Amount(500)), Once()})))
                      .DraftOrder(Draft("r2", kRituxan50, Instr({DoseArray(Amount(1000)), Once()})))
                      .DraftOrder(Draft("r3", kRituxan50, Instr({DoseArray(Amount(1500)), Once()})))
                      .Prefetch("bodyMeasurements", kBsa2));
  EXPECT_EQ(r.Cards(kRule).size(), 2u) << r.body;
}

TEST(RituximabDoseCheckTest, MedicationReference) {
  HookHarness& h = SharedHarness();
  auto contained = h.Call(
      kSelect, RequestBuilder("order-select")
                   .DraftOrder(DraftByReference("r1", "#m", Instr({DoseArray(Amount(500)), Once()}),
                                                RxMedication("m", "121191")))
                   .Prefetch("bodyMeasurements", kBsa2));
  EXPECT_EQ(contained.Cards(kRule).size(), 1u) << contained.body;
  auto hycela =
      h.Call(kSign, RequestBuilder("order-sign")
                        .DraftOrder(RxMedication("m", kHycela))
                        .DraftOrder(DraftByReference("r1", "Medication/m",
                                                     Instr({DoseArray(Amount(1400)), Once()})))
                        .Prefetch("bodyMeasurements", kBsa2));
  EXPECT_TRUE(hycela.Cards(kRule).empty()) << hycela.body;
}

}  // namespace
}  // namespace cds::testing

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kRituximabDoseCheckConfig = ConfigCases(
    "rituximab-dose-check",
    {{"MisspeltKey", "/regimen", "[]", "$.regimen: unknown setting for this rule (misspelt?)"},
     {"PlausibleHeightReversed", "/plausible_height_cm/min", "300",
      "$.plausible_height_cm: needs 0 < min < max"},
     {"PlausibleWeightZero", "/plausible_weight_kg/min", "0",
      "$.plausible_weight_kg: needs 0 < min < max"},
     {"NoRegimens", "/regimens", "[]", "$.regimens: must list at least one regimen"},
     {"RegimenPerM2AndFixed", "/regimens/0/fixed", R"({"value":1000,"unit":"mg"})",
      "$.regimens[0]: needs exactly one of per_m2 and fixed"},
     {"PerM2Zero", "/regimens/0/per_m2/value", "0", "$.regimens[0].per_m2.value: must be > 0"},
     {"PerM2NotAMass", "/regimens/0/per_m2/unit", R"("mL")",
      "$.regimens[0].per_m2.unit: must be a mass (mg, g, ug)"},
     {"FixedZero", "/regimens/1/fixed/value", "0", "$.regimens[1].fixed.value: must be > 0"},
     {"FixedNotAMass", "/regimens/1/fixed/unit", R"("IU")",
      "$.regimens[1].fixed.unit: must be a mass (mg, g, ug)"},
     {"ToleranceFifty", "/regimens/0/tolerance_percent", "50",
      "$.regimens[0].tolerance_percent: must be 0 to < 50"},
     {"ToleranceNegative", "/regimens/1/tolerance_percent", "-1",
      "$.regimens[1].tolerance_percent: must be 0 to < 50"},
     {"HeightValidForNotADuration", "/height_valid_for", R"("3 months")",
      "$.height_valid_for: '3 months' is not a duration like 12mo, 90d, 2w or 5y"}});

INSTANTIATE_TEST_SUITE_P(RituximabDoseCheckConfig, RuleConfigTest,
                         ::testing::ValuesIn(kRituximabDoseCheckConfig), ConfigCaseName);

TEST(RituximabDoseCheckConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("rituximab-dose-check", kRituximabDoseCheckConfig);
}

}  // namespace
}  // namespace cds::testing
