// neuropathy-reversible-causes: table-driven over conditions, which tests are on file,
// their codes, dates (12 months = from 2025-11-25), statuses and data availability.
#include <algorithm>

#include <gtest/gtest.h>

#include "tests/hooks/rules/diabetic_neuropathy/diabetes_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::dpn {
namespace {

constexpr char kRule[] = "neuropathy-reversible-causes";
const std::string kRecent = "2026-03-10";
const std::string kNeuropathy = Icd("pn", "G62.9");

std::string Lab(std::string_view id, std::string_view loinc, std::string_view date = "2026-03-10",
                std::string_view value = "", std::string_view status = "final") {
  return LoincObservation(id, loinc, date, value, status);
}

// One recent result for each test, optionally without one of them.
std::vector<std::string> AllRecentExcept(std::string_view skip = "") {
  std::vector<std::pair<std::string, std::string>> all = {
      {"hba1c", "4548-4"}, {"b12", "2132-9"},    {"tsh", "3016-3"},
      {"b6", "2900-9"},    {"folate", "2284-8"}, {"spep", "24351-9"}};
  std::vector<std::string> out;
  for (const auto& [id, loinc] : all) {
    if (id != skip) out.push_back(Lab(id, loinc));
  }
  return out;
}

struct Case {
  std::string name;
  std::vector<std::string> conditions;
  std::vector<std::string> labs;
  std::string missing;  // exact {missing} list expected; "" = no card
};

class ReversibleCausesTable : public ::testing::TestWithParam<Case> {};

TEST_P(ReversibleCausesTable, PatientView) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", c.conditions)
                             .Prefetch("neuropathyLabs", c.labs));
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  if (c.missing.empty()) {
    EXPECT_TRUE(cards.empty()) << r.body;
    return;
  }
  ASSERT_EQ(cards.size(), 1u) << r.body;
  std::string summary = Str(*cards[0], "summary");
  EXPECT_EQ(summary, "Neuropathy: reversible-cause tests not done in 12 months: " + c.missing);
  EXPECT_EQ((*cards[0])["suggestions"].Size(),
            static_cast<unsigned>(std::count(c.missing.begin(), c.missing.end(), ',') + 1));
}

const std::string kAll = "HbA1c, Vitamin B12, TSH, Vitamin B6, Folate, SPEP";

INSTANTIATE_TEST_SUITE_P(
    Cases, ReversibleCausesTable,
    ::testing::Values(
        Case{"NoNeuropathyNoCard", {Snomed("dm", kT2Diabetes)}, {}, ""},
        Case{"NeuropathyNothingOnFile", {kNeuropathy}, {}, kAll},
        Case{"EverythingRecent", {kNeuropathy}, AllRecentExcept(), ""},
        Case{"OnlyB6Missing", {kNeuropathy}, AllRecentExcept("b6"), "Vitamin B6"},
        Case{"OnlySpepMissing", {kNeuropathy}, AllRecentExcept("spep"), "SPEP"},
        Case{"SnomedPeripheralNeuropathy",
             {Snomed("pn", kPeripheralNeuropathy)},
             AllRecentExcept("tsh"),
             "TSH"},
        Case{"DiabeticNeuropathyCounts",
             {Snomed("dpn", kT2Neuropathy)},
             AllRecentExcept("b12"),
             "Vitamin B12"},
        Case{"PainfulDiabeticNeuropathyCounts",
             {Snomed("dpn", kPainfulDpn)},
             AllRecentExcept("folate"),
             "Folate"},
        Case{"DrugInducedPolyneuropathyCounts",
             {Icd("pn", "G62.0")},
             AllRecentExcept("hba1c"),
             "HbA1c"},
        Case{"AutonomicOnlyIsNotPeripheral", {Snomed("dan", kDan)}, {}, ""},
        Case{"GuillainBarreIsOutOfScope", {Snomed("gbs", "40956001")}, {}, ""},
        Case{"EnteredInErrorNeuropathyIgnored",
             {CodedCondition("pn", kIcd, "G62.9", "active", Verification("entered-in-error"))},
             {},
             ""},
        Case{"RefutedNeuropathyIgnored",
             {CodedCondition("pn", kIcd, "G62.9", "active", Verification("refuted"))},
             {},
             ""},
        Case{
            "InactiveNeuropathyIgnored", {CodedCondition("pn", kIcd, "G62.9", "inactive")}, {}, ""},
        // 12-month window, day-granular.
        Case{"B12ExactlyTwelveMonthsCounts",
             {kNeuropathy},
             [] {
               auto l = AllRecentExcept("b12");
               l.push_back(Lab("b12", "2132-9", "2025-11-25"));
               return l;
             }(),
             ""},
        Case{"B12TwelveMonthsAndADayIsMissing",
             {kNeuropathy},
             [] {
               auto l = AllRecentExcept("b12");
               l.push_back(Lab("b12", "2132-9", "2025-11-24"));
               return l;
             }(),
             "Vitamin B12"},
        // Alternative codes.
        Case{"RedCellFolateCounts",
             {kNeuropathy},
             [] {
               auto l = AllRecentExcept("folate");
               l.push_back(Lab("f", "2283-0"));
               return l;
             }(),
             ""},
        Case{"ThirdGenerationTshCounts",
             {kNeuropathy},
             [] {
               auto l = AllRecentExcept("tsh");
               l.push_back(Lab("t", "11580-8", kRecent, Quantity(2.1, "m[IU]/L")));
               return l;
             }(),
             ""},
        Case{"MProteinCountsAsSpep",
             {kNeuropathy},
             [] {
               auto l = AllRecentExcept("spep");
               l.push_back(Lab("m", "33358-3", kRecent, Quantity(0.4, "g/dL")));
               return l;
             }(),
             ""},
        Case{"HplcHbA1cCounts",
             {kNeuropathy},
             [] {
               auto l = AllRecentExcept("hba1c");
               l.push_back(Lab("a", "17856-6", kRecent, Quantity(6.1, "%")));
               return l;
             }(),
             ""},
        // What counts as a result.
        Case{"AbnormalValueStillCountsAsDone",
             {kNeuropathy},
             [] {
               auto l = AllRecentExcept("b12");
               l.push_back(Lab("b12", "2132-9", kRecent, Quantity(95, "pg/mL")));
               return l;
             }(),
             ""},
        Case{"PreliminaryDoesNotCount",
             {kNeuropathy},
             [] {
               auto l = AllRecentExcept("b12");
               l.push_back(Lab("b12", "2132-9", kRecent, "", "preliminary"));
               return l;
             }(),
             "Vitamin B12"},
        Case{"CancelledDoesNotCount",
             {kNeuropathy},
             [] {
               auto l = AllRecentExcept("tsh");
               l.push_back(Lab("t", "3016-3", kRecent, "", "cancelled"));
               return l;
             }(),
             "TSH"},
        Case{"UndatedDoesNotCount",
             {kNeuropathy},
             [] {
               auto l = AllRecentExcept("folate");
               l.push_back(Lab("f", "2284-8", ""));
               return l;
             }(),
             "Folate"},
        Case{"OtherPatientsResultIgnored",
             {kNeuropathy},
             [] {
               auto l = AllRecentExcept("b6");
               l.push_back(LoincObservation("b6", "2900-9", kRecent, "", "final", "someone-else"));
               return l;
             }(),
             "Vitamin B6"}),
    [](const auto& row) { return row.param.name; });

TEST(NeuropathyReversibleCausesTest, CardListsEvidenceAndSuggestsEachMissingTest) {
  HookHarness& h = SharedHarness();
  auto labs = AllRecentExcept("b12");
  labs.push_back(Lab("oldb12", "2132-9", "2024-06-01", Quantity(310, "pg/mL")));
  std::erase_if(labs, [](const std::string& s) { return Contains(s, "\"b6\""); });
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kNeuropathy})
                             .Prefetch("neuropathyLabs", labs));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(Str(*card, "summary"),
            "Neuropathy: reversible-cause tests not done in 12 months: Vitamin B12, Vitamin B6");
  std::string detail = Str(*card, "detail");
  EXPECT_TRUE(Contains(detail, "Condition/pn")) << detail;
  EXPECT_TRUE(Contains(detail, "Observation/oldb12")) << detail;
  EXPECT_TRUE(Contains(detail, "2024-06-01")) << detail;
  EXPECT_TRUE(Contains(detail, "older than 12 months")) << detail;
  EXPECT_TRUE(Contains(detail, "Observation/tsh")) << detail;  // tests found are shown too
  EXPECT_TRUE(Contains(detail, "pyridoxal")) << detail;        // the B6 coding caveat
  EXPECT_EQ(Str(*card, "selectionBehavior"), "any");
  ASSERT_EQ((*card)["suggestions"].Size(), 2u);
  std::vector<std::string> codes;
  for (const auto& s : (*card)["suggestions"].GetArray()) {
    const auto& res = s["actions"][0]["resource"];
    EXPECT_EQ(Str(res, "resourceType"), "ServiceRequest");
    EXPECT_EQ(Str(res["code"]["coding"][0], "system"), "http://loinc.org");
    codes.push_back(Str(res["code"]["coding"][0], "code"));
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"2132-9", "2900-9"}));
  EXPECT_STREQ((*card)["source"]["topic"]["code"].GetString(), kRule);
}

TEST(NeuropathyReversibleCausesTest, LabsUnavailableNeverClaimsMissing) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kNeuropathy})
                             .PrefetchRaw("neuropathyLabs", OperationOutcome()));
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_FALSE(Contains(r.body, "not done in")) << r.body;
}

TEST(NeuropathyReversibleCausesTest, LabsAbsentWithOtherCardsGivesNoFalseCard) {
  HookHarness& h = SharedHarness();  // type 2 neuropathy: dan-screening-due still answers
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {Snomed("dpn", kT2Neuropathy)})
                             .LeaveAbsent("neuropathyLabs"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_TRUE(HasUnavailableCard(r)) << r.body;
}

TEST(NeuropathyReversibleCausesTest, EmptySearchsetMeansNothingOnFile) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(
      kView, RequestBuilder("patient-view")
                 .Prefetch("conditions", {kNeuropathy})
                 .PrefetchRaw("neuropathyLabs", R"({"resourceType":"Bundle","type":"searchset"})"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

TEST(NeuropathyReversibleCausesTest, NullLabsMeanNothingOnFile) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kNeuropathy})
                             .PrefetchRaw("neuropathyLabs", "null"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_TRUE(Contains(Str(*card, "summary"), kAll)) << Str(*card, "summary");
}

}  // namespace
}  // namespace cds::testing::dpn

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kNeuropathyReversibleCausesConfig = ConfigCases(
    "neuropathy-reversible-causes",
    {{"MisspeltKey", "/windw", R"("12mo")", "$.windw: unknown setting for this rule (misspelt?)"},
     {"NoTests", "/tests", "[]", "$.tests: must list at least one test"},
     {"WindowNotADuration", "/window", R"("1 year")",
      "$.window: '1 year' is not a duration like 12mo, 90d, 2w or 5y"},
     {"MissingNoteNotAString", "/tests/0/missing_note", "3",
      "$.tests[0].missing_note: must be a string"},
     {"TestOrderMissing", "/tests/1/order", "", "$.tests[1].order: is required"}});

INSTANTIATE_TEST_SUITE_P(NeuropathyReversibleCausesConfig, RuleConfigTest,
                         ::testing::ValuesIn(kNeuropathyReversibleCausesConfig), ConfigCaseName);

TEST(NeuropathyReversibleCausesConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("neuropathy-reversible-causes", kNeuropathyReversibleCausesConfig);
}

}  // namespace
}  // namespace cds::testing
