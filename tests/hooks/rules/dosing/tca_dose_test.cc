// tca-dose: amitriptyline 10-75 mg/day and nortriptyline 25-75 mg/day, at bedtime.
// Table-driven over boundaries, each drug, each way bedtime is written, doses that cannot
// be computed, order-select vs order-sign and medicationReference.
#include <gtest/gtest.h>

#include "tests/hooks/rules/dose_test_util.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing {
namespace {

using namespace dose;  // NOLINT(build/namespaces): the builders read as a table

constexpr char kRule[] = "tca-dose";
constexpr char kSelect[] = "neuropathy-order-select";
constexpr char kSign[] = "neuropathy-order-sign";
constexpr char kAmi10[] = "856783";    // amitriptyline hydrochloride 10 MG Oral Tablet (SCD)
constexpr char kAmi25[] = "856834";    // amitriptyline hydrochloride 25 MG Oral Tablet (SCD)
constexpr char kNor25[] = "317136";    // nortriptyline 25 MG Oral Capsule (SCD)
constexpr char kNorSol[] = "312036";   // nortriptyline 2 MG/ML Oral Solution (SCD)
constexpr char kPamelor[] = "209339";  // nortriptyline 25 MG Oral Capsule [Pamelor] (SBD)

const std::string kHs = When(R"("HS")");

struct Case {
  std::string name;
  std::string rxnorm;
  std::string instructions;
  std::string indicator;  // "" = no card
  std::string in_summary = "";
};

class TcaDoseTable : public ::testing::TestWithParam<Case> {};

TEST_P(TcaDoseTable, OrderSign) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSign,
                  RequestBuilder("order-sign")
                      .DraftOrder(Draft("t1", c.rxnorm, std::vector<std::string>{c.instructions})));
  ExpectDoseCard(r, kRule, c.indicator, c.in_summary);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TcaDoseTable,
    ::testing::Values(
        // Amitriptyline 10-75 mg a day, inclusive.
        Case{"AmiExactly10AtBedtime", kAmi10, Mg(10, kHs), ""},
        Case{"AmiExactly75AtBedtime", kAmi25, Mg(75, kHs), ""},
        Case{"AmiBelow10", kAmi10, Mg(9, kHs), "warning", "9 mg a day is below 10 mg"},
        Case{"AmiAbove75", kAmi25, Mg(76, kHs), "warning", "76 mg a day is above 75 mg"},
        Case{"Ami100", kAmi25, Mg(100, kHs), "warning", "100 mg a day is above"},
        Case{"AmiInGrams", kAmi25, Instr({DoseArray(Amount(0.025, "g")), kHs}), ""},
        // Nortriptyline 25-75 mg a day.
        Case{"NorExactly25", kNor25, Mg(25, kHs), ""},
        Case{"NorExactly75", kNor25, Mg(75, kHs), ""},
        Case{"NorBelow25", kNor25, Mg(24, kHs), "warning", "24 mg a day is below 25 mg"},
        Case{"Nor10IsBelowItsRange", kNor25, Mg(10, kHs), "warning", "Nortriptyline"},
        Case{"NorAbove75", kPamelor, Mg(76, kHs), "warning", "76 mg a day is above"},
        // Ways of writing bedtime.
        Case{"CodeBed", kAmi25, Mg(25, Code("BED")), ""},
        Case{"CodeQhs", kAmi25, Mg(25, Code("QHS")), ""},
        Case{"WhenNight", kAmi25, Mg(25, When(R"("NIGHT")")), ""},
        Case{"TimeOfDay2200", kAmi25, Mg(25, R"("timing":{"repeat":{"timeOfDay":["22:00:00"]}})"),
             ""},
        Case{"OnceDailyWithBedtimeText", kAmi25,
             Instr({DoseArray(Amount(25)), TimesADay(1), R"("text":"25 mg nightly")"}), ""},
        Case{"TextAloneQhs", kAmi25, Instr({DoseArray(Amount(25)), R"("text":"25 mg po qhs")"}),
             ""},
        Case{"PatientInstructionAtBedtime", kAmi25,
             Instr({DoseArray(Amount(25)), Code("QD"),
                    R"("patientInstruction":"Take one tablet at bedtime")"}),
             ""},
        Case{
            "EhrLocalCodeNightly", kAmi25,
            Instr(
                {DoseArray(Amount(25)),
                 R"("timing":{"code":{"coding":[{"system":"urn:oid:1.2.840.114350.1.13","code":"7","display":"Nightly"}]}})"}),
            ""},
        // Not at bedtime.
        Case{"OnceDailyNoTime", kAmi25, Mg(25, TimesADay(1)), "warning", "not ordered at bedtime"},
        Case{"Morning", kAmi25, Mg(25, Code("AM")), "warning", "not ordered at bedtime"},
        Case{"Evening", kNor25, Mg(25, When(R"("EVE")")), "warning", "not ordered at bedtime"},
        Case{"MorningAndBedtime", kAmi10, Mg(10, When(R"("MORN","HS")")), "warning",
             "not ordered at bedtime"},
        Case{"TwiceDailyWithBedtimeText", kAmi10,
             Instr({DoseArray(Amount(10)), TimesADay(2), R"("text":"10 mg at bedtime")"}),
             "warning", "not ordered at bedtime"},
        Case{"NegatedBedtimeText", kAmi25,
             Instr({DoseArray(Amount(25)), R"("text":"do not take at bedtime")"}), "warning",
             "not ordered at bedtime"},
        Case{"HighAndNotAtBedtime", kAmi25, Mg(50, TimesADay(2)), "warning",
             "100 mg a day is above 75 mg; not ordered"},
        // Split bedtime instructions taken together: both at bedtime, doses add up.
        Case{"TwoBedtimeInstructionsAdd", kAmi25, Mg(25, kHs) + "," + Mg(25, kHs), ""},
        // Not computable.
        Case{"TabletsAtBedtime", kAmi25, Instr({Tablets(1), kHs}), "info", "not checked"},
        Case{"SolutionInMillilitres", kNorSol, Instr({DoseArray(Amount(12.5, "mL")), kHs}), "info",
             "not checked"},
        Case{"TabletsNotAtBedtimeWarnsAndSaysSo", kAmi25, Instr({Tablets(1), TimesADay(1)}),
             "warning", "not ordered at bedtime"}),
    [](const auto& row) { return row.param.name; });

TEST(TcaDoseTest, WarningListsUncomputableDoseToo) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSign, RequestBuilder("order-sign")
                             .DraftOrder(Draft("t1", kAmi25, Instr({Tablets(1), TimesADay(1)}))));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  std::string detail = (*card)["detail"].GetString();
  EXPECT_NE(detail.find("could not be computed"), std::string::npos) << detail;
  EXPECT_NE(detail.find("at bedtime"), std::string::npos) << detail;
}

TEST(TcaDoseTest, OrderSelectOnlySelected) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSelect,
                  RequestBuilder("order-select")
                      .DraftOrder(Draft("t1", kAmi25, Mg(100, TimesADay(1))), /*selected=*/false)
                      .DraftOrder(Draft("t2", kNor25, Mg(25, kHs)), /*selected=*/true));
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  auto s =
      h.Call(kSelect,
             RequestBuilder("order-select").DraftOrder(Draft("t1", kAmi25, Mg(100, TimesADay(1)))));
  EXPECT_EQ(s.Cards(kRule).size(), 1u) << s.body;
}

TEST(TcaDoseTest, OrderSignBothDrugsEachGetACard) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSign, RequestBuilder("order-sign")
                             .DraftOrder(Draft("a", kAmi25, Mg(100, kHs)))
                             .DraftOrder(Draft("n", kNor25, Mg(10, kHs)))
                             .DraftOrder(Draft("ok", kAmi10, Mg(10, kHs))));
  auto cards = r.Cards(kRule);
  ASSERT_EQ(cards.size(), 2u) << r.body;
  std::string both =
      std::string((*cards[0])["summary"].GetString()) + " | " + (*cards[1])["summary"].GetString();
  EXPECT_NE(both.find("Amitriptyline"), std::string::npos) << both;
  EXPECT_NE(both.find("Nortriptyline"), std::string::npos) << both;
}

TEST(TcaDoseTest, IngredientAndAtcCodesMatch) {
  for (const char* code : {"704", "7531"}) {
    HookHarness& h = SharedHarness();
    auto r =
        h.Call(kSign, RequestBuilder("order-sign").DraftOrder(Draft("t1", code, Mg(100, kHs))));
    EXPECT_EQ(r.Cards(kRule).size(), 1u) << code << ": " << r.body;
  }
  HookHarness& h = SharedHarness();
  std::string atc =
      R"({"resourceType":"MedicationRequest","id":"t1","status":"draft","intent":"order",
    "medicationCodeableConcept":{"coding":[{"system":"http://www.whocc.no/atc","code":"N06AA09"}]},
    "subject":{"reference":"Patient/p1"},"dosageInstruction":[)" +
      Mg(100, kHs) + "]}";
  EXPECT_EQ(h.Call(kSign, RequestBuilder("order-sign").DraftOrder(atc)).Cards(kRule).size(), 1u);
}

TEST(TcaDoseTest, MedicationReferenceContained) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSelect, RequestBuilder("order-select")
                               .DraftOrder(DraftByReference("t1", "#m", Mg(25, Code("AM")),
                                                            RxMedication("m", kNor25))));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr) << r.body;
  EXPECT_NE(std::string((*card)["summary"].GetString()).find("not ordered at bedtime"),
            std::string::npos);
}

}  // namespace
}  // namespace cds::testing

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kTcaDoseConfig = ConfigCases(
    "tca-dose",
    {{"MisspeltKey", "/drug", "[]", "$.drug: unknown setting for this rule (misspelt?)"},
     {"SingleDoseIsNotThisRulesCheck", "/drugs/0/single_dose", R"({"max":10,"unit":"mg"})",
      "$.drugs[0].single_dose: unknown setting for this rule (misspelt, or a check this rule does "
      "not make)"},
     {"DailyMinZero", "/drugs/1/daily_dose/min", "0", "$.drugs[1].daily_dose.min: must be > 0"},
     {"DailyMaxZero", "/drugs/0/daily_dose/max", "0", "$.drugs[0].daily_dose.max: must be > 0"},
     {"DailyMinAboveMax", "/drugs/1/daily_dose/min", "100",
      "$.drugs[1].daily_dose.min: must be <= max"},
     {"AtBedtimeNotABool", "/drugs/0/at_bedtime", R"("yes")",
      "$.drugs[0].at_bedtime: must be true or false"},
     {"NoDrugs", "/drugs", "[]", "$.drugs: must list at least one drug"},
     {"UnknownPlaceholder", "/findings/not_at_bedtime", R"("{time}")",
      "$.findings.not_at_bedtime: unknown placeholder {time}; this rule provides: {daily}, {dose}, "
      "{count}, {min}, {max}, {why}"}});

INSTANTIATE_TEST_SUITE_P(TcaDoseConfig, RuleConfigTest, ::testing::ValuesIn(kTcaDoseConfig),
                         ConfigCaseName);

TEST(TcaDoseConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("tca-dose", kTcaDoseConfig);
}

}  // namespace
}  // namespace cds::testing
