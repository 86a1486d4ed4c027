// hbv-serology-missing: table-driven over exposure, results, units, statuses and data
// availability. Every case runs the real service (bundled knowledge, fixed clock).
#include <gtest/gtest.h>

#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing {
namespace {

constexpr char kRule[] = "hbv-serology-missing";
constexpr char kSelect[] = "rituximab-safety-order-select";
constexpr char kSign[] = "rituximab-safety-order-sign";
constexpr char kView[] = "rituximab-safety-patient-view";
constexpr char kTruxima[] = "2105831";   // 10 ML rituximab-abbs 10 MG/ML Injection [Truxima] (SBD)
constexpr char kRituxan[] = "1657864";   // 10 ML rituximab 10 MG/ML Injection [Rituxan]
constexpr char kHycela[] = "1927890";    // Rituxan Hycela 11.7 ML (SBD)
constexpr char kRuxience[] = "2273513";  // Ruxience (BN)
constexpr char kRiabni[] = "2472336";    // 50 ML rituximab-arrx [Riabni]
constexpr char kAmoxicillin[] = "617993";

std::string RituximabDraft(std::string_view rxnorm = kTruxima, std::string_view id = "rx1") {
  return RxMedicationRequest(id, rxnorm, "draft");
}

std::string HbsAg(std::string_view id, std::string_view date, std::string_view value_member,
                  std::string_view status = "final") {
  return LoincObservation(id, "5196-1", date, value_member, status);
}
std::string AntiHbc(std::string_view id, std::string_view date, std::string_view value_member) {
  return LoincObservation(id, "16933-4", date, value_member);
}
std::string AntiHbs(std::string_view id, std::string_view date, std::string_view value_member) {
  return LoincObservation(id, "22322-2", date, value_member);
}
const std::string kNeg = SnomedValue("260385009");
const std::string kPos = SnomedValue("10828004");

struct Case {
  std::string name;
  std::vector<std::string> serology;  // Observations in the hbvSerology prefetch
  std::string expected_indicator;     // "" = no card
  std::string missing_in_summary;     // substring expected in the summary
};

class HbvSerologyMissingTable : public ::testing::TestWithParam<Case> {};

TEST_P(HbvSerologyMissingTable, OrderSelect) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSelect, RequestBuilder("order-select")
                               .DraftOrder(RituximabDraft())
                               .Prefetch("hbvSerology", c.serology));
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  if (c.expected_indicator.empty()) {
    EXPECT_TRUE(cards.empty()) << r.body;
    return;
  }
  ASSERT_EQ(cards.size(), 1u) << r.body;
  EXPECT_STREQ((*cards[0])["indicator"].GetString(), c.expected_indicator.c_str());
  EXPECT_NE(std::string((*cards[0])["summary"].GetString()).find(c.missing_in_summary),
            std::string::npos)
      << (*cards[0])["summary"].GetString();
}

const std::string kRecent = "2026-06-01";
const std::string kOld = "2025-11-24";       // 12 months and a day before 2026-11-25
const std::string kBoundary = "2025-11-25";  // exactly 12 months before: still counts

INSTANTIATE_TEST_SUITE_P(
    Cases, HbvSerologyMissingTable,
    ::testing::Values(
        Case{"NoSerologyAtAll", {}, "warning", "HBsAg, anti-HBc (total), anti-HBs"},
        Case{"AllRecentNegative",
             {HbsAg("a", kRecent, kNeg), AntiHbc("b", kRecent, kNeg), AntiHbs("c", kRecent, kNeg)},
             "",
             ""},
        Case{"OnlyAntiHbsMissingIsInfo",
             {HbsAg("a", kRecent, kNeg), AntiHbc("b", kRecent, kNeg)},
             "info",
             "anti-HBs"},
        Case{"AntiHbcMissing",
             {HbsAg("a", kRecent, kNeg), AntiHbs("c", kRecent, kNeg)},
             "warning",
             "anti-HBc (total)"},
        Case{"NegativeOlderThan12MonthsDoesNotCount",
             {HbsAg("a", kOld, kNeg), AntiHbc("b", kRecent, kNeg), AntiHbs("c", kRecent, kNeg)},
             "warning",
             "HBsAg"},
        Case{
            "NegativeExactly12MonthsCounts",
            {HbsAg("a", kBoundary, kNeg), AntiHbc("b", kRecent, kNeg), AntiHbs("c", kRecent, kNeg)},
            "",
            ""},
        Case{"PositiveCountsWheneverTaken",  // positive anti-HBc from 2015: exposure known,
                                             // prophylaxis rule speaks
             {AntiHbc("b", "2015-03-01", kPos)},
             "",
             ""},
        Case{"EnteredInErrorDoesNotCount",
             {HbsAg("a", kRecent, kNeg, "entered-in-error"), AntiHbc("b", kRecent, kNeg),
              AntiHbs("c", kRecent, kNeg)},
             "warning",
             "HBsAg"},
        Case{"PreliminaryDoesNotCount",
             {HbsAg("a", kRecent, kNeg, "preliminary"), AntiHbc("b", kRecent, kNeg),
              AntiHbs("c", kRecent, kNeg)},
             "warning",
             "HBsAg"},
        Case{"AmendedCounts",
             {HbsAg("a", kRecent, kNeg, "amended"), AntiHbc("b", kRecent, kNeg),
              AntiHbs("c", kRecent, kNeg)},
             "",
             ""},
        Case{"ValueStringNonReactive",
             {HbsAg("a", kRecent, R"("valueString":"Non-reactive")"),
              AntiHbc("b", kRecent, R"("valueString":"NEGATIVE")"), AntiHbs("c", kRecent, kNeg)},
             "",
             ""},
        Case{
            "InterpretationNeg",
            {HbsAg(
                 "a", kRecent,
                 R"("interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"NEG"}]}])"),
             AntiHbc("b", kRecent, kNeg), AntiHbs("c", kRecent, kNeg)},
            "",
            ""},
        Case{"IndeterminateDoesNotCount",
             {HbsAg("a", kRecent, SnomedValue("82334004")), AntiHbc("b", kRecent, kNeg),
              AntiHbs("c", kRecent, kNeg)},
             "warning",
             "HBsAg"},
        Case{"FreeTextDoesNotCount",
             {HbsAg("a", kRecent, R"("valueString":"see scanned report")"),
              AntiHbc("b", kRecent, kNeg), AntiHbs("c", kRecent, kNeg)},
             "warning",
             "HBsAg"},
        Case{"QuantitativeHbsAgBelowCutoffIsNegative",
             {LoincObservation("q", "63557-3", kRecent, Quantity(0.01, "[IU]/mL")),
              AntiHbc("b", kRecent, kNeg), AntiHbs("c", kRecent, kNeg)},
             "",
             ""},
        Case{"QuantitativeAntiHbsInIuPerLitre",  // 12 [IU]/L = 12 mIU/mL >= 10: readable
             {HbsAg("a", kRecent, kNeg), AntiHbc("b", kRecent, kNeg),
              LoincObservation("q", "16935-9", kRecent, Quantity(12, "[IU]/L"))},
             "",
             ""},
        Case{"QuantitativeWithoutUnitIsUnreadable",
             {LoincObservation("q", "63557-3", kRecent, R"("valueQuantity":{"value":0.01})"),
              AntiHbc("b", kRecent, kNeg), AntiHbs("c", kRecent, kNeg)},
             "warning",
             "HBsAg"},
        Case{"ResultOfAnotherPatientIsIgnored",
             {LoincObservation("a", "5196-1", kRecent, kNeg, "final", "someone-else"),
              AntiHbc("b", kRecent, kNeg), AntiHbs("c", kRecent, kNeg)},
             "warning",
             "HBsAg"}),
    [](const auto& row) { return row.param.name; });

TEST(HbvSerologyMissingTest, NotForOtherDrugs) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(
      kSelect,
      RequestBuilder("order-select").DraftOrder(RxMedicationRequest("a1", kAmoxicillin, "draft")));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.CardCount(), 0u) << r.body;
}

TEST(HbvSerologyMissingTest, EveryRituximabProductTriggers) {
  for (const char* code : {kTruxima, kRituxan, kHycela, kRuxience, kRiabni, "121191", "226754",
                           "2105827", "1927886"}) {
    HookHarness& h = SharedHarness();
    auto r = h.Call(kSign, RequestBuilder("order-sign").DraftOrder(RituximabDraft(code)));
    ASSERT_EQ(r.status, 200) << code;
    EXPECT_EQ(r.Cards(kRule).size(), 1u) << "RxNorm " << code << ": " << r.body;
  }
}

TEST(HbvSerologyMissingTest, AtcCodeTriggers) {
  HookHarness& h = SharedHarness();
  std::string order =
      R"({"resourceType":"MedicationRequest","id":"x","status":"draft","intent":"order",
    "medicationCodeableConcept":{"coding":[{"system":"http://www.whocc.no/atc","code":"L01XC02"}]},
    "subject":{"reference":"Patient/p1"}})";
  auto r = h.Call(kSign, RequestBuilder("order-sign").DraftOrder(order));
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

TEST(HbvSerologyMissingTest, UnselectedDraftOrderDoesNotTriggerOrderSelect) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSelect, RequestBuilder("order-select")
                               .DraftOrder(RituximabDraft(), /*selected=*/false)
                               .DraftOrder(RxMedicationRequest("a1", kAmoxicillin, "draft"),
                                           /*selected=*/true));
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(HbvSerologyMissingTest, MedicationReferenceToContainedMedication) {
  HookHarness& h = SharedHarness();
  std::string order =
      R"({"resourceType":"MedicationRequest","id":"mr","status":"draft","intent":"order",
    "contained":[{"resourceType":"Medication","id":"m1","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"2105831"}]}}],
    "medicationReference":{"reference":"#m1"},"subject":{"reference":"Patient/p1"}})";
  auto r = h.Call(kSelect, RequestBuilder("order-select").DraftOrder(order));
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

TEST(HbvSerologyMissingTest, MedicationReferenceToBundleEntryAndIngredient) {
  HookHarness& h = SharedHarness();
  // Rituxan Hycela as a Medication elsewhere in draftOrders, matched through its ingredient.
  std::string med = R"({"resourceType":"Medication","id":"hycela","code":{"text":"SC rituximab"},
    "ingredient":[{"itemCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"121191"}]}}]})";
  std::string order =
      R"({"resourceType":"MedicationRequest","id":"mr","status":"draft","intent":"order",
    "medicationReference":{"reference":"Medication/hycela"},"subject":{"reference":"Patient/p1"}})";
  auto r = h.Call(kSign, RequestBuilder("order-sign").DraftOrder(med).DraftOrder(order));
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

TEST(HbvSerologyMissingTest, TestAlreadyDraftedIsNotMissing) {
  HookHarness& h = SharedHarness();
  std::string sr = R"({"resourceType":"ServiceRequest","id":"sr1","status":"draft","intent":"order",
    "code":{"coding":[{"system":"http://loinc.org","code":"5196-1"}]},"subject":{"reference":"Patient/p1"}})";
  auto r = h.Call(kSign, RequestBuilder("order-sign")
                             .DraftOrder(RituximabDraft())
                             .DraftOrder(sr)
                             .Prefetch("hbvSerology",
                                       {AntiHbc("b", kRecent, kNeg), AntiHbs("c", kRecent, kNeg)}));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(HbvSerologyMissingTest, CardSuggestsServiceRequestsAndNamesEvidence) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSelect, RequestBuilder("order-select")
                               .DraftOrder(RituximabDraft())
                               .Prefetch("hbvSerology", {HbsAg("a", kOld, kNeg)}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  const auto& s = (*card)["suggestions"][0];
  EXPECT_TRUE(s["isRecommended"].GetBool());
  ASSERT_EQ(s["actions"].Size(), 3u);
  for (const auto& a : s["actions"].GetArray()) {
    EXPECT_STREQ(a["resource"]["resourceType"].GetString(), "ServiceRequest");
    EXPECT_STREQ(a["resource"]["code"]["coding"][0]["system"].GetString(), "http://loinc.org");
    EXPECT_STREQ(a["resource"]["subject"]["reference"].GetString(), "Patient/p1");
  }
  std::string detail = (*card)["detail"].GetString();
  EXPECT_NE(detail.find("MedicationRequest/rx1"), std::string::npos) << detail;
  EXPECT_NE(detail.find("Observation/a"), std::string::npos) << detail;
  EXPECT_NE(detail.find("2025-11-24"), std::string::npos) << detail;
  EXPECT_STREQ((*card)["source"]["topic"]["code"].GetString(), kRule);
  EXPECT_GE((*card)["overrideReasons"].Size(), 1u);
}

TEST(HbvSerologyMissingTest, PatientViewActiveOrder) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(
      kView, RequestBuilder("patient-view")
                 .Prefetch("medicationRequests", {RxMedicationRequest("m", kRituxan, "active")}));
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

TEST(HbvSerologyMissingTest, PatientViewExposureWindow) {
  struct Row {
    std::string what;
    std::string resource;
    bool fires;
  };
  const std::vector<Row> rows = {
      {"completed order 11 months ago",
       RxMedicationRequest("m", kRituxan, "completed", "2025-12-20"), true},
      {"completed order 13 months ago",
       RxMedicationRequest("m", kRituxan, "completed", "2025-10-20"), false},
      {"cancelled order last month", RxMedicationRequest("m", kRituxan, "cancelled", "2026-10-20"),
       false},
      {"on-hold order long ago", RxMedicationRequest("m", kRituxan, "on-hold", "2020-01-01"), true},
  };
  for (const Row& row : rows) {
    HookHarness& h = SharedHarness();
    auto r = h.Call(kView,
                    RequestBuilder("patient-view").Prefetch("medicationRequests", {row.resource}));
    EXPECT_EQ(r.Cards(kRule).size(), row.fires ? 1u : 0u) << row.what << ": " << r.body;
  }
  for (
      const auto& [what, admin, fires] : std::vector<std::tuple<std::string, std::string, bool>>{
          {"infusion 3 months ago",
           R"({"resourceType":"MedicationAdministration","id":"ma","status":"completed","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"121191"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-08-25T10:00:00Z"})",
           true},
          {"infusion 2 years ago",
           R"({"resourceType":"MedicationAdministration","id":"ma","status":"completed","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"121191"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-08-25T10:00:00Z"})",
           false}}) {
    HookHarness& h = SharedHarness();
    auto r = h.Call(kView,
                    RequestBuilder("patient-view").Prefetch("medicationAdministrations", {admin}));
    EXPECT_EQ(r.Cards(kRule).size(), fires ? 1u : 0u) << what << ": " << r.body;
  }
}

// The other rules of the service (baseline labs, dose check) may still fire on the same
// order: the engine then answers 200 with their cards plus the "could not be checked"
// card for this rule, instead of 412. Either way this rule stays silent.
void ExpectNotCheckedCard(const HookResponse& r) {
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  if (r.status == 412) return;
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Cards("data-unavailable").size(), 1u) << r.body;
  EXPECT_NE(r.body.find("Hepatitis B serology before rituximab: hbvSerology"), std::string::npos)
      << r.body;
}

TEST(HbvSerologyMissingTest, SerologyUnavailableIsNotMissing) {
  HookHarness& h = SharedHarness();
  // The EHR reports that the serology query failed: the service must not claim "missing".
  auto r = h.Call(
      kSelect,
      RequestBuilder("order-select")
          .DraftOrder(RituximabDraft())
          .PrefetchRaw(
              "hbvSerology",
              R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]})"));
  ExpectNotCheckedCard(r);
  EXPECT_EQ(r.body.find("serology not on file"), std::string::npos);
}

TEST(HbvSerologyMissingTest, SerologyAbsentAndNoFhirServerIs412) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(
      kSelect,
      RequestBuilder("order-select").DraftOrder(RituximabDraft()).LeaveAbsent("hbvSerology"));
  ExpectNotCheckedCard(r);
  EXPECT_NE(r.body.find("hbvSerology"), std::string::npos) << r.body;
}

TEST(HbvSerologyMissingTest, NullPrefetchAndEmptySearchsetMeanNoData) {
  for (const std::string& value :
       {std::string("null"), std::string(R"({"resourceType":"Bundle","type":"searchset"})")}) {
    HookHarness& h = SharedHarness();
    auto r = h.Call(kSelect, RequestBuilder("order-select")
                                 .DraftOrder(RituximabDraft())
                                 .PrefetchRaw("hbvSerology", value));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Cards(kRule).size(), 1u) << value;
  }
}

}  // namespace
}  // namespace cds::testing

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kHbvSerologyMissingConfig = ConfigCases(
    "hbv-serology-missing",
    {{"MisspeltKey", "/negative_valid_fo", R"("12mo")",
      "$.negative_valid_fo: unknown setting for this rule (misspelt?)"},
     {"NoTests", "/tests", "[]", "$.tests: must list at least one test"},
     {"CutoffUnitUnknown", "/tests/0/quantitative_positive_at_or_above/unit", R"("IU per mL")",
      "$.tests[0].quantitative_positive_at_or_above.unit: unknown UCUM unit 'IU per mL'"},
     {"TestCodesUnknown", "/tests/2/codes", R"("anti-hbs-x")",
      "$.tests[2].codes: unknown value set 'anti-hbs-x'"},
     {"TestKeyMisspelt", "/tests/0/requred", "true",
      "$.tests[0].requred: unknown setting (misspelt?)"},
     {"OptionalIndicatorUnknown", "/indicator_when_only_optional_missing", R"("low")",
      "$.indicator_when_only_optional_missing: must be info, warning or critical"},
     {"UnknownPlaceholder", "/suggestion_label", R"("Order {tests}")",
      "$.suggestion_label: unknown placeholder {tests}; this rule provides: {missing}, {window}"},
     {"NegativeValidForNotADuration", "/negative_valid_for", R"("1 year")",
      "$.negative_valid_for: '1 year' is not a duration like 12mo, 90d, 2w or 5y"}});

INSTANTIATE_TEST_SUITE_P(HbvSerologyMissingConfig, RuleConfigTest,
                         ::testing::ValuesIn(kHbvSerologyMissingConfig), ConfigCaseName);

TEST(HbvSerologyMissingConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("hbv-serology-missing", kHbvSerologyMissingConfig);
}

}  // namespace
}  // namespace cds::testing
