// anti-mag-rituximab: table-driven over how the diagnosis is recognised (positive anti-MAG
// IgM written each way, Waldenstrom, MGUS with / without IgM in its text), which
// neuropathy codes count, rituximab history, the 24-month duration boundary, severity,
// and data availability. Real service, bundled knowledge, now = 2026-11-25T12:00Z: the
// 24-month window starts 2024-11-25T00:00Z.
#include <gtest/gtest.h>

#include "tests/hooks/rules/immunology_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::immuno {
namespace {

constexpr char kRule[] = "anti-mag-rituximab";

std::string G63(std::string_view extra = "") { return Cond("g63", kIcd, "G63", "active", extra); }
std::string AntiMag(std::string_view id, std::string_view date, std::string_view value,
                    std::string_view status = "final") {
  return LoincObservation(id, "39087-2", date, value, status);
}
const std::string kPos = SnomedValue("10828004");
const std::string kNeg = SnomedValue("260385009");
const std::string kHighTiter =
    R"("valueQuantity":{"value":25600},"interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"H"}]}])";
const std::string kWmCondition = Cond("wm", kIcd, "C88.0");
// MGUS with code.text (the builder's code has no text, so write the whole resource).
std::string MgusWithText(std::string_view text) {
  return R"({"resourceType":"Condition","id":"mgus","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"D47.2"}],"text":)" +
         Q(text) + R"(},"subject":{"reference":"Patient/p1"}})";
}

enum class Expect { kNone, kAntiMag, kWaldenstrom, kIgmMgus };

struct Case {
  std::string name;
  std::vector<std::string> conditions;
  std::vector<std::string> anti_mag;
  std::vector<std::string> meds;  // medicationAdministrations
  Expect expect;
  std::string in_detail = "";
};

class AntiMagRituximabTable : public ::testing::TestWithParam<Case> {};

TEST_P(AntiMagRituximabTable, PatientView) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroView, RequestBuilder("patient-view")
                                  .Prefetch("conditions", c.conditions)
                                  .Prefetch("antiMag", c.anti_mag)
                                  .Prefetch("medicationAdministrations", c.meds));
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  if (c.expect == Expect::kNone) {
    EXPECT_TRUE(cards.empty()) << r.body;
    return;
  }
  ASSERT_EQ(cards.size(), 1u) << r.body;
  EXPECT_EQ(Str(*cards[0], "indicator"), "info");
  std::string summary = Str(*cards[0], "summary");
  const char* diagnosis = c.expect == Expect::kAntiMag       ? "IgM anti-MAG neuropathy"
                          : c.expect == Expect::kWaldenstrom ? "(Waldenström macroglobulinaemia)"
                                                             : "(IgM monoclonal gammopathy)";
  EXPECT_TRUE(Contains(summary, diagnosis)) << summary;
  std::string detail = Str(*cards[0], "detail");
  EXPECT_TRUE(Contains(detail, "375 mg/m² once weekly × 4")) << detail;
  EXPECT_TRUE(Contains(detail, "1000 mg on day 1 and day 15")) << detail;
  EXPECT_TRUE(Contains(detail, "Treat neuropathic pain alongside")) << detail;
  EXPECT_TRUE(Contains(detail, c.in_detail)) << c.in_detail << "\n" << detail;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AntiMagRituximabTable,
    ::testing::Values(
        // Anti-MAG IgM, each way a result is written.
        Case{"PositiveCoded",
             {G63()},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kAntiMag,
             "Observation/m"},
        Case{"PositiveString",
             {G63()},
             {AntiMag("m", "2026-10-01", R"("valueString":"Positive")")},
             {},
             Expect::kAntiMag},
        Case{"HighTiterFlaggedH",
             {G63()},
             {AntiMag("m", "2026-10-01", kHighTiter)},
             {},
             Expect::kAntiMag},
        Case{"TiterWithoutFlagIsNotRead",
             {G63()},
             {AntiMag("m", "2026-10-01", R"("valueQuantity":{"value":25600})")},
             {},
             Expect::kNone},
        Case{"Negative", {G63()}, {AntiMag("m", "2026-10-01", kNeg)}, {}, Expect::kNone},
        Case{"LatestNegativeWins",
             {G63()},
             {AntiMag("a", "2025-01-01", kPos), AntiMag("b", "2026-10-01", kNeg)},
             {},
             Expect::kNone},
        Case{"UnreadableLatestSkipped",
             {G63()},
             {AntiMag("a", "2025-01-01", kPos),
              AntiMag("b", "2026-10-01", R"("valueString":"see report")")},
             {},
             Expect::kAntiMag},
        Case{"PreliminaryIgnored",
             {G63()},
             {AntiMag("m", "2026-10-01", kPos, "preliminary")},
             {},
             Expect::kNone},
        Case{"CidpWithAntiMag",
             {Cond("cidp", kSnomed, "128209004")},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kAntiMag},
        Case{"NonSpecificNeuropathyWithAntiMag",
             {Cond("pn", kSnomed, kPeripheralNerveDisease)},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kAntiMag},
        Case{"DiabeticNeuropathyOnlyNoCard",
             {Cond("dn", kSnomed, kDiabeticNeuropathy)},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kNone},
        Case{"NoNeuropathyNoCard",
             {kWmCondition},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kNone},
        Case{"NeuropathyEnteredInErrorNoCard",
             {G63(Verification("entered-in-error"))},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kNone},
        Case{"NeuropathyResolvedNoCard",
             {Cond("g63", kIcd, "G63", "resolved")},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kNone},
        // Paraprotein conditions.
        Case{"WaldenstromIcd", {G63(), kWmCondition}, {}, {}, Expect::kWaldenstrom, "Condition/wm"},
        Case{"WaldenstromSnomed",
             {G63(), Cond("wm", kSnomed, kWaldenstrom)},
             {},
             {},
             Expect::kWaldenstrom},
        Case{"WaldenstromEvenIfAntiMagNegative",
             {G63(), kWmCondition},
             {AntiMag("m", "2026-10-01", kNeg)},
             {},
             Expect::kWaldenstrom},
        Case{"WaldenstromRefutedNoCard",
             {G63(), Cond("wm", kIcd, "C88.0", "active", Verification("refuted"))},
             {},
             {},
             Expect::kNone},
        Case{"MgusWithoutIsotypeNoCard",
             {G63(), Cond("mgus", kIcd, "D47.2")},
             {},
             {},
             Expect::kNone},
        Case{"SnomedMgusWithoutIsotypeNoCard",
             {G63(), Cond("mgus", kSnomed, kMgus)},
             {},
             {},
             Expect::kNone},
        Case{"MgusTextSaysIgm", {G63(), MgusWithText("IgM kappa MGUS")}, {}, {}, Expect::kIgmMgus},
        Case{"MgusDisplaySaysIgm",
             {G63(), Cond("mgus", kSnomed, kMgus, "active", "", "IgM monoclonal gammopathy")},
             {},
             {},
             Expect::kIgmMgus},
        Case{"MgusTextSaysIgmHyphenated",
             {G63(), MgusWithText("MGUS, IgM-lambda")},
             {},
             {},
             Expect::kIgmMgus},
        Case{"MgusNonIgmNoCard", {G63(), MgusWithText("non-IgM MGUS")}, {}, {}, Expect::kNone},
        Case{"MgusIgmInsideAWordNoCard", {G63(), MgusWithText("IgMA MGUS")}, {}, {}, Expect::kNone},
        // Rituximab history.
        Case{"RituximabGivenNoCard",
             {G63()},
             {AntiMag("m", "2026-10-01", kPos)},
             {MedAdmin("r", kRxNorm, kTruxima, "2025-03-01")},
             Expect::kNone},
        Case{"RituximabLongAgoCounts",
             {G63()},
             {AntiMag("m", "2026-10-01", kPos)},
             {MedAdmin("r", kRxNorm, kTruxima, "2004-03-01")},
             Expect::kAntiMag},
        Case{"OtherDrugDoesNotCount",
             {G63()},
             {AntiMag("m", "2026-10-01", kPos)},
             {MedAdmin("r", kRxNorm, kAmoxicillin, "2026-03-01")},
             Expect::kAntiMag},
        // Duration: earlier treatment (<= 24 months) responds better.
        Case{"OnsetExactly24MonthsAgoIsEarly",
             {G63(Onset("2024-11-25"))},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kAntiMag,
             "Onset **2024-11-25**: within 24 months of onset"},
        Case{"Onset24MonthsAndADayIsLate",
             {G63(Onset("2024-11-24"))},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kAntiMag,
             "Onset **2024-11-24**: more than 24 months ago"},
        Case{"OnsetMonthPrecisionReachingIntoWindowIsEarly",
             {G63(Onset("2024-11"))},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kAntiMag,
             "within 24 months of onset"},
        Case{"OnsetRecentIsEarly",
             {G63(Onset("2026-05-01"))},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kAntiMag,
             "do not delay"},
        Case{"OnsetUnknown",
             {G63()},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kAntiMag,
             "Onset not recorded"},
        Case{"RecordedDateStandsInForOnset",
             {G63(R"("recordedDate":"2020-01-01")")},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kAntiMag,
             "more than 24 months ago"},
        // Severity.
        Case{"SevereStressesHighDoseRegimen",
             {G63(Severity(kSevere))},
             {AntiMag("m", "2026-10-01", kPos)},
             {},
             Expect::kAntiMag,
             "recorded as **severe**"}),
    [](const auto& row) { return row.param.name; });

TEST(AntiMagRituximabTest, ActiveRituximabOrderSuppresses) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroView, RequestBuilder("patient-view")
                                  .Prefetch("conditions", {G63(), kWmCondition})
                                  .Prefetch("medicationRequests",
                                            {RxMedicationRequest("mr", kTruxima, "active")}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(AntiMagRituximabTest, ModerateDoesNotStressHighDose) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroView, RequestBuilder("patient-view")
                                  .Prefetch("conditions", {G63(Severity(kModerate))})
                                  .Prefetch("antiMag", {AntiMag("m", "2026-10-01", kPos)}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_FALSE(Contains(Str(*card, "detail"), "recorded as **severe**"));
  EXPECT_TRUE(Contains(Str(*card, "detail"), "Rule `anti-mag-rituximab`"));
  EXPECT_TRUE(Contains(Str(*card, "detail"),
                       "No rituximab order, administration or statement in the last 20 years"));
}

void ExpectUndecided(const HookResponse& r) {
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  if (r.status == 412) return;
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards("data-unavailable").size(), 1u) << r.body;
}

TEST(AntiMagRituximabTest, AntiMagUnavailableIsUndecided) {
  HookHarness& h = SharedHarness();
  ExpectUndecided(h.Call(kNeuroView, RequestBuilder("patient-view")
                                         .Prefetch("conditions", {G63()})
                                         .PrefetchRaw("antiMag", kUnavailable)));
}

TEST(AntiMagRituximabTest, ConditionsUnavailableIsUndecided) {
  HookHarness& h = SharedHarness();
  ExpectUndecided(
      h.Call(kNeuroView, RequestBuilder("patient-view").PrefetchRaw("conditions", kUnavailable)));
}

TEST(AntiMagRituximabTest, MedicationHistoryUnavailableNeverClaimsNoRituximab) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroView, RequestBuilder("patient-view")
                                  .Prefetch("conditions", {G63(), kWmCondition})
                                  .PrefetchRaw("medicationAdministrations", kUnavailable));
  ExpectUndecided(r);
  EXPECT_FALSE(Contains(r.body, "No rituximab order")) << r.body;
}

}  // namespace
}  // namespace cds::testing::immuno

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kAntiMagRituximabConfig = ConfigCases(
    "anti-mag-rituximab",
    {{"MisspeltKey", "/early_treatment_windw", R"("24mo")",
      "$.early_treatment_windw: unknown setting for this rule (misspelt?)"},
     {"UnknownValueSet", "/anti_mag", R"("anti-mag")", "$.anti_mag: unknown value set 'anti-mag'"},
     {"LookbackNotADuration", "/rituximab/lookback", R"("20 years")",
      "$.rituximab.lookback: '20 years' is not a duration like 12mo, 90d, 2w or 5y"},
     {"InterpretationNotAString", "/anti_mag_positive_interpretations", "[1]",
      "$.anti_mag_positive_interpretations[0]: must be a non-empty string"},
     {"UnknownPlaceholder", "/duration_late", R"("{years}")",
      "$.duration_late: unknown placeholder {years}; this rule provides: {diagnosis}, {onset}, "
      "{window}"},
     {"EvidenceLineMissing", "/no_rituximab_evidence", "",
      "$.no_rituximab_evidence: is required"}});

INSTANTIATE_TEST_SUITE_P(AntiMagRituximabConfig, RuleConfigTest,
                         ::testing::ValuesIn(kAntiMagRituximabConfig), ConfigCaseName);

TEST(AntiMagRituximabConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("anti-mag-rituximab", kAntiMagRituximabConfig);
}

}  // namespace
}  // namespace cds::testing
