// hbv-prophylaxis-missing: positive HBsAg / anti-HBc under rituximab without antiviral
// prophylaxis (critical). Table-driven over serology, prophylaxis sources and data states.
#include <gtest/gtest.h>

#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing {
namespace {

constexpr char kRule[] = "hbv-prophylaxis-missing";
constexpr char kSelect[] = "rituximab-safety-order-select";
constexpr char kSign[] = "rituximab-safety-order-sign";
constexpr char kView[] = "rituximab-safety-patient-view";
constexpr char kTruxima[] = "2105831";
constexpr char kEntecavirTab[] = "485434";  // entecavir 0.5 MG Oral Tablet
constexpr char kViread[] = "352050";        // tenofovir disoproxil fumarate 300 MG [Viread]
constexpr char kVemlidy[] = "1858267";      // tenofovir alafenamide 25 MG [Vemlidy]
constexpr char kLamivudineHbv[] =
    "213483";  // lamivudine 100 MG [Epivir HBV]: not prophylaxis by default
constexpr char kAmoxicillin[] = "617993";

const std::string kPos = SnomedValue("10828004");
const std::string kNeg = SnomedValue("260385009");

std::string AntiHbc(std::string_view id, std::string_view date, std::string_view value) {
  return LoincObservation(id, "16933-4", date, value);
}
std::string HbsAg(std::string_view id, std::string_view date, std::string_view value) {
  return LoincObservation(id, "5196-1", date, value);
}

struct Case {
  std::string name;
  std::vector<std::string> serology;
  std::vector<std::string> med_requests;
  std::vector<std::string> med_statements;
  std::vector<std::string> extra_drafts;  // order-sign drafts beside the rituximab
  bool fires;
};

class HbvProphylaxisTable : public ::testing::TestWithParam<Case> {};

TEST_P(HbvProphylaxisTable, OrderSign) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  RequestBuilder b("order-sign");
  b.DraftOrder(RxMedicationRequest("rtx", kTruxima, "draft"));
  for (const std::string& d : c.extra_drafts) b.DraftOrder(d);
  b.Prefetch("hbvSerology", c.serology);
  b.Prefetch("medicationRequests", c.med_requests);
  b.Prefetch("medicationStatements", c.med_statements);
  auto r = h.Call(kSign, b);
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  ASSERT_EQ(cards.size(), c.fires ? 1u : 0u) << r.body;
  if (c.fires) {
    EXPECT_STREQ((*cards[0])["indicator"].GetString(), "critical");
  }
}

const std::string kStatementEntecavir =
    R"({"resourceType":"MedicationStatement","id":"ms1","status":"active","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"306266"}]},"subject":{"reference":"Patient/p1"}})";
const std::string kStatementStopped =
    R"({"resourceType":"MedicationStatement","id":"ms1","status":"completed","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"306266"}]},"subject":{"reference":"Patient/p1"}})";

INSTANTIATE_TEST_SUITE_P(
    Cases, HbvProphylaxisTable,
    ::testing::Values(
        Case{"AntiHbcPositiveNoAntiviral", {AntiHbc("c", "2026-09-14", kPos)}, {}, {}, {}, true},
        Case{"HbsAgPositiveNoAntiviral", {HbsAg("s", "2019-01-01", kPos)}, {}, {}, {}, true},
        Case{"BothNegative",
             {AntiHbc("c", "2026-09-14", kNeg), HbsAg("s", "2026-09-14", kNeg)},
             {},
             {},
             {},
             false},
        Case{"NoSerologyIsAnotherRulesCase", {}, {}, {}, {}, false},
        Case{"LatestAntiHbcNegativeAfterOlderPositive",  // latest result decides
             {AntiHbc("old", "2020-01-01", kPos), AntiHbc("new", "2026-09-14", kNeg)},
             {},
             {},
             {},
             false},
        Case{"ActiveEntecavirOrder",
             {AntiHbc("c", "2026-09-14", kPos)},
             {RxMedicationRequest("e", kEntecavirTab, "active")},
             {},
             {},
             false},
        Case{"OnHoldTenofovirOrder",
             {AntiHbc("c", "2026-09-14", kPos)},
             {RxMedicationRequest("t", kViread, "on-hold")},
             {},
             {},
             false},
        Case{"CompletedEntecavirOrderDoesNotCount",
             {AntiHbc("c", "2026-09-14", kPos)},
             {RxMedicationRequest("e", kEntecavirTab, "completed", "2025-01-01")},
             {},
             {},
             true},
        Case{"ActiveStatement",
             {AntiHbc("c", "2026-09-14", kPos)},
             {},
             {kStatementEntecavir},
             {},
             false},
        Case{"StoppedStatementDoesNotCount",
             {AntiHbc("c", "2026-09-14", kPos)},
             {},
             {kStatementStopped},
             {},
             true},
        Case{"AntiviralInTheSameOrderSet",
             {AntiHbc("c", "2026-09-14", kPos)},
             {},
             {},
             {RxMedicationRequest("d2", kVemlidy, "draft")},
             false},
        Case{"LamivudineIsNotProphylaxisByDefault",
             {AntiHbc("c", "2026-09-14", kPos)},
             {RxMedicationRequest("l", kLamivudineHbv, "active")},
             {},
             {},
             true},
        Case{"UnrelatedDrugs",
             {AntiHbc("c", "2026-09-14", kPos)},
             {RxMedicationRequest("a", kAmoxicillin, "active")},
             {},
             {},
             true},
        Case{"PositiveByStringValue",
             {AntiHbc("c", "2026-09-14", R"("valueString":"Reactive")")},
             {},
             {},
             {},
             true},
        Case{
            "PositiveByInterpretation",
            {AntiHbc(
                "c", "2026-09-14",
                R"("interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"POS"}]}])")},
            {},
            {},
            {},
            true},
        Case{"QuantitativeHbsAgAboveCutoff",
             {LoincObservation("q", "63557-3", "2026-09-14", Quantity(250, "[IU]/mL"))},
             {},
             {},
             {},
             true},
        Case{"PositiveOfAnotherPatientIgnored",
             {LoincObservation("c", "16933-4", "2026-09-14", kPos, "final", "other-patient")},
             {},
             {},
             {},
             false}),
    [](const auto& row) { return row.param.name; });

TEST(HbvProphylaxisMissingTest, CardContent) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSelect, RequestBuilder("order-select")
                               .DraftOrder(RxMedicationRequest("rtx", kTruxima, "draft"))
                               .Prefetch("hbvSerology", {HbsAg("s", "2026-10-01", kPos)}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  std::string summary = (*card)["summary"].GetString();
  EXPECT_NE(summary.find("HBsAg"), std::string::npos) << summary;
  EXPECT_NE(summary.find("2026-10-01"), std::string::npos) << summary;
  std::string detail = (*card)["detail"].GetString();
  EXPECT_NE(detail.find("HBV DNA"), std::string::npos)
      << "HBsAg-positive detail names HBV DNA: " << detail;
  EXPECT_NE(detail.find("hepatology"), std::string::npos) << detail;
  EXPECT_NE(detail.find("Observation/s"), std::string::npos) << detail;
  // Recommended entecavir, alternatives tenofovir; at most one may be chosen.
  EXPECT_STREQ((*card)["selectionBehavior"].GetString(), "at-most-one");
  const auto& s = (*card)["suggestions"];
  ASSERT_GE(s.Size(), 2u);
  EXPECT_TRUE(s[0]["isRecommended"].GetBool());
  const auto& mr = s[0]["actions"][0]["resource"];
  EXPECT_STREQ(mr["resourceType"].GetString(), "MedicationRequest");
  EXPECT_STREQ(mr["medicationCodeableConcept"]["coding"][0]["code"].GetString(), kEntecavirTab);
  EXPECT_DOUBLE_EQ(
      mr["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"].GetDouble(), 0.5);
  EXPECT_STREQ(mr["dosageInstruction"][0]["timing"]["repeat"]["periodUnit"].GetString(), "d");
  EXPECT_FALSE(s[1].HasMember("isRecommended"));
  bool managed_elsewhere = false, hepatology = false;
  for (const auto& o : (*card)["overrideReasons"].GetArray()) {
    std::string d = o["display"].GetString();
    managed_elsewhere = managed_elsewhere || d == "Prophylaxis managed elsewhere";
    hepatology = hepatology || d == "Hepatology consulted";
  }
  EXPECT_TRUE(managed_elsewhere && hepatology) << r.body;
}

TEST(HbvProphylaxisMissingTest, AntiHbcOnlyDetailHasNoHbvDnaParagraph) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kSign, RequestBuilder("order-sign")
                             .DraftOrder(RxMedicationRequest("rtx", kTruxima, "draft"))
                             .Prefetch("hbvSerology", {AntiHbc("c", "2026-09-14", kPos),
                                                       HbsAg("s", "2026-09-14", kNeg)}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(std::string((*card)["detail"].GetString()).find("HBsAg positive:"), std::string::npos);
}

TEST(HbvProphylaxisMissingTest, MedicationStatementsUnavailableIsNotAbsence) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(
      kSign,
      RequestBuilder("order-sign")
          .DraftOrder(RxMedicationRequest("rtx", kTruxima, "draft"))
          .Prefetch("hbvSerology", {AntiHbc("c", "2026-09-14", kPos)})
          .PrefetchRaw(
              "medicationStatements",
              R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception"}]})"));
  // The prophylaxis check could not be made: no "no prophylaxis" claim.
  EXPECT_TRUE(r.status == 412 || r.Cards(kRule).empty()) << r.body;
  if (r.status == 200) {
    EXPECT_FALSE(r.Cards("data-unavailable").empty()) << r.body;
  }
}

TEST(HbvProphylaxisMissingTest, PatientViewOnRituximab) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(
      kView, RequestBuilder("patient-view")
                 .Prefetch("medicationRequests", {RxMedicationRequest("m", "1657864", "active")})
                 .Prefetch("hbvSerology", {AntiHbc("c", "2024-02-01", kPos)}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

TEST(HbvProphylaxisMissingTest, UnidentifiableMedicationIsNamedNotAssumed) {
  HookHarness& h = SharedHarness();
  // A MedicationRequest pointing at a contained Medication that is not there.
  std::string odd =
      R"({"resourceType":"MedicationRequest","id":"odd","status":"active","intent":"order",
    "medicationReference":{"reference":"#missing"},"subject":{"reference":"Patient/p1"}})";
  auto r = h.Call(kSign, RequestBuilder("order-sign")
                             .DraftOrder(RxMedicationRequest("rtx", kTruxima, "draft"))
                             .Prefetch("hbvSerology", {AntiHbc("c", "2026-09-14", kPos)})
                             .Prefetch("medicationRequests", {odd}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_NE(std::string((*card)["detail"].GetString()).find("could not be identified"),
            std::string::npos);
}

}  // namespace
}  // namespace cds::testing

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kHbvProphylaxisMissingConfig = ConfigCases(
    "hbv-prophylaxis-missing",
    {{"MisspeltKey", "/antiviral", R"("x")",
      "$.antiviral: unknown setting for this rule (misspelt?)"},
     {"HbsagCutoffUnitUnknown", "/hbsag/quantitative_positive_at_or_above/unit", R"("IU per mL")",
      "$.hbsag.quantitative_positive_at_or_above.unit: unknown UCUM unit 'IU per mL'"},
     {"AntiHbcCutoffUnitUnknown", "/anti_hbc/quantitative_positive_at_or_above",
      R"({"value":1,"unit":"parsec"})",
      "$.anti_hbc.quantitative_positive_at_or_above.unit: unknown UCUM unit 'parsec'"},
     {"HbsagRequiredNotABool", "/hbsag/required", R"("yes")",
      "$.hbsag.required: must be true or false"},
     {"EvidenceLineMissing", "/no_prophylaxis_evidence", "",
      "$.no_prophylaxis_evidence: is required"},
     {"RecommendedCountZero", "/recommended/frequency/count", "0",
      "$.recommended.frequency.count: must be 1-24"},
     {"AlternativeUnitMissing", "/alternatives/1/dose/unit", "",
      "$.alternatives[1].dose.unit: is required"},
     {"ExposureLookbackMissing", "/exposure/lookback", "", "$.exposure.lookback: is required"}});

INSTANTIATE_TEST_SUITE_P(HbvProphylaxisMissingConfig, RuleConfigTest,
                         ::testing::ValuesIn(kHbvProphylaxisMissingConfig), ConfigCaseName);

TEST(HbvProphylaxisMissingConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("hbv-prophylaxis-missing", kHbvProphylaxisMissingConfig);
}

}  // namespace
}  // namespace cds::testing
