// duloxetine-dose: table-driven over daily doses, boundaries, the ways a dose is written,
// doses that cannot be computed, order-select vs order-sign, and medicationReference.
// Every case runs the real service (bundled knowledge, fixed clock, validated responses).
#include <gtest/gtest.h>

#include "tests/hooks/rules/dose_test_util.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing {
namespace {

using namespace dose;  // NOLINT(build/namespaces): the builders read as a table

constexpr char kRule[] = "duloxetine-dose";
constexpr char kSelect[] = "neuropathy-order-select";
constexpr char kSign[] = "neuropathy-order-sign";
constexpr char kDulox60[] = "596934";     // duloxetine 60 MG Delayed Release Oral Capsule (SCD)
constexpr char kDulox30[] = "596930";     // duloxetine 30 MG Delayed Release Oral Capsule (SCD)
constexpr char kCymbalta20[] = "596928";  // duloxetine 20 MG ... [Cymbalta] (SBD)
constexpr char kPregabalin[] = "483440";  // pregabalin 150 MG Oral Capsule: not duloxetine

struct Case {
  std::string name;
  std::string instructions;     // dosageInstruction elements, comma-joined
  std::string indicator;        // "" = no card
  std::string in_summary = "";  // substring of the card summary
};

std::string Order(const std::string& instructions) {
  return RxMedicationRequest("d1", kDulox60, "draft", "",
                             R"("dosageInstruction":[)" + instructions + "]");
}

class DuloxetineDoseTable : public ::testing::TestWithParam<Case> {};

void Expect(const HookResponse& r, const Case& c) {
  ExpectDoseCard(r, kRule, c.indicator, c.in_summary);
}

TEST_P(DuloxetineDoseTable, OrderSelect) {
  HookHarness& h = SharedHarness();
  Expect(h.Call(kSelect, RequestBuilder("order-select").DraftOrder(Order(GetParam().instructions))),
         GetParam());
}

TEST_P(DuloxetineDoseTable, OrderSign) {
  HookHarness& h = SharedHarness();
  Expect(h.Call(kSign, RequestBuilder("order-sign").DraftOrder(Order(GetParam().instructions))),
         GetParam());
}

const std::string kEpicMultiple = Instr({R"("doseAndRate":[
    {"type":{"coding":[{"system":"http://epic.com/CodeSystem/dose-rate-type","code":"calculated"}]},"doseQuantity":)" +
                                             Amount(60) + R"(},
    {"type":{"coding":[{"system":"http://epic.com/CodeSystem/dose-rate-type","code":"admin-amount"}]},
     "doseQuantity":{"value":1,"unit":"capsule","system":"http://unitsofmeasure.org","code":"{capsule}"}}])",
                                         TimesADay(1)});

INSTANTIATE_TEST_SUITE_P(
    Cases, DuloxetineDoseTable,
    ::testing::Values(
        // Boundaries: 60 and 120 mg are inside; 59 and 121 are not.
        Case{"Exactly60", Mg(60, TimesADay(1)), ""}, Case{"Exactly120", Mg(120, TimesADay(1)), ""},
        Case{"Below59", Mg(59, TimesADay(1)), "warning", "59 mg a day is below"},
        Case{"Above121", Mg(121, TimesADay(1)), "warning", "121 mg a day is above"},
        // dose x frequency
        Case{"ThirtyMgTwiceADayIs60", Mg(30, TimesADay(2)), ""},
        Case{"TwentyMgThreeTimesADayIs60", Mg(20, TimesADay(3)), ""},
        Case{"SixtyMgTwiceADayIs120", Mg(60, TimesADay(2)), ""},
        Case{"SixtyMgThreeTimesADayIs180", Mg(60, TimesADay(3)), "warning",
             "180 mg a day is above"},
        Case{"ThirtyMgOnceADay", Mg(30, TimesADay(1)), "warning", "30 mg a day is below"},
        Case{"Every12Hours", Mg(30, Repeat(1, 12, "h")), ""},
        Case{"Every8HoursOf60", Mg(60, Repeat(1, 8, "h")), "warning", "180 mg"},
        // timing.code
        Case{"CodeBid", Mg(30, Code("BID")), ""}, Case{"CodeQd", Mg(60, Code("QD")), ""},
        Case{"CodeTid90", Mg(30, Code("TID")), ""},
        Case{"CodeQid", Mg(40, Code("QID")), "warning", "160 mg a day"},
        Case{"CodeTextOnly", Instr({DoseArray(Amount(60)), R"("timing":{"code":{"text":"BID"}})"}),
             ""},
        // units and shapes
        Case{"DoseAndRateObject", Instr({DoseObject(Amount(30)), TimesADay(2)}), ""},
        Case{"DoseAndRateObjectHigh", Instr({DoseObject(Amount(90)), TimesADay(2)}), "warning",
             "180 mg"},
        Case{"Stu3DoseQuantity", Instr({Stu3Dose(Amount(30)), TimesADay(1)}), "warning",
             "30 mg a day is below"},
        Case{"Grams", Instr({DoseArray(Amount(0.06, "g")), TimesADay(1)}), ""},
        Case{"GramsHigh", Instr({DoseArray(Amount(0.15, "g")), TimesADay(1)}), "warning",
             "150 mg a day"},
        Case{"Micrograms", Instr({DoseArray(Amount(60000, "ug")), TimesADay(1)}), ""},
        Case{"EpicMassAndCapsuleEntries", kEpicMultiple, ""},
        // ranges and as needed
        Case{"RangeInside", Instr({DoseRange(Amount(60), Amount(120)), TimesADay(1)}), ""},
        Case{"RangeHighEndAbove", Instr({DoseRange(Amount(60), Amount(150)), TimesADay(1)}),
             "warning", "up to 150 mg"},
        Case{"RangeLowEndBelow", Instr({DoseRange(Amount(30), Amount(60)), TimesADay(1)}),
             "warning", "30 mg a day"},
        Case{"AsNeededMaximumInside",
             Instr({DoseArray(Amount(30)), Code("Q6H"), R"("asNeededBoolean":true)"}), ""},
        Case{"AsNeededMaximumAbove",
             Instr({DoseArray(Amount(40)), Code("Q6H"), R"("asNeededBoolean":true)"}), "warning",
             "up to 160 mg"},
        // several instructions
        Case{"SplitDoseTakenTogether",
             Instr({DoseArray(Amount(30)), When(R"("MORN")")}) + "," +
                 Instr({DoseArray(Amount(30)), When(R"("EVE")")}),
             ""},
        Case{"TitrationThenTarget",
             Instr({R"("sequence":1)", DoseArray(Amount(30)), TimesADay(1)}) + "," +
                 Instr({R"("sequence":2)", DoseArray(Amount(60)), TimesADay(1)}),
             ""},
        Case{"TitrationNeverReachesTarget",
             Instr({R"("sequence":1)", DoseArray(Amount(20)), TimesADay(1)}) + "," +
                 Instr({R"("sequence":2)", DoseArray(Amount(30)), TimesADay(1)}),
             "warning", "step 2: 30 mg a day is below"},
        Case{"TitrationOvershoots",
             Instr({R"("sequence":1)", DoseArray(Amount(60)), TimesADay(1)}) + "," +
                 Instr({R"("sequence":2)", DoseArray(Amount(90)), TimesADay(2)}),
             "warning", "step 2: 180 mg"},
        // not computable: an info card, never a silent pass
        Case{"Capsules", Instr({Tablets(1), TimesADay(1)}), "info", "not checked"},
        Case{"Millilitres", Instr({DoseArray(Amount(5, "mL")), TimesADay(1)}), "info",
             "not checked"},
        Case{"NoFrequency", Instr({DoseArray(Amount(60))}), "info", "no frequency"},
        Case{"AsNeededWithoutFrequency",
             Instr({DoseArray(Amount(60)), R"("asNeededBoolean":true)"}), "info", "as needed"},
        Case{"EveryOtherDay", Mg(60, Code("QOD")), "info", "less often than daily"},
        Case{"PerBodyWeight", Instr({DoseArray(Amount(1, "mg/kg")), TimesADay(1)}), "info",
             "mg/kg"},
        Case{
            "TimingCodeDisagreesWithRepeat",
            Instr(
                {DoseArray(Amount(30)),
                 R"("timing":{"repeat":{"frequency":3,"period":1,"periodUnit":"d"},"code":{"coding":[{"code":"BID"}]}})"}),
            "info", "disagrees"}),
    [](const auto& row) { return row.param.name; });

TEST(DuloxetineDoseTest, NoDosageInstructionsIsInfo) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(
      kSign, RequestBuilder("order-sign").DraftOrder(RxMedicationRequest("d1", kDulox30, "draft")));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_STREQ((*card)["indicator"].GetString(), "info");
  EXPECT_NE(std::string((*card)["summary"].GetString()).find("no dosage instructions"),
            std::string::npos);
}

TEST(DuloxetineDoseTest, OtherDrugsAreIgnored) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(
      kSign,
      RequestBuilder("order-sign").DraftOrder(Draft("p1", kPregabalin, Mg(900, TimesADay(1)))));
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(DuloxetineDoseTest, EveryDuloxetineCodeMatches) {
  for (const char* code : {kDulox60, kDulox30, kCymbalta20, "72625", "2200183", "1652069"}) {
    HookHarness& h = SharedHarness();
    auto r = h.Call(
        kSign, RequestBuilder("order-sign").DraftOrder(Draft("d1", code, Mg(30, TimesADay(1)))));
    EXPECT_EQ(r.Cards(kRule).size(), 1u) << "RxNorm " << code << ": " << r.body;
  }
  HookHarness& h = SharedHarness();
  std::string atc =
      R"({"resourceType":"MedicationRequest","id":"d1","status":"draft","intent":"order",
    "medicationCodeableConcept":{"coding":[{"system":"http://www.whocc.no/atc","code":"N06AX21"}]},
    "subject":{"reference":"Patient/p1"},"dosageInstruction":[)" +
      Mg(30, TimesADay(1)) + "]}";
  EXPECT_EQ(h.Call(kSign, RequestBuilder("order-sign").DraftOrder(atc)).Cards(kRule).size(), 1u);
}

TEST(DuloxetineDoseTest, OrderSelectChecksOnlySelectedOrders) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(
      kSelect, RequestBuilder("order-select")
                   .DraftOrder(Draft("bad", kDulox60, Mg(60, TimesADay(3))), /*selected=*/false)
                   .DraftOrder(Draft("p1", kPregabalin, Mg(75, TimesADay(2))), /*selected=*/true));
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;

  auto selected = h.Call(
      kSelect, RequestBuilder("order-select")
                   .DraftOrder(Draft("bad", kDulox60, Mg(60, TimesADay(3))), /*selected=*/true)
                   .DraftOrder(Draft("ok", kDulox60, Mg(60, TimesADay(1))), /*selected=*/false));
  const auto* card = selected.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_NE(std::string((*card)["detail"].GetString()).find("MedicationRequest/bad"),
            std::string::npos);
}

TEST(DuloxetineDoseTest, OrderSignChecksEveryDraft) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSign, RequestBuilder("order-sign")
                             .DraftOrder(Draft("high", kDulox60, Mg(60, TimesADay(3))))
                             .DraftOrder(Draft("low", kDulox30, Mg(30, TimesADay(1))))
                             .DraftOrder(Draft("fine", kDulox30, Mg(30, TimesADay(2)))));
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  ASSERT_EQ(cards.size(), 2u) << r.body;
  std::string details =
      std::string((*cards[0])["detail"].GetString()) + (*cards[1])["detail"].GetString();
  EXPECT_NE(details.find("MedicationRequest/high"), std::string::npos);
  EXPECT_NE(details.find("MedicationRequest/low"), std::string::npos);
  EXPECT_EQ(details.find("MedicationRequest/fine"), std::string::npos);
}

TEST(DuloxetineDoseTest, MedicationReferenceContained) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSelect, RequestBuilder("order-select")
                               .DraftOrder(DraftByReference("d1", "#m1", Mg(60, TimesADay(3)),
                                                            RxMedication("m1", kDulox60))));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr) << r.body;
  EXPECT_STREQ((*card)["indicator"].GetString(), "warning");
}

TEST(DuloxetineDoseTest, MedicationReferenceInDraftOrdersBundle) {
  HookHarness& h = SharedHarness();
  auto r =
      h.Call(kSign, RequestBuilder("order-sign")
                        .DraftOrder(RxMedication("m2", kDulox30))
                        .DraftOrder(DraftByReference("d1", "Medication/m2", Mg(30, TimesADay(1)))));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr) << r.body;
  EXPECT_NE(std::string((*card)["summary"].GetString()).find("30 mg a day is below"),
            std::string::npos);
}

TEST(DuloxetineDoseTest, MedicationReferenceReadFromFhirServer) {
  auto client = std::make_unique<FakeFhirClient>(
      std::map<std::string, std::string>{{"Medication/m9", RxMedication("m9", kDulox60)}});
  HookHarness h("2026-11-25T12:00:00Z", "", {}, std::move(client));
  auto r = h.Call(kSign,
                  RequestBuilder("order-sign")
                      .FhirServer("https://ehr.example.org/fhir")
                      .DraftOrder(DraftByReference("d1", "Medication/m9", Mg(150, TimesADay(1)))));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr) << r.body;
  EXPECT_NE(std::string((*card)["summary"].GetString()).find("150 mg a day is above"),
            std::string::npos);
}

TEST(DuloxetineDoseTest, UnresolvableMedicationReferenceGivesNoFalseCard) {
  HookHarness& h = SharedHarness();  // no FHIR server: Medication/m404 cannot be read
  auto r = h.Call(
      kSign, RequestBuilder("order-sign")
                 .DraftOrder(DraftByReference("d1", "Medication/m404", Mg(150, TimesADay(1)))));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  if (r.status == 200) {
    EXPECT_NE(r.body.find("data-unavailable"), std::string::npos) << r.body;
  } else {
    EXPECT_EQ(r.status, 412) << r.body;
  }
}

TEST(DuloxetineDoseTest, CardCarriesEvidenceAndOverrideReasons) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSelect, RequestBuilder("order-select").DraftOrder(Order(Mg(60, TimesADay(3)))));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  std::string detail = (*card)["detail"].GetString();
  EXPECT_NE(detail.find("MedicationRequest/d1"), std::string::npos) << detail;
  EXPECT_NE(detail.find("60 mg 3 times a day"), std::string::npos) << detail;
  EXPECT_NE(detail.find("60-120 mg a day"), std::string::npos) << detail;
  EXPECT_STREQ((*card)["source"]["topic"]["code"].GetString(), kRule);
  EXPECT_GE((*card)["overrideReasons"].Size(), 1u);
}

}  // namespace
}  // namespace cds::testing

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kDuloxetineDoseConfig = ConfigCases(
    "duloxetine-dose",
    {{"MisspeltKey", "/finding", "{}", "$.finding: unknown setting for this rule (misspelt?)"},
     {"SingleDoseIsNotThisRulesCheck", "/drugs/0/single_dose", R"({"max":10,"unit":"mg"})",
      "$.drugs[0].single_dose: unknown setting for this rule (misspelt, or a check this rule does "
      "not make)"},
     {"BedtimeFindingIsNotThisRulesCheck", "/findings/not_at_bedtime", R"("x")",
      "$.findings.not_at_bedtime: unknown setting for this rule (misspelt, or a check this rule "
      "does not make)"},
     {"NoDrugs", "/drugs", "[]", "$.drugs: must list at least one drug"},
     {"DailyMinZero", "/drugs/0/daily_dose/min", "0", "$.drugs[0].daily_dose.min: must be > 0"},
     {"DailyMaxNegative", "/drugs/0/daily_dose/max", "-5",
      "$.drugs[0].daily_dose.max: must be > 0"},
     {"DailyMinAboveMax", "/drugs/0/daily_dose/min", "150",
      "$.drugs[0].daily_dose.min: must be <= max"},
     {"DailyDoseWithoutLimits", "/drugs/0/daily_dose", R"({"unit":"mg"})",
      "$.drugs[0].daily_dose: needs min, max or both"},
     {"DailyUnitNotAMass", "/drugs/0/daily_dose/unit", R"("mL")",
      "$.drugs[0].daily_dose.unit: must be a mass (mg, g, ug)"},
     {"DrugWithoutACheck", "/drugs/0/daily_dose", "", "$.drugs[0]: configures no check"},
     {"UnknownPlaceholder", "/findings/daily_above", R"("{dosage}")",
      "$.findings.daily_above: unknown placeholder {dosage}; this rule provides: {daily}, {dose}, "
      "{count}, {min}, {max}, {why}"}});

INSTANTIATE_TEST_SUITE_P(DuloxetineDoseConfig, RuleConfigTest,
                         ::testing::ValuesIn(kDuloxetineDoseConfig), ConfigCaseName);

TEST(DuloxetineDoseConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("duloxetine-dose", kDuloxetineDoseConfig);
}

}  // namespace
}  // namespace cds::testing
