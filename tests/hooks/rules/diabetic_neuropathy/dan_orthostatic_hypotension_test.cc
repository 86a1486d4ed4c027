// dan-orthostatic-hypotension: table-driven over the two conditions (codes, statuses),
// midodrine in every coding and status, and data availability.
#include <gtest/gtest.h>

#include "tests/hooks/rules/diabetic_neuropathy/diabetes_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::dpn {
namespace {

constexpr char kRule[] = "dan-orthostatic-hypotension";
const std::string kDanCond = Snomed("dan", kDan);
const std::string kOh = Snomed("oh", kOrthostatic);

struct Case {
  std::string name;
  std::vector<std::string> conditions;
  std::vector<std::string> requests;
  std::vector<std::string> statements;
  bool fires;
};

class DanOrthostaticTable : public ::testing::TestWithParam<Case> {};

TEST_P(DanOrthostaticTable, PatientView) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", c.conditions)
                             .Prefetch("medicationRequests", c.requests)
                             .Prefetch("medicationStatements", c.statements));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards(kRule).size(), c.fires ? 1u : 0u) << r.body;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DanOrthostaticTable,
    ::testing::Values(
        Case{"AutonomicNeuropathyWithOrthostaticHypotension", {kDanCond, kOh}, {}, {}, true},
        Case{"IcdCodedBoth", {Icd("dan", "E11.43"), Icd("oh", "I95.1")}, {}, {}, true},
        Case{"Type1AutonomicAndChronicOh",
             {Snomed("dan", "712882000"), Snomed("oh", "75181005")},
             {},
             {},
             true},
        Case{"AutonomicNeuropathyOnly", {kDanCond}, {}, {}, false},
        Case{"OrthostaticHypotensionOnly", {kOh, Snomed("dm", kT2Diabetes)}, {}, {}, false},
        Case{"PeripheralDiabeticNeuropathyIsNotAutonomic",
             {Snomed("dpn", kT2Neuropathy), kOh},
             {},
             {},
             false},
        Case{"RefutedOh",
             {kDanCond,
              CodedCondition("oh", kSnomed, kOrthostatic, "active", Verification("refuted"))},
             {},
             {},
             false},
        Case{"ResolvedOh",
             {kDanCond, CodedCondition("oh", kSnomed, kOrthostatic, "resolved")},
             {},
             {},
             false},
        Case{
            "EnteredInErrorDan",
            {CodedCondition("dan", kSnomed, kDan, "active", Verification("entered-in-error")), kOh},
            {},
            {},
            false},
        Case{"ActiveMidodrineScd",
             {kDanCond, kOh},
             {RxMedicationRequest("m", "993462", "active")},
             {},
             false},
        Case{"MidodrineIngredientStatement",
             {kDanCond, kOh},
             {},
             {MedStatement("m", kRxNorm, "6963")},
             false},
        Case{"MidodrineAtc", {kDanCond, kOh}, {MedRequest("m", kAtc, "C01CA17")}, {}, false},
        Case{"StoppedMidodrineFires",
             {kDanCond, kOh},
             {RxMedicationRequest("m", "993466", "stopped")},
             {},
             true},
        Case{"CancelledMidodrineFires",
             {kDanCond, kOh},
             {RxMedicationRequest("m", "993470", "cancelled")},
             {},
             true}),
    [](const auto& row) { return row.param.name; });

TEST(DanOrthostaticHypotensionTest, NonDrugFirstThenMidodrineSuggestionNotPreselected) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view").Prefetch("conditions", {kDanCond, kOh}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(Str(*card, "indicator"), "info");
  std::string detail = Str(*card, "detail");
  for (const char* text :
       {"Non-drug measures first", "gradual position changes", "leg crossing", "fluids and salt",
        "compression garments", "midodrine", "3-4 times daily", "Condition/dan", "Condition/oh"}) {
    EXPECT_TRUE(Contains(detail, text)) << text << " in " << detail;
  }
  ASSERT_EQ((*card)["suggestions"].Size(), 1u);
  const auto& s = (*card)["suggestions"][0];
  EXPECT_FALSE(s.HasMember("isRecommended"));
  const auto& res = s["actions"][0]["resource"];
  EXPECT_EQ(Str(res, "resourceType"), "MedicationRequest");
  EXPECT_EQ(Str(res["medicationCodeableConcept"]["coding"][0], "code"), "993462");
  EXPECT_DOUBLE_EQ(
      res["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"].GetDouble(), 10);
  EXPECT_EQ(res["dosageInstruction"][0]["timing"]["repeat"]["frequency"].GetInt(), 3);
  EXPECT_EQ(Str(*card, "selectionBehavior"), "at-most-one");
  EXPECT_STREQ((*card)["source"]["topic"]["code"].GetString(), kRule);
}

TEST(DanOrthostaticHypotensionTest, MedicationsUnavailableNeverFires) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kDanCond, kOh})
                             .PrefetchRaw("medicationRequests", OperationOutcome()));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  if (r.status == 200) {
    EXPECT_TRUE(HasUnavailableCard(r)) << r.body;
  } else {
    EXPECT_EQ(r.status, 412) << r.body;
  }
}

TEST(DanOrthostaticHypotensionTest, MedicationsAbsentWithoutFhirServer) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kDanCond, kOh})
                             .LeaveAbsent("medicationStatements"));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_TRUE(r.status == 412 || HasUnavailableCard(r)) << r.body;
}

TEST(DanOrthostaticHypotensionTest, NullMedicationsMeanNoMidodrine) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kDanCond, kOh})
                             .PrefetchRaw("medicationRequests", "null")
                             .PrefetchRaw("medicationStatements", "null"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

}  // namespace
}  // namespace cds::testing::dpn

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kDanOrthostaticHypotensionConfig =
    ConfigCases("dan-orthostatic-hypotension",
                {{"MisspeltKey", "/midodrine_orders", "{}",
                  "$.midodrine_orders: unknown setting for this rule (misspelt?)"},
                 {"OrderNotMidodrine", "/midodrine_order/medication/code", R"("596934")",
                  "$.midodrine_order: medication must be in the midodrine value set"},
                 {"OrderDoseZero", "/midodrine_order/dose/value", "0",
                  "$.midodrine_order.dose.value: must be > 0"},
                 {"IndicatorUnknown", "/indicator", R"("urgent")",
                  "$.indicator: must be info, warning or critical"},
                 {"UnknownValueSet", "/orthostatic_hypotension", R"("oh")",
                  "$.orthostatic_hypotension: unknown value set 'oh'"}});

INSTANTIATE_TEST_SUITE_P(DanOrthostaticHypotensionConfig, RuleConfigTest,
                         ::testing::ValuesIn(kDanOrthostaticHypotensionConfig), ConfigCaseName);

TEST(DanOrthostaticHypotensionConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("dan-orthostatic-hypotension", kDanOrthostaticHypotensionConfig);
}

}  // namespace
}  // namespace cds::testing
