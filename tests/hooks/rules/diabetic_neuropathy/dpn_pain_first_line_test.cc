// dpn-pain-first-line: table-driven over conditions (painful or not, depression), the
// first-line drugs in every coding and status, and data availability.
#include <gtest/gtest.h>

#include "tests/hooks/rules/diabetic_neuropathy/diabetes_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::dpn {
namespace {

constexpr char kRule[] = "dpn-pain-first-line";
const std::string kPainful = Snomed("pdn", kPainfulDpn);

enum class Expect { kNone, kPlain, kDepression };

struct Case {
  std::string name;
  std::vector<std::string> conditions;
  std::vector<std::string> requests;
  std::vector<std::string> statements;
  Expect expect;
};

class DpnPainFirstLineTable : public ::testing::TestWithParam<Case> {};

TEST_P(DpnPainFirstLineTable, PatientView) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", c.conditions)
                             .Prefetch("medicationRequests", c.requests)
                             .Prefetch("medicationStatements", c.statements));
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  if (c.expect == Expect::kNone) {
    EXPECT_TRUE(cards.empty()) << r.body;
    return;
  }
  ASSERT_EQ(cards.size(), 1u) << r.body;
  std::string summary = Str(*cards[0], "summary");
  const auto& first = (*cards[0])["suggestions"][0];
  if (c.expect == Expect::kDepression) {
    EXPECT_TRUE(Contains(summary, "duloxetine 60 mg daily is favoured")) << summary;
    EXPECT_TRUE(first.HasMember("isRecommended") && first["isRecommended"].GetBool());
  } else {
    EXPECT_TRUE(Contains(summary, "no first-line drug")) << summary;
    EXPECT_FALSE(first.HasMember("isRecommended")) << r.body;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DpnPainFirstLineTable,
    ::testing::Values(
        Case{"PainfulNoDrug", {kPainful}, {}, {}, Expect::kPlain},
        Case{"EachPainfulCode",
             {Snomed("a", "193183000"), Snomed("b", "230574001"), Snomed("c", "230575000")},
             {},
             {},
             Expect::kPlain},
        Case{"PainfulWithDepression",
             {kPainful, Snomed("dep", kDepression)},
             {},
             {},
             Expect::kDepression},
        Case{"PainfulWithMajorDepressionIcd",
             {kPainful, Icd("dep", "F32.A")},
             {},
             {},
             Expect::kDepression},
        Case{"RefutedDepressionIsPlain",
             {kPainful,
              CodedCondition("dep", kSnomed, kDepression, "active", Verification("refuted"))},
             {},
             {},
             Expect::kPlain},
        Case{"ResolvedDepressionIsPlain",
             {kPainful, CodedCondition("dep", kSnomed, kDepression, "resolved")},
             {},
             {},
             Expect::kPlain},
        Case{"PainlessDiabeticNeuropathyNoCard",
             {Snomed("dpn", kT2Neuropathy)},
             {},
             {},
             Expect::kNone},
        Case{"IcdPolyneuropathyCannotSayPainful", {Icd("dpn", "E11.42")}, {}, {}, Expect::kNone},
        Case{"EnteredInErrorPainfulIgnored",
             {CodedCondition("pdn", kSnomed, kPainfulDpn, "active",
                             Verification("entered-in-error"))},
             {},
             {},
             Expect::kNone},
        Case{"ResolvedPainfulIgnored",
             {CodedCondition("pdn", kSnomed, kPainfulDpn, "resolved")},
             {},
             {},
             Expect::kNone},
        // Drugs that suppress the card, as written in real orders.
        Case{"DuloxetineScdActive",
             {kPainful},
             {RxMedicationRequest("m", "596934", "active")},
             {},
             Expect::kNone},
        Case{"DuloxetineIngredient",
             {kPainful},
             {RxMedicationRequest("m", "72625", "active")},
             {},
             Expect::kNone},
        Case{"CymbaltaSbdOnHold",
             {kPainful},
             {RxMedicationRequest("m", "615186", "on-hold")},
             {},
             Expect::kNone},
        Case{"LyricaSbd",
             {kPainful},
             {RxMedicationRequest("m", "607018", "active")},
             {},
             Expect::kNone},
        Case{"PregabalinExtendedRelease",
             {kPainful},
             {RxMedicationRequest("m", "1988977", "active")},
             {},
             Expect::kNone},
        Case{"GabapentinStatement",
             {kPainful},
             {},
             {MedStatement("s", kRxNorm, "25480")},
             Expect::kNone},
        Case{"GabapentinIntendedStatement",
             {kPainful},
             {},
             {MedStatement("s", kRxNorm, "310431", "intended")},
             Expect::kNone},
        Case{"HorizantEnacarbil",
             {kPainful},
             {RxMedicationRequest("m", "1482821", "active")},
             {},
             Expect::kNone},
        Case{"GabapentinAtcCurrent",
             {kPainful},
             {MedRequest("m", kAtc, "N02BF01")},
             {},
             Expect::kNone},
        Case{"PregabalinAtcLegacy",
             {kPainful},
             {MedRequest("m", kAtc, "N03AX16")},
             {},
             Expect::kNone},
        // Records that do not suppress it.
        Case{"StoppedGabapentinStillFires",
             {kPainful},
             {RxMedicationRequest("m", "310431", "stopped", "2025-03-01")},
             {},
             Expect::kPlain},
        Case{"CancelledDuloxetineFires",
             {kPainful},
             {RxMedicationRequest("m", "596934", "cancelled")},
             {},
             Expect::kPlain},
        Case{"EnteredInErrorOrderFires",
             {kPainful},
             {RxMedicationRequest("m", "596934", "entered-in-error")},
             {},
             Expect::kPlain},
        Case{"NotTakenStatementFires",
             {kPainful},
             {},
             {MedStatement("s", kRxNorm, "72625", "not-taken")},
             Expect::kPlain},
        Case{"CompletedStatementFires",
             {kPainful},
             {},
             {MedStatement("s", kRxNorm, "72625", "completed")},
             Expect::kPlain},
        Case{"TricyclicDoesNotSuppress",
             {kPainful},
             {RxMedicationRequest("m", "856783", "active")},
             {},
             Expect::kPlain},
        Case{"OtherPatientsDuloxetineIgnored",
             {kPainful},
             {RxMedicationRequest("m", "596934", "active", "", "", "someone-else")},
             {},
             Expect::kPlain}),
    [](const auto& row) { return row.param.name; });

TEST(DpnPainFirstLineTest, SuggestionsCreateFirstLineMedicationRequests) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view").Prefetch("conditions", {kPainful}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(Str(*card, "indicator"), "info");
  EXPECT_EQ(Str(*card, "selectionBehavior"), "at-most-one");
  const auto& s = (*card)["suggestions"];
  ASSERT_EQ(s.Size(), 3u);
  struct Want {
    const char* rxnorm;
    double dose;
    int frequency;
  };
  const Want want[] = {{"596934", 60, 1}, {"483448", 50, 3}, {"310431", 300, 1}};
  for (unsigned i = 0; i < 3; ++i) {
    const auto& res = s[i]["actions"][0]["resource"];
    EXPECT_EQ(Str(s[i]["actions"][0], "type"), "create");
    EXPECT_EQ(Str(res, "resourceType"), "MedicationRequest");
    EXPECT_EQ(Str(res, "status"), "draft");
    EXPECT_EQ(Str(res["medicationCodeableConcept"]["coding"][0], "code"), want[i].rxnorm);
    const auto& dosage = res["dosageInstruction"][0];
    EXPECT_DOUBLE_EQ(dosage["doseAndRate"][0]["doseQuantity"]["value"].GetDouble(), want[i].dose);
    EXPECT_EQ(Str(dosage["doseAndRate"][0]["doseQuantity"], "code"), "mg");
    EXPECT_EQ(dosage["timing"]["repeat"]["frequency"].GetInt(), want[i].frequency);
    EXPECT_EQ(Str(dosage["timing"]["repeat"], "periodUnit"), "d");
    EXPECT_EQ(Str(res["subject"], "reference"), "Patient/p1");
  }
  std::string detail = Str(*card, "detail");
  EXPECT_TRUE(Contains(detail, "Condition/pdn")) << detail;
  EXPECT_TRUE(Contains(detail, "second line")) << detail;
  EXPECT_TRUE(Contains(detail, "No active duloxetine, pregabalin or gabapentin")) << detail;
}

TEST(DpnPainFirstLineTest, DepressionCardSaysDuloxetineIsFavoured) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kPainful, Snomed("dep", "370143000")}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  std::string detail = Str(*card, "detail");
  EXPECT_TRUE(Contains(detail, "Depression is on the problem list")) << detail;
  EXPECT_TRUE(Contains(detail, "Condition/dep")) << detail;
  const auto& s = (*card)["suggestions"];
  EXPECT_TRUE(s[0]["isRecommended"].GetBool());
  EXPECT_EQ(Str(s[0]["actions"][0]["resource"]["medicationCodeableConcept"]["coding"][0], "code"),
            "596934");
  EXPECT_FALSE(s[1].HasMember("isRecommended"));
}

TEST(DpnPainFirstLineTest, EarlierTrialIsShown) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView,
                  RequestBuilder("patient-view")
                      .Prefetch("conditions", {kPainful})
                      .Prefetch("medicationRequests",
                                {RxMedicationRequest("gaba", "310431", "stopped", "2025-03-01")}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  std::string detail = Str(*card, "detail");
  EXPECT_TRUE(Contains(detail, "MedicationRequest/gaba")) << detail;
  EXPECT_TRUE(Contains(detail, "earlier trial")) << detail;
}

TEST(DpnPainFirstLineTest, MedicationReferenceToContainedDuloxetine) {
  HookHarness& h = SharedHarness();
  std::string mr =
      R"({"resourceType":"MedicationRequest","id":"mr","status":"active","intent":"order",
    "contained":[{"resourceType":"Medication","id":"m1","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"596934"}]}}],
    "medicationReference":{"reference":"#m1"},"subject":{"reference":"Patient/p1"}})";
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kPainful})
                             .Prefetch("medicationRequests", {mr}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(DpnPainFirstLineTest, UnresolvableMedicationReferenceIsNotReadAsNone) {
  // Medication/x is neither in the request nor fetchable: the rule cannot tell whether
  // the patient takes a first-line drug and must not say they do not.
  HookHarness& h = SharedHarness();
  std::string mr =
      R"({"resourceType":"MedicationRequest","id":"mr","status":"active","intent":"order",
    "medicationReference":{"reference":"Medication/x"},"subject":{"reference":"Patient/p1"}})";
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kPainful})
                             .Prefetch("medicationRequests", {mr}));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_TRUE(r.status == 412 || HasUnavailableCard(r)) << r.body;
}

TEST(DpnPainFirstLineTest, PastRecordsNeverWaitForAFetch) {
  // A stopped order naming a Medication that is not in the request: it could only add
  // an "earlier trial" line, so it must not make the rule wait for (or fail on) a read.
  HookHarness& h = SharedHarness();
  std::string stopped =
      R"({"resourceType":"MedicationRequest","id":"old","status":"stopped","intent":"order",
    "medicationReference":{"reference":"Medication/zzz"},"subject":{"reference":"Patient/p1"}})";
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kPainful})
                             .Prefetch("medicationRequests", {stopped}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
  EXPECT_FALSE(HasUnavailableCard(r)) << r.body;
}

TEST(DpnPainFirstLineTest, EarlierTrialThroughContainedMedication) {
  HookHarness& h = SharedHarness();
  std::string stopped =
      R"({"resourceType":"MedicationRequest","id":"old","status":"completed","intent":"order",
    "contained":[{"resourceType":"Medication","id":"m","code":{"text":"Lyrica"},"ingredient":[{"itemCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"187832"}]}}]}],
    "medicationReference":{"reference":"#m"},"subject":{"reference":"Patient/p1"}})";
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kPainful})
                             .Prefetch("medicationRequests", {stopped}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_TRUE(Contains(Str(*card, "detail"), "MedicationRequest/old")) << Str(*card, "detail");
}

TEST(DpnPainFirstLineTest, MedicationsUnavailableAloneIs412) {
  // Recent labs keep the lab rules quiet, so nothing else can be said: 412.
  std::vector<std::string> labs;
  for (const char* loinc : {"4548-4", "2132-9", "3016-3", "2900-9", "2284-8", "24351-9"}) {
    labs.push_back(
        LoincObservation(std::string("l") + loinc, loinc, "2026-10-01", Quantity(6.0, "%")));
  }
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kPainful})
                             .Prefetch("neuropathyLabs", labs)
                             .PrefetchRaw("medicationStatements", OperationOutcome()));
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_FALSE(Contains(r.body, "no first-line drug")) << r.body;
}

TEST(DpnPainFirstLineTest, MedicationsAbsentWithOtherCardsGivesNoFalseCard) {
  HookHarness& h = SharedHarness();  // the type 2 neuropathy also makes dan-screening-due and the
                                     // lab rules speak
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kPainful, Snomed("dm", kT2Diabetes)})
                             .LeaveAbsent("medicationRequests"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_TRUE(HasUnavailableCard(r)) << r.body;
}

TEST(DpnPainFirstLineTest, NullMedicationsMeanNoneTaken) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kView, RequestBuilder("patient-view")
                             .Prefetch("conditions", {kPainful})
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

const std::vector<ConfigCase> kDpnPainFirstLineConfig = ConfigCases(
    "dpn-pain-first-line",
    {{"MisspeltKey", "/alternative", "[]",
      "$.alternative: unknown setting for this rule (misspelt?)"},
     {"DuloxetineNotFirstLine", "/duloxetine/medication/code", R"("866427")",
      "$.duloxetine: medication must be in the first_line_drugs value set"},
     {"AlternativeNotFirstLine", "/alternatives/1/medication/code", R"("866427")",
      "$.alternatives: medication 866427 is not in the first_line_drugs value set"},
     {"NoAlternatives", "/alternatives", "[]", "$.alternatives: must list at least one medication"},
     {"DuloxetinePeriodUnit", "/duloxetine/frequency/period_unit", R"("min")",
      "$.duloxetine.frequency.period_unit: must be h, d, wk or mo"},
     {"AlternativeDoseZero", "/alternatives/0/dose/value", "0",
      "$.alternatives[0].dose.value: must be > 0"},
     {"UnknownPlaceholder", "/summary", R"("{depression}")",
      "$.summary: unknown placeholder {depression}; this rule provides: none"}});

INSTANTIATE_TEST_SUITE_P(DpnPainFirstLineConfig, RuleConfigTest,
                         ::testing::ValuesIn(kDpnPainFirstLineConfig), ConfigCaseName);

TEST(DpnPainFirstLineConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("dpn-pain-first-line", kDpnPainFirstLineConfig);
}

}  // namespace
}  // namespace cds::testing
