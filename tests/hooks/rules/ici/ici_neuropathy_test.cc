// ici-neuropathy: table-driven over exposure, conditions, grade sources (CTCAE Observation,
// Condition.severity, cranial / Guillain-Barre floors), the ways a grade is written, body
// weights and their units, and data availability. Real service, bundled knowledge,
// now = 2026-11-25T12:00Z: the 6-month exposure window starts 2026-05-25T00:00Z and a
// weight counts for 3 months (from 2026-08-25).
#include <gtest/gtest.h>

#include "tests/hooks/rules/immunology_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::immuno {
namespace {

constexpr char kRule[] = "ici-neuropathy";

const std::string kIci = MedAdmin("ici", kRxNorm, kKeytruda4ml, "2026-10-01T10:00:00Z");
const std::string kWeight70 = Weight("w", "2026-11-01", 70, "kg");
std::string Pn(std::string_view extra = "") {
  return Cond("pn", kSnomed, kPeripheralNerveDisease, "active", extra);
}
std::string Cranial(std::string_view extra = "") {
  return Cond("cn", kSiteMapped, "cranial-neuropathy", "active", extra);
}

enum class Expect { kNone, kGrade1, kGrade2, kGrade34, kUnknown };

struct Case {
  std::string name;
  std::vector<std::string> meds;        // medicationAdministrations
  std::vector<std::string> conditions;  // conditions
  std::vector<std::string> grades;      // ctcaeNeuropathyGrade
  std::vector<std::string> weights;     // bodyMeasurements
  Expect expect;
  std::vector<std::string> in_detail = {};
};

class IciNeuropathyTable : public ::testing::TestWithParam<Case> {};

TEST_P(IciNeuropathyTable, PatientView) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroView, RequestBuilder("patient-view")
                                  .Prefetch("medicationAdministrations", c.meds)
                                  .Prefetch("conditions", c.conditions)
                                  .Prefetch("ctcaeNeuropathyGrade", c.grades)
                                  .Prefetch("bodyMeasurements", c.weights));
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  if (c.expect == Expect::kNone) {
    EXPECT_TRUE(cards.empty()) << r.body;
    return;
  }
  ASSERT_EQ(cards.size(), 1u) << r.body;
  std::string summary = Str(*cards[0], "summary"), detail = Str(*cards[0], "detail");
  std::string indicator = Str(*cards[0], "indicator");
  switch (c.expect) {
    case Expect::kGrade1:
      EXPECT_EQ(indicator, "warning");
      EXPECT_TRUE(Contains(summary, "grade 1")) << summary;
      break;
    case Expect::kGrade2:
      EXPECT_EQ(indicator, "warning");
      EXPECT_TRUE(Contains(summary, "grade 2")) << summary;
      break;
    case Expect::kGrade34:
      EXPECT_EQ(indicator, "critical");
      EXPECT_TRUE(Contains(summary, "permanently discontinue")) << summary;
      break;
    case Expect::kUnknown:
      EXPECT_EQ(indicator, "warning");
      EXPECT_TRUE(Contains(summary, "grade not recorded")) << summary;
      break;
    case Expect::kNone:
      break;
  }
  for (const std::string& part : c.in_detail)
    EXPECT_TRUE(Contains(detail, part)) << part << "\n" << detail;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, IciNeuropathyTable,
    ::testing::Values(
        // Grade from Condition.severity (no CTCAE observation at all: the sites' default).
        Case{"SeverityMildIsGrade1",
             {kIci},
             {Pn(Severity(kMild))},
             {},
             {kWeight70},
             Expect::kGrade1,
             {"grade 1**", "Condition.severity", "Reassess in 1 week"}},
        Case{"SeverityModerateIsGrade2WithPrednisoneFromKg",
             {kIci},
             {Pn(Severity(kModerate))},
             {},
             {kWeight70},
             Expect::kGrade2,
             {"**35–70 mg/day**", "for 70 kg (weighed 2026-11-01)",
              "gabapentin, pregabalin or duloxetine"}},
        Case{"SeveritySevereIsGrade34WithMethylprednisolone",
             {kIci},
             {Pn(Severity(kSevere))},
             {},
             {kWeight70},
             Expect::kGrade34,
             {"**140–280 mg/day**", "pulse methylprednisolone 1 g daily for 5 days", "4–6 weeks",
              "Admit", "MRI of the spine", "lumbar puncture", "pulmonary function"}},
        Case{"SeverityAsTextOnly",
             {kIci},
             {Pn(R"("severity":{"text":"Moderate"})")},
             {},
             {kWeight70},
             Expect::kGrade2},
        Case{"NoGradeAnywhereIsUnknownWithBothDoses",
             {kIci},
             {Pn()},
             {},
             {kWeight70},
             Expect::kUnknown,
             {"35–70 mg/day", "140–280 mg/day",
              "no CTCAE grade observation and no Condition.severity"}},
        // Grade from a CTCAE grade Observation wins over severity; each way a grade is written.
        Case{"ObservationGrade3OverridesMild",
             {kIci},
             {Pn(Severity(kMild))},
             {Grade("g", "2026-11-20", R"("valueInteger":3)")},
             {kWeight70},
             Expect::kGrade34,
             {"CTCAE grade 3 recorded 2026-11-20", "Observation/g"}},
        Case{"ObservationGrade1OverridesSevere",
             {kIci},
             {Pn(Severity(kSevere))},
             {Grade("g", "2026-11-20", R"("valueInteger":1)")},
             {kWeight70},
             Expect::kGrade1},
        Case{"ObservationGrade0MeansResolved",
             {kIci},
             {Pn(Severity(kSevere))},
             {Grade("g", "2026-11-20", R"("valueInteger":0)")},
             {kWeight70},
             Expect::kNone},
        Case{"GradeAsString",
             {kIci},
             {Pn()},
             {Grade("g", "2026-11-20", R"("valueString":"Grade 2")")},
             {kWeight70},
             Expect::kGrade2},
        Case{"GradeAsShortString",
             {kIci},
             {Pn()},
             {Grade("g", "2026-11-20", R"("valueString":"G3")")},
             {kWeight70},
             Expect::kGrade34},
        Case{"GradeAsConceptText",
             {kIci},
             {Pn()},
             {Grade("g", "2026-11-20", R"("valueCodeableConcept":{"text":"Grade 3 - Severe"})")},
             {kWeight70},
             Expect::kGrade34},
        Case{
            "GradeAsCodingDisplay",
            {kIci},
            {Pn()},
            {Grade(
                "g", "2026-11-20",
                R"("valueCodeableConcept":{"coding":[{"system":"urn:local","code":"x","display":"Grade 2"}]})")},
            {kWeight70},
            Expect::kGrade2},
        Case{"GradeAsUnitlessQuantity",
             {kIci},
             {Pn()},
             {Grade("g", "2026-11-20", R"("valueQuantity":{"value":2})")},
             {kWeight70},
             Expect::kGrade2},
        Case{"GradeQuantityWithForeignUnitIsUnreadable",
             {kIci},
             {Pn(Severity(kMild))},
             {Grade("g", "2026-11-20", Quantity(2, "mg"))},
             {kWeight70},
             Expect::kUnknown,
             {"could not be read"}},
        Case{"MrcStyleFractionIsNotAGrade",
             {kIci},
             {Pn(Severity(kMild))},
             {Grade("g", "2026-11-20", R"("valueString":"3/5")")},
             {kWeight70},
             Expect::kUnknown},
        Case{"LatestUnreadableDoesNotFallBackToOlderLowGrade",
             {kIci},
             {Pn()},
             {Grade("old", "2026-10-01", R"("valueInteger":1)"),
              Grade("new", "2026-11-20", R"("valueString":"worse")")},
             {kWeight70},
             Expect::kUnknown},
        Case{"LatestObservationWins",
             {kIci},
             {Pn()},
             {Grade("old", "2026-10-01", R"("valueInteger":3)"),
              Grade("new", "2026-11-20", R"("valueInteger":2)")},
             {kWeight70},
             Expect::kGrade2},
        Case{"PreliminaryObservationIgnored",
             {kIci},
             {Pn(Severity(kMild))},
             {Grade("g", "2026-11-20", R"("valueInteger":3)", "preliminary")},
             {kWeight70},
             Expect::kGrade1},
        Case{"ObservationOlderThanConditionOnsetIgnored",
             {kIci},
             {Pn(Join({Severity(kMild), Onset("2026-10-15")}))},
             {Grade("g", "2026-10-01", R"("valueInteger":3)")},
             {kWeight70},
             Expect::kGrade1},
        // Cranial nerve involvement is at least grade 2; Guillain-Barre at least grade 3.
        Case{"CranialWithoutSeverityIsGrade2",
             {kIci},
             {Cranial()},
             {},
             {kWeight70},
             Expect::kGrade2,
             {"cranial nerve involvement: at least grade 2"}},
        Case{"CranialMildIsStillGrade2",
             {kIci},
             {Cranial(Severity(kMild))},
             {},
             {kWeight70},
             Expect::kGrade2},
        Case{"CranialObservationGrade1IsRaisedTo2",
             {kIci},
             {Cranial()},
             {Grade("g", "2026-11-20", R"("valueInteger":1)")},
             {kWeight70},
             Expect::kGrade2},
        Case{"CranialSevereStaysGrade3",
             {kIci},
             {Cranial(Severity(kSevere))},
             {},
             {kWeight70},
             Expect::kGrade34},
        Case{"GuillainBarreIsAtLeastGrade3",
             {kIci},
             {Cond("gbs", kSnomed, kGbs)},
             {},
             {kWeight70},
             Expect::kGrade34,
             {"Guillain-Barré syndrome: at least grade 3"}},
        Case{"GuillainBarreIcd",
             {kIci},
             {Cond("gbs", kIcd, "G61.0", "active", Severity(kMild))},
             {},
             {kWeight70},
             Expect::kGrade34},
        Case{"DrugInducedPolyneuropathyIcd",
             {kIci},
             {Cond("pn", kIcd, "G62.0", "active", Severity(kModerate))},
             {},
             {kWeight70},
             Expect::kGrade2},
        // Which conditions count.
        Case{"NoNeuropathyNoCard", {kIci}, {}, {}, {kWeight70}, Expect::kNone},
        Case{"DiabeticNeuropathyIsNotIciNeuropathy",
             {kIci},
             {Cond("dn", kSnomed, kDiabeticNeuropathy)},
             {},
             {kWeight70},
             Expect::kNone},
        Case{"EnteredInErrorIgnored",
             {kIci},
             {Pn(Join({Severity(kSevere), Verification("entered-in-error")}))},
             {},
             {kWeight70},
             Expect::kNone},
        Case{"RefutedIgnored",
             {kIci},
             {Pn(Join({Severity(kSevere), Verification("refuted")}))},
             {},
             {kWeight70},
             Expect::kNone},
        Case{"ResolvedIgnored",
             {kIci},
             {Cond("pn", kSnomed, kPeripheralNerveDisease, "resolved", Severity(kSevere))},
             {},
             {kWeight70},
             Expect::kNone},
        Case{"OnsetBeforeFirstIciIsPreExisting",
             {kIci},
             {Pn(Join({Severity(kModerate), Onset("2024-03-01")}))},
             {},
             {kWeight70},
             Expect::kNone},
        Case{"OnsetAfterFirstIciCounts",
             {kIci},
             {Pn(Join({Severity(kModerate), Onset("2026-10-20")}))},
             {},
             {kWeight70},
             Expect::kGrade2},
        Case{"OnsetSameDayAsFirstIciCounts",
             {kIci},
             {Pn(Join({Severity(kModerate), Onset("2026-10-01")}))},
             {},
             {kWeight70},
             Expect::kGrade2},
        // Exposure window: 6 months +- a day.
        Case{"NoCheckpointInhibitorNoCard",
             {},
             {Pn(Severity(kSevere))},
             {},
             {kWeight70},
             Expect::kNone},
        Case{"OtherDrugNoCard",
             {MedAdmin("a", kRxNorm, kAmoxicillin, "2026-10-01")},
             {Pn(Severity(kSevere))},
             {},
             {kWeight70},
             Expect::kNone},
        Case{"GivenExactly6MonthsAgoCounts",
             {MedAdmin("ici", kRxNorm, kOpdivo10ml, "2026-05-25T08:00:00Z")},
             {Pn(Severity(kMild))},
             {},
             {kWeight70},
             Expect::kGrade1},
        Case{"Given6MonthsAndADayAgoDoesNot",
             {MedAdmin("ici", kRxNorm, kOpdivo10ml, "2026-05-24T20:00:00Z")},
             {Pn(Severity(kMild))},
             {},
             {kWeight70},
             Expect::kNone},
        Case{"LegacyAtcCodeCounts",
             {MedAdmin("ici", kAtc, "L01XC18", "2026-10-01")},
             {Pn(Severity(kMild))},
             {},
             {kWeight70},
             Expect::kGrade1},
        Case{"IngredientCodeCounts",
             {MedAdmin("ici", kRxNorm, kAtezolizumab, "2026-10-01")},
             {Pn(Severity(kMild))},
             {},
             {kWeight70},
             Expect::kGrade1},
        Case{"NotDoneAdministrationDoesNotCount",
             {MedAdmin("ici", kRxNorm, kKeytruda4ml, "2026-10-01", "not-done")},
             {Pn(Severity(kMild))},
             {},
             {kWeight70},
             Expect::kNone},
        // Weight: units converted, never assumed; problems said on the card.
        Case{"WeightInPounds",
             {kIci},
             {Pn(Severity(kModerate))},
             {},
             {Weight("w", "2026-11-01", 165, "[lb_av]")},
             Expect::kGrade2,
             {"**37–75 mg/day**", "for 74.8 kg", "(74.8 kg)"}},
        Case{"WeightInPoundsMethylprednisolone",
             {kIci},
             {Pn(Severity(kSevere))},
             {},
             {Weight("w", "2026-11-01", 165, "[lb_av]")},
             Expect::kGrade34,
             {"**150–299 mg/day**"}},
        Case{"WeightInGrams",
             {kIci},
             {Pn(Severity(kModerate))},
             {},
             {Weight("w", "2026-11-01", 80000, "g")},
             Expect::kGrade2,
             {"**40–80 mg/day**"}},
        Case{"WeightWrittenLbsWithoutUcum",
             {kIci},
             {Pn(Severity(kModerate))},
             {},
             {LoincObservation("w", "29463-7", "2026-11-01",
                               R"("valueQuantity":{"value":165,"unit":"lbs"})")},
             Expect::kGrade2,
             {"**37–75 mg/day**"}},
        Case{"LatestWeightWins",
             {kIci},
             {Pn(Severity(kModerate))},
             {},
             {Weight("old", "2026-09-01", 90, "kg"), Weight("new", "2026-11-20", 60, "kg")},
             Expect::kGrade2,
             {"**30–60 mg/day**"}},
        Case{"WeightMissingDoseNotComputed",
             {kIci},
             {Pn(Severity(kModerate))},
             {},
             {},
             Expect::kGrade2,
             {"the dose in mg could not be computed**: no body weight on file", "0.5–1 mg/kg/day"}},
        Case{"WeightWithoutUnitNotComputed",
             {kIci},
             {Pn(Severity(kModerate))},
             {},
             {LoincObservation("w", "29463-7", "2026-11-01", R"("valueQuantity":{"value":70})")},
             Expect::kGrade2,
             {"could not be computed", "has no unit that converts to kg"}},
        Case{"WeightWithComparatorNotComputed",
             {kIci},
             {Pn(Severity(kModerate))},
             {},
             {LoincObservation("w", "29463-7", "2026-11-01", Quantity(70, "kg", ">"))},
             Expect::kGrade2,
             {"could not be computed", "is not an exact value"}},
        Case{"WeightOlderThan3MonthsNotComputed",
             {kIci},
             {Pn(Severity(kSevere))},
             {},
             {Weight("w", "2026-08-24", 70, "kg")},
             Expect::kGrade34,
             {"could not be computed", "older than 3 months"}},
        Case{"WeightExactly3MonthsOldCounts",
             {kIci},
             {Pn(Severity(kSevere))},
             {},
             {Weight("w", "2026-08-25", 70, "kg")},
             Expect::kGrade34,
             {"**140–280 mg/day**"}},
        Case{"ImplausibleWeightNotComputed",
             {kIci},
             {Pn(Severity(kModerate))},
             {},
             {Weight("w", "2026-11-01", 7000, "kg")},
             Expect::kGrade2,
             {"could not be computed", "implausible"}},
        Case{"HeightIsNotWeight",
             {kIci},
             {Pn(Severity(kModerate))},
             {},
             {LoincObservation("h", "8302-2", "2026-11-01", Quantity(170, "cm"))},
             Expect::kGrade2,
             {"no body weight on file"}}),
    [](const auto& row) { return row.param.name; });

TEST(IciNeuropathyTest, ActiveOrderCountsAsExposure) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroView, RequestBuilder("patient-view")
                                  .Prefetch("medicationRequests",
                                            {RxMedicationRequest("mr", kPembrolizumab, "active")})
                                  .Prefetch("conditions", {Pn(Severity(kMild))}));
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

TEST(IciNeuropathyTest, CardNamesRuleGuidelineAndEvidence) {
  HookHarness& h = SharedHarness();
  auto r =
      h.Call(kNeuroView,
             RequestBuilder("patient-view")
                 .Prefetch("medicationAdministrations", {kIci})
                 .Prefetch("conditions", {Pn(Join({Severity(kSevere), Onset("2026-11-01")}))})
                 .Prefetch("bodyMeasurements", {kWeight70})
                 .Prefetch("medicationRequests",
                           {RxMedicationRequest("pred", kPrednisone20, "active", "2026-11-20")}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_STREQ((*card)["source"]["topic"]["code"].GetString(), kRule);
  EXPECT_TRUE(Contains((*card)["source"]["label"].GetString(), "ASCO"));
  std::string detail = Str(*card, "detail");
  for (const char* part :
       {"MedicationAdministration/ici", "Condition/pn", "Observation/w", "2026-11-01",
        "MedicationRequest/pred", "current treatment", "Rule `ici-neuropathy`"}) {
    EXPECT_TRUE(Contains(detail, part)) << part << "\n" << detail;
  }
  ASSERT_TRUE(card->HasMember("suggestions"));
  const auto& workup = (*card)["suggestions"][0];
  EXPECT_TRUE(workup["isRecommended"].GetBool());
  bool ncs = false;
  for (const auto& a : workup["actions"].GetArray()) {
    EXPECT_STREQ(a["resource"]["resourceType"].GetString(), "ServiceRequest");
    ncs = ncs || std::string(a["resource"]["code"]["coding"][0]["code"].GetString()) == "95909";
  }
  EXPECT_TRUE(ncs);
  EXPECT_STREQ(
      (*card)["suggestions"][1]["actions"][0]["resource"]["code"]["coding"][0]["code"].GetString(),
      "20720000");
}

TEST(IciNeuropathyTest, Grade1And2HaveNoOrderSuggestions) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroView, RequestBuilder("patient-view")
                                  .Prefetch("medicationAdministrations", {kIci})
                                  .Prefetch("conditions", {Pn(Severity(kModerate))}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_FALSE(card->HasMember("suggestions") && (*card)["suggestions"].Size() > 0);
}

// Unavailable data never becomes "no data": the rule stays undecided (412, or the other
// rules' cards plus the "could not be checked" card) and never shows its own card.
void ExpectUndecided(const HookResponse& r) {
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  if (r.status == 412) return;
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards("data-unavailable").size(), 1u) << r.body;
  EXPECT_TRUE(Contains(r.body, "Checkpoint-inhibitor neuropathy by grade")) << r.body;
}

TEST(IciNeuropathyTest, ConditionsUnavailableIsUndecided) {
  HookHarness& h = SharedHarness();
  ExpectUndecided(h.Call(kNeuroView, RequestBuilder("patient-view")
                                         .Prefetch("medicationAdministrations", {kIci})
                                         .PrefetchRaw("conditions", kUnavailable)));
}

TEST(IciNeuropathyTest, GradeObservationsUnavailableIsUndecided) {
  HookHarness& h = SharedHarness();
  ExpectUndecided(h.Call(kNeuroView, RequestBuilder("patient-view")
                                         .Prefetch("medicationAdministrations", {kIci})
                                         .Prefetch("conditions", {Pn(Severity(kSevere))})
                                         .PrefetchRaw("ctcaeNeuropathyGrade", kUnavailable)));
}

TEST(IciNeuropathyTest, MedicationsAbsentWithoutFhirServerIsUndecided) {
  HookHarness& h = SharedHarness();
  ExpectUndecided(h.Call(kNeuroView, RequestBuilder("patient-view")
                                         .Prefetch("conditions", {Pn(Severity(kSevere))})
                                         .LeaveAbsent("medicationAdministrations")));
}

TEST(IciNeuropathyTest, WeightUnavailableStillWarnsWithoutDose) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroView, RequestBuilder("patient-view")
                                  .Prefetch("medicationAdministrations", {kIci})
                                  .Prefetch("conditions", {Pn(Severity(kSevere))})
                                  .PrefetchRaw("bodyMeasurements", kUnavailable));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_STREQ((*card)["indicator"].GetString(), "critical");
  std::string detail = Str(*card, "detail");
  EXPECT_TRUE(Contains(detail, "could not be read from the EHR")) << detail;
  EXPECT_FALSE(Contains(detail, "no body weight on file")) << detail;
}

TEST(IciNeuropathyTest, GradeValuesOfEveryShape) {
  struct Row {
    std::string value_member;
    std::string expect_in_summary;  // "" = grade not recorded
  };
  const std::vector<Row> rows = {
      {R"("valueInteger":4)", "grade 3–4"},
      {R"("valueString":"4")", "grade 3–4"},
      {R"("valueString":"grade 1")", "grade 1"},
      {R"("valueString":"CTCAE Grade 2")", "grade 2"},
      {R"x("valueString":"3 (severe)")x", "grade 3–4"},
      {R"("valueString":"35")", ""},
      {R"("valueString":"3.5")", ""},
      {R"("valueString":"2-3")", ""},
      {R"("valueInteger":7)", ""},
      {R"("valueQuantity":{"value":2.5})", ""},
      {R"("valueQuantity":{"value":2,"unit":"{grade}"})", "grade 2"},
  };
  for (const Row& row : rows) {
    HookHarness& h = SharedHarness();
    auto r = h.Call(kNeuroView, RequestBuilder("patient-view")
                                    .Prefetch("medicationAdministrations", {kIci})
                                    .Prefetch("conditions", {Pn()})
                                    .Prefetch("ctcaeNeuropathyGrade",
                                              {Grade("g", "2026-11-20", row.value_member)}));
    auto cards = r.Cards(kRule);
    ASSERT_EQ(cards.size(), 1u) << row.value_member << ": " << r.body;
    std::string summary = Str(*cards[0], "summary");
    std::string expected =
        row.expect_in_summary.empty() ? "grade not recorded" : row.expect_in_summary;
    EXPECT_TRUE(Contains(summary, expected)) << row.value_member << ": " << summary;
  }
}

}  // namespace
}  // namespace cds::testing::immuno

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kIciNeuropathyConfig = ConfigCases(
    "ici-neuropathy",
    {{"MisspeltKey", "/grade_3", "{}", "$.grade_3: unknown setting for this rule (misspelt?)"},
     {"SeverityGradeSix", "/neuropathy/severity_grades/0/grade", "6",
      "$.neuropathy.severity_grades[0].grade: must be a CTCAE grade 1-5"},
     {"CranialMinGradeZero", "/neuropathy/cranial_min_grade", "0",
      "$.neuropathy.cranial_min_grade: must be 1-4"},
     {"GuillainBarreMinGradeFive", "/neuropathy/guillain_barre_min_grade", "5",
      "$.neuropathy.guillain_barre_min_grade: must be 1-4"},
     {"PlausibleWeightReversed", "/weight/plausible_kg/min", "400",
      "$.weight.plausible_kg: needs 0 < min < max"},
     {"PrednisoneRangeReversed", "/prednisone/low_mg_per_kg", "2",
      "$.prednisone: needs 0 < low_mg_per_kg <= high_mg_per_kg"},
     {"PrednisoneRoundingZero", "/prednisone/round_to_mg", "0",
      "$.prednisone.round_to_mg: must be > 0"},
     {"MethylprednisoloneRangeReversed", "/methylprednisolone/high_mg_per_kg", "1",
      "$.methylprednisolone: needs 0 < low_mg_per_kg <= high_mg_per_kg"},
     {"MethylprednisoloneRoundingNegative", "/methylprednisolone/round_to_mg", "-1",
      "$.methylprednisolone.round_to_mg: must be > 0"},
     {"Grade1SuggestionWithoutOrders", "/grade_1/suggestions", R"([{"label":"x","orders":[]}])",
      "$.grade_1.suggestions[0].orders: must list at least one order"},
     {"Grade2SuggestionWithoutOrders", "/grade_2/suggestions", R"([{"label":"x","orders":[]}])",
      "$.grade_2.suggestions[0].orders: must list at least one order"},
     {"Grade34SuggestionWithoutOrders", "/grade_3_4/suggestions/0/orders", "[]",
      "$.grade_3_4.suggestions[0].orders: must list at least one order"},
     {"GradeUnknownSuggestionWithoutOrders", "/grade_unknown/suggestions",
      R"([{"label":"x","orders":[]}])",
      "$.grade_unknown.suggestions[0].orders: must list at least one order"},
     {"GradeBasisPlaceholder", "/neuropathy/grade_basis/none", R"("{drug}")",
      "$.neuropathy.grade_basis.none: unknown placeholder {drug}; this rule provides: {grade}, "
      "{date}, {value}"},
     {"DosePlaceholder", "/dose_computed", R"("{dose}")",
      "$.dose_computed: unknown placeholder {dose}; this rule provides: {low}, {high}, "
      "{low_per_kg}, {high_per_kg}, {weight}, {weight_date}, {reason}"},
     {"GradeIndicatorUnknown", "/grade_2/indicator", R"("high")",
      "$.grade_2.indicator: must be info, warning or critical"}});

INSTANTIATE_TEST_SUITE_P(IciNeuropathyConfig, RuleConfigTest,
                         ::testing::ValuesIn(kIciNeuropathyConfig), ConfigCaseName);

TEST(IciNeuropathyConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("ici-neuropathy", kIciNeuropathyConfig);
}

}  // namespace
}  // namespace cds::testing
