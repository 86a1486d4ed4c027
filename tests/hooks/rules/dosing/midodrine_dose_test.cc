// midodrine-dose: at most 10 mg a dose and 4 doses a day. Table-driven over boundaries,
// units, timing codes and repeats, ranges, as needed, instructions taken together, doses
// that cannot be read, order-select vs order-sign and medicationReference.
#include <gtest/gtest.h>

#include "tests/hooks/rules/dose_test_util.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing {
namespace {

using namespace dose;  // NOLINT(build/namespaces): the builders read as a table

constexpr char kRule[] = "midodrine-dose";
constexpr char kSelect[] = "neuropathy-order-select";
constexpr char kSign[] = "neuropathy-order-sign";
constexpr char kMido10[] = "993462";  // midodrine hydrochloride 10 MG Oral Tablet (SCD)
constexpr char kMido5[] = "993470";   // midodrine hydrochloride 5 MG Oral Tablet (SCD)

struct Case {
  std::string name;
  std::string instructions;
  std::string indicator;  // "" = no card
  std::string in_summary = "";
};

class MidodrineDoseTable : public ::testing::TestWithParam<Case> {};

void Expect(const HookResponse& r, const Case& c) {
  ExpectDoseCard(r, kRule, c.indicator, c.in_summary);
}

TEST_P(MidodrineDoseTable, OrderSign) {
  HookHarness& h = SharedHarness();
  Expect(h.Call(kSign, RequestBuilder("order-sign")
                           .DraftOrder(Draft("m1", kMido10,
                                             std::vector<std::string>{GetParam().instructions}))),
         GetParam());
}

TEST_P(MidodrineDoseTable, OrderSelect) {
  HookHarness& h = SharedHarness();
  Expect(h.Call(kSelect, RequestBuilder("order-select")
                             .DraftOrder(Draft("m1", kMido5,
                                               std::vector<std::string>{GetParam().instructions}))),
         GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MidodrineDoseTable,
    ::testing::Values(
        // Boundaries: 10 mg four times a day is fine.
        Case{"TenMgQid", Mg(10, Code("QID")), ""},
        Case{"TenMgFourTimesADay", Mg(10, TimesADay(4)), ""},
        Case{"TenMgTid", Mg(10, Code("TID")), ""},
        Case{"TenMgEvery6Hours", Mg(10, Repeat(1, 6, "h")), ""},
        Case{"FiveMgBid", Mg(5, Code("BID")), ""},
        Case{"TwelvePointFiveMg", Mg(12.5, Code("TID")), "warning",
             "12.5 mg a dose is above 10 mg"},
        Case{"TenPointOneMg", Mg(10.1, Code("TID")), "warning", "10.1 mg a dose"},
        Case{"FiveTimesADay", Mg(10, TimesADay(5)), "warning", "5 doses a day is more than 4"},
        Case{"Q4hIsSix", Mg(5, Code("Q4H")), "warning", "6 doses a day is more than 4"},
        Case{"Every4HoursIsSix", Mg(5, Repeat(1, 4, "h")), "warning", "6 doses a day"},
        Case{"BothAboveLimits", Mg(15, TimesADay(5)), "warning", "15 mg a dose is above 10 mg; 5"},
        // Units and shapes.
        Case{"Grams", Instr({DoseArray(Amount(0.01, "g")), Code("TID")}), ""},
        Case{"GramsAbove", Instr({DoseArray(Amount(0.015, "g")), Code("TID")}), "warning",
             "15 mg a dose"},
        Case{"Micrograms", Instr({DoseArray(Amount(10000, "ug")), Code("QID")}), ""},
        Case{"DoseAndRateObject", Instr({DoseObject(Amount(10)), Code("TID")}), ""},
        Case{"Stu3DoseQuantity", Instr({Stu3Dose(Amount(20)), Code("TID")}), "warning",
             "20 mg a dose"},
        Case{"RangeInside", Instr({DoseRange(Amount(5), Amount(10)), Code("TID")}), ""},
        Case{"RangeHighEndAbove", Instr({DoseRange(Amount(5), Amount(15)), Code("TID")}), "warning",
             "up to 15 mg a dose"},
        Case{
            "FrequencyMaxAbove",
            Instr(
                {DoseArray(Amount(10)),
                 R"("timing":{"repeat":{"frequency":3,"frequencyMax":5,"period":1,"periodUnit":"d"}})"}),
            "warning", "5 doses a day"},
        // As needed: the most allowed counts.
        Case{"AsNeededQ6h",
             Instr({DoseArray(Amount(10)), Code("Q6H"), R"("asNeededBoolean":true)"}), ""},
        Case{"AsNeededQ4h",
             Instr({DoseArray(Amount(10)), Code("Q4H"), R"("asNeededBoolean":true)"}), "warning",
             "6 doses a day"},
        // Instructions taken together add their doses a day.
        Case{"ThreeDaytimeDoses",
             Mg(10, When(R"("MORN")")) + "," + Mg(10, When(R"("NOON")")) + "," +
                 Mg(10, When(R"("AFT")")),
             ""},
        Case{"FiveDosesInTwoInstructions", Mg(10, Code("TID")) + "," + Mg(5, Code("BID")),
             "warning", "5 doses a day"},
        // Not readable: an info card.
        Case{"Tablets", Instr({Tablets(1), Code("TID")}), "info", "not checked"},
        Case{"NoFrequency", Instr({DoseArray(Amount(10))}), "info", "no frequency"},
        Case{"AsNeededWithoutFrequency",
             Instr({DoseArray(Amount(10)), R"("asNeededBoolean":true)"}), "info", "no frequency"},
        Case{"TabletsTooOften", Instr({Tablets(1), TimesADay(6)}), "warning", "6 doses a day"}),
    [](const auto& row) { return row.param.name; });

TEST(MidodrineDoseTest, NoDosageInstructionsIsInfo) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(
      kSign, RequestBuilder("order-sign").DraftOrder(RxMedicationRequest("m1", kMido10, "draft")));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_STREQ((*card)["indicator"].GetString(), "info");
}

TEST(MidodrineDoseTest, IngredientPinAndAtcMatch) {
  for (const char* code : {"6963", "993491", "993466"}) {
    HookHarness& h = SharedHarness();
    auto r = h.Call(
        kSign, RequestBuilder("order-sign").DraftOrder(Draft("m1", code, Mg(20, Code("TID")))));
    EXPECT_EQ(r.Cards(kRule).size(), 1u) << code << ": " << r.body;
  }
  HookHarness& h = SharedHarness();
  std::string atc =
      R"({"resourceType":"MedicationRequest","id":"m1","status":"draft","intent":"order",
    "medicationCodeableConcept":{"coding":[{"system":"http://www.whocc.no/atc","code":"C01CA17"}]},
    "subject":{"reference":"Patient/p1"},"dosageInstruction":[)" +
      Mg(20, Code("TID")) + "]}";
  EXPECT_EQ(h.Call(kSign, RequestBuilder("order-sign").DraftOrder(atc)).Cards(kRule).size(), 1u);
}

TEST(MidodrineDoseTest, OrderSelectOnlySelected) {
  HookHarness& h = SharedHarness();
  auto r =
      h.Call(kSelect, RequestBuilder("order-select")
                          .DraftOrder(Draft("m1", kMido10, Mg(20, Code("QID"))), /*selected=*/false)
                          .DraftOrder(Draft("m2", kMido5, Mg(5, Code("TID"))), /*selected=*/true));
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(MidodrineDoseTest, OrderSignEveryDraft) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSign, RequestBuilder("order-sign")
                             .DraftOrder(Draft("m1", kMido10, Mg(20, Code("QID"))))
                             .DraftOrder(Draft("m2", kMido5, Mg(5, Code("Q4H"))))
                             .DraftOrder(Draft("m3", kMido5, Mg(5, Code("TID")))));
  EXPECT_EQ(r.Cards(kRule).size(), 2u) << r.body;
}

TEST(MidodrineDoseTest, MedicationReferenceContainedAndInBundle) {
  HookHarness& h = SharedHarness();
  auto contained =
      h.Call(kSelect, RequestBuilder("order-select")
                          .DraftOrder(DraftByReference("m1", "#med", Mg(12.5, Code("TID")),
                                                       RxMedication("med", kMido10))));
  EXPECT_EQ(contained.Cards(kRule).size(), 1u) << contained.body;
  auto bundle =
      h.Call(kSign, RequestBuilder("order-sign")
                        .DraftOrder(RxMedication("med", kMido10))
                        .DraftOrder(DraftByReference("m1", "Medication/med", Mg(10, Code("Q2H")))));
  EXPECT_EQ(bundle.Cards(kRule).size(), 1u) << bundle.body;
}

TEST(MidodrineDoseTest, CardTextNamesLimitsAndBedtimeAdvice) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(
      kSign, RequestBuilder("order-sign").DraftOrder(Draft("m1", kMido10, Mg(12.5, Code("QID")))));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  std::string detail = (*card)["detail"].GetString();
  EXPECT_NE(detail.find("at most 10 mg a dose, at most 4 doses a day"), std::string::npos)
      << detail;
  EXPECT_NE(detail.find("4 hours before bedtime"), std::string::npos) << detail;
  EXPECT_NE(detail.find("MedicationRequest/m1"), std::string::npos) << detail;
}

}  // namespace
}  // namespace cds::testing

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kMidodrineDoseConfig = ConfigCases(
    "midodrine-dose",
    {{"MisspeltKey", "/summaries", R"("x")",
      "$.summaries: unknown setting for this rule (misspelt?)"},
     {"DailyDoseIsNotThisRulesCheck", "/drugs/0/daily_dose", R"({"max":30,"unit":"mg"})",
      "$.drugs[0].daily_dose: unknown setting for this rule (misspelt, or a check this rule does "
      "not make)"},
     {"SingleMaxZero", "/drugs/0/single_dose/max", "0", "$.drugs[0].single_dose.max: must be > 0"},
     {"SingleUnitNotAMass", "/drugs/0/single_dose/unit", R"("tablet")",
      "$.drugs[0].single_dose.unit: must be a mass (mg, g, ug)"},
     {"AdministrationsZero", "/drugs/0/max_administrations_per_day", "0",
      "$.drugs[0].max_administrations_per_day: must be 1-48"},
     {"AdministrationsTooMany", "/drugs/0/max_administrations_per_day", "49",
      "$.drugs[0].max_administrations_per_day: must be 1-48"},
     {"AdministrationsFraction", "/drugs/0/max_administrations_per_day", "1.5",
      "$.drugs[0].max_administrations_per_day: must be an integer"},
     {"NoDrugs", "/drugs", "[]", "$.drugs: must list at least one drug"}});

INSTANTIATE_TEST_SUITE_P(MidodrineDoseConfig, RuleConfigTest,
                         ::testing::ValuesIn(kMidodrineDoseConfig), ConfigCaseName);

TEST(MidodrineDoseConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("midodrine-dose", kMidodrineDoseConfig);
}

}  // namespace
}  // namespace cds::testing
