// dan-gastroparesis-workup: table-driven over gastroparesis codes and statuses, gastric
// emptying study procedures (status, date, code) and data availability.
#include <gtest/gtest.h>

#include "tests/hooks/rules/diabetic_neuropathy/diabetes_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::dpn {
namespace {

constexpr char kRule[] = "dan-gastroparesis-workup";
constexpr char kGes[] = "241316002";  // Radionuclide gastric emptying study
const std::string kGp = Snomed("gp", kGastroparesis);

struct Case {
  std::string name;
  std::vector<std::string> conditions;
  std::vector<std::string> procedures;
  bool fires;
};

class DanGastroparesisTable : public ::testing::TestWithParam<Case> {};

TEST_P(DanGastroparesisTable, PatientView) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", c.conditions)
                             .Prefetch("procedures", c.procedures));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards(kRule).size(), c.fires ? 1u : 0u) << r.body;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DanGastroparesisTable,
    ::testing::Values(
        Case{"GastroparesisNoStudy", {kGp}, {}, true},
        Case{"Type2DiabeticGastroparesis", {Snomed("gp", "713703005")}, {}, true},
        Case{"Type1DiabeticGastroparesis", {Snomed("gp", "713702000")}, {}, true},
        Case{"NoGastroparesis", {Snomed("dan", kDan)}, {}, false},
        Case{"ResolvedGastroparesis",
             {CodedCondition("gp", kSnomed, kGastroparesis, "resolved")},
             {},
             false},
        Case{"RefutedGastroparesis",
             {CodedCondition("gp", kSnomed, kGastroparesis, "active", Verification("refuted"))},
             {},
             false},
        Case{"EnteredInErrorGastroparesis",
             {CodedCondition("gp", kSnomed, kGastroparesis, "active",
                             Verification("entered-in-error"))},
             {},
             false},
        Case{"CompletedStudy",
             {kGp},
             {SnomedProcedure("ges", kGes, "completed", "2026-02-01")},
             false},
        Case{"StudyYearsAgoStillCounts",
             {kGp},
             {SnomedProcedure("ges", kGes, "completed", "2012-04-01")},
             false},
        Case{"StudyInProgress",
             {kGp},
             {SnomedProcedure("ges", kGes, "in-progress", "2026-11-25")},
             false},
        Case{"StudyNotDone", {kGp}, {SnomedProcedure("ges", kGes, "not-done", "2026-02-01")}, true},
        Case{"StudyEnteredInError",
             {kGp},
             {SnomedProcedure("ges", kGes, "entered-in-error", "2026-02-01")},
             true},
        Case{
            "StudyPreparationOnly", {kGp}, {SnomedProcedure("ges", kGes, "preparation", "")}, true},
        Case{"OtherProcedureOnly",
             {kGp},
             {SnomedProcedure("colo", "73761001", "completed", "2026-02-01")},
             true},
        Case{
            "OtherPatientsStudyIgnored",
            {kGp},
            {R"({"resourceType":"Procedure","id":"ges","status":"completed","code":{"coding":[{"system":"http://snomed.info/sct","code":"241316002"}]},"subject":{"reference":"Patient/someone-else"},"performedDateTime":"2026-02-01"})"},
            true}),
    [](const auto& row) { return row.param.name; });

TEST(DanGastroparesisWorkupTest, CardSaysExcludeObstructionThenScintigraphyAndOrdersIt) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view").Prefetch("conditions", {kGp}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  std::string detail = Str(*card, "detail");
  EXPECT_TRUE(Contains(detail, "oesophagogastroduodenoscopy")) << detail;
  EXPECT_TRUE(Contains(detail, "4-hour gastric emptying scintigraphy")) << detail;
  EXPECT_TRUE(Contains(detail, "Condition/gp")) << detail;
  ASSERT_EQ((*card)["suggestions"].Size(), 1u);
  const auto& res = (*card)["suggestions"][0]["actions"][0]["resource"];
  EXPECT_EQ(Str(res, "resourceType"), "ServiceRequest");
  EXPECT_EQ(Str(res["code"]["coding"][0], "system"), "http://snomed.info/sct");
  EXPECT_EQ(Str(res["code"]["coding"][0], "code"), kGes);
  EXPECT_STREQ((*card)["source"]["topic"]["code"].GetString(), kRule);
}

TEST(DanGastroparesisWorkupTest, ProceduresUnavailableAloneIs412) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kGp})
                             .PrefetchRaw("procedures", OperationOutcome()));
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_FALSE(Contains(r.body, "without a gastric emptying study")) << r.body;
}

TEST(DanGastroparesisWorkupTest, ProceduresAbsentWithOtherCardsGivesNoFalseCard) {
  // Diabetic gastroparesis is a diabetic neuropathy, so dpn-glycemic-control still answers.
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {Snomed("gp", "713703005")})
                             .LeaveAbsent("procedures"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_FALSE(r.Cards("dpn-glycemic-control").empty()) << r.body;
  EXPECT_TRUE(HasUnavailableCard(r)) << r.body;
}

TEST(DanGastroparesisWorkupTest, NullProceduresMeanNoStudy) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kGp})
                             .PrefetchRaw("procedures", "null"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

}  // namespace
}  // namespace cds::testing::dpn

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kDanGastroparesisWorkupConfig =
    ConfigCases("dan-gastroparesis-workup",
                {{"MisspeltKey", "/no_study_evidense", R"("x")",
                  "$.no_study_evidense: unknown setting for this rule (misspelt?)"},
                 {"IndicatorUnknown", "/indicator", R"("urgent")",
                  "$.indicator: must be info, warning or critical"},
                 {"UnknownPlaceholder", "/summary", R"("{study}")",
                  "$.summary: unknown placeholder {study}; this rule provides: none"},
                 {"OrderCodeSystemUnknown", "/order/code/system", R"("snowmed")",
                  "$.order.code.system: unknown code system alias 'snowmed'"},
                 {"OrderMissing", "/order", "", "$.order: is required"}});

INSTANTIATE_TEST_SUITE_P(DanGastroparesisWorkupConfig, RuleConfigTest,
                         ::testing::ValuesIn(kDanGastroparesisWorkupConfig), ConfigCaseName);

TEST(DanGastroparesisWorkupConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("dan-gastroparesis-workup", kDanGastroparesisWorkupConfig);
}

}  // namespace
}  // namespace cds::testing
