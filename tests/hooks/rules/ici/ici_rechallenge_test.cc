// ici-rechallenge: table-driven over the neuropathy history (Guillain-Barre, peak grade by
// CTCAE Observation / Condition.severity / cranial floor, resolution), attribution to a
// prior checkpoint inhibitor, selected vs unselected drafts, and data availability.
// Real service, bundled knowledge, now = 2026-11-25T12:00Z.
#include <gtest/gtest.h>

#include "tests/hooks/rules/immunology_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::immuno {
namespace {

constexpr char kRule[] = "ici-rechallenge";

// A checkpoint inhibitor given before: the neuropathies below began after it.
const std::string kPriorIci = MedAdmin("prior", kRxNorm, kOpdivo10ml, "2026-03-01T10:00:00Z");
const std::string kDraft = DraftMed("ici-new", kKeytruda4ml);

std::string Pn(std::string_view status, std::string_view extra = "") {
  return Cond("pn", kSnomed, kPeripheralNerveDisease, status, extra);
}

enum class Expect { kNone, kDiscontinue, kHold, kUnknown };

struct Case {
  std::string name;
  std::vector<std::string> meds;        // medicationAdministrations (history)
  std::vector<std::string> conditions;  // conditions
  std::vector<std::string> grades;      // ctcaeNeuropathyGrade
  Expect expect;
  std::string in_detail = "";
};

class IciRechallengeTable : public ::testing::TestWithParam<Case> {};

void Check(const Case& c, const HookResponse& r) {
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  if (c.expect == Expect::kNone) {
    EXPECT_TRUE(cards.empty()) << r.body;
    return;
  }
  ASSERT_EQ(cards.size(), 1u) << r.body;
  std::string summary = Str(*cards[0], "summary"), indicator = Str(*cards[0], "indicator");
  if (c.expect == Expect::kDiscontinue) {
    EXPECT_EQ(indicator, "critical");
    EXPECT_TRUE(Contains(summary, "permanently discontinue")) << summary;
  } else if (c.expect == Expect::kHold) {
    EXPECT_EQ(indicator, "warning");
    EXPECT_TRUE(Contains(summary, "hold until grade")) << summary;
  } else {
    EXPECT_EQ(indicator, "warning");
    EXPECT_TRUE(Contains(summary, "unrecorded grade")) << summary;
  }
  EXPECT_TRUE(Contains(Str(*cards[0], "detail"), c.in_detail)) << Str(*cards[0], "detail");
}

TEST_P(IciRechallengeTable, OrderSelect) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  Check(c, h.Call(kNeuroSelect, RequestBuilder("order-select")
                                    .DraftOrder(kDraft)
                                    .Prefetch("medicationAdministrations", c.meds)
                                    .Prefetch("conditions", c.conditions)
                                    .Prefetch("ctcaeNeuropathyGrade", c.grades)));
}

TEST_P(IciRechallengeTable, OrderSign) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  Check(c, h.Call(kNeuroSign, RequestBuilder("order-sign")
                                  .DraftOrder(kDraft)
                                  .Prefetch("medicationAdministrations", c.meds)
                                  .Prefetch("conditions", c.conditions)
                                  .Prefetch("ctcaeNeuropathyGrade", c.grades)));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, IciRechallengeTable,
    ::testing::Values(
        // Permanently discontinue: Guillain-Barre at any grade, or any grade 3-4, even resolved.
        Case{"GuillainBarreActive",
             {kPriorIci},
             {Cond("gbs", kSnomed, kGbs)},
             {},
             Expect::kDiscontinue},
        Case{"GuillainBarreResolvedStillCritical",
             {kPriorIci},
             {Cond("gbs", kIcd, "G61.0", "resolved")},
             {},
             Expect::kDiscontinue},
        Case{"SevereResolvedStillCritical",
             {kPriorIci},
             {Pn("resolved", Severity(kSevere))},
             {},
             Expect::kDiscontinue,
             "grade 3"},
        Case{"PeakObservationGrade3ThenRecovered",
             {kPriorIci},
             {Pn("active", Severity(kMild))},
             {Grade("g1", "2026-06-01", R"("valueInteger":3)"),
              Grade("g2", "2026-10-01", R"("valueInteger":1)")},
             Expect::kDiscontinue,
             "CTCAE grade 3 recorded 2026-06-01"},
        Case{"ObservationGrade4AsText",
             {kPriorIci},
             {Pn("active")},
             {Grade("g", "2026-10-01", R"("valueString":"Grade 4")")},
             Expect::kDiscontinue},
        // Hold: grade 2 not yet back to <= 1.
        Case{"ModerateActiveIsHold",
             {kPriorIci},
             {Pn("active", Severity(kModerate))},
             {},
             Expect::kHold},
        Case{"LatestObservationGrade2IsHold",
             {kPriorIci},
             {Pn("active")},
             {Grade("g", "2026-11-01", R"("valueInteger":2)")},
             Expect::kHold},
        Case{"CranialActiveIsAtLeastGrade2",
             {kPriorIci},
             {Cond("cn", kSiteMapped, "cranial-neuropathy")},
             {},
             Expect::kHold,
             "cranial nerve involvement"},
        // Resolved to grade <= 1: no card.
        Case{"ModerateResolvedNoCard",
             {kPriorIci},
             {Pn("resolved", Severity(kModerate))},
             {},
             Expect::kNone},
        Case{"ModerateInRemissionNoCard",
             {kPriorIci},
             {Pn("remission", Severity(kModerate))},
             {},
             Expect::kNone},
        Case{"LatestObservationGrade1AfterGrade2NoCard",
             {kPriorIci},
             {Pn("active", Severity(kModerate))},
             {Grade("g1", "2026-06-01", R"("valueInteger":2)"),
              Grade("g2", "2026-11-01", R"("valueInteger":1)")},
             Expect::kNone},
        Case{"MildOnlyNoCard", {kPriorIci}, {Pn("active", Severity(kMild))}, {}, Expect::kNone},
        Case{"CranialResolvedNoCard",
             {kPriorIci},
             {Cond("cn", kSiteMapped, "cranial-neuropathy", "resolved")},
             {},
             Expect::kNone},
        // Grade not known: confirm before re-challenge.
        Case{"NoGradeActiveIsUnknown", {kPriorIci}, {Pn("active")}, {}, Expect::kUnknown},
        Case{"NoGradeResolvedIsUnknown", {kPriorIci}, {Pn("resolved")}, {}, Expect::kUnknown},
        Case{"UnreadableObservationIsUnknown",
             {kPriorIci},
             {Pn("active", Severity(kMild))},
             {Grade("g", "2026-10-01", R"("valueString":"improving")")},
             Expect::kUnknown,
             "could not be read"},
        // Attribution: the neuropathy must follow a checkpoint inhibitor on record.
        Case{"FirstEverCheckpointInhibitorNoCard",
             {},
             {Pn("active", Severity(kSevere))},
             {},
             Expect::kNone},
        Case{"OnsetBeforeFirstIciNoCard",
             {kPriorIci},
             {Pn("active", Join({Severity(kSevere), Onset("2025-01-10")}))},
             {},
             Expect::kNone},
        Case{"OnsetAfterFirstIciCounts",
             {kPriorIci},
             {Pn("active", Join({Severity(kSevere), Onset("2026-04-10")}))},
             {},
             Expect::kDiscontinue},
        Case{"GradeObservationBeforeFirstIciIgnored",
             {kPriorIci},
             {Pn("active", Severity(kMild))},
             {Grade("g", "2025-12-01", R"("valueInteger":3)")},
             Expect::kNone},
        Case{"NotDonePriorAdministrationIsNoHistory",
             {MedAdmin("prior", kRxNorm, kOpdivo10ml, "2026-03-01", "not-done")},
             {Pn("active", Severity(kSevere))},
             {},
             Expect::kNone},
        // Conditions that never count.
        Case{"EnteredInErrorGbsIgnored",
             {kPriorIci},
             {Cond("gbs", kSnomed, kGbs, "active", Verification("entered-in-error"))},
             {},
             Expect::kNone},
        Case{"RefutedSevereIgnored",
             {kPriorIci},
             {Pn("active", Join({Severity(kSevere), Verification("refuted")}))},
             {},
             Expect::kNone},
        Case{"DiabeticNeuropathyIgnored",
             {kPriorIci},
             {Cond("dn", kSnomed, kDiabeticNeuropathy, "active", Severity(kSevere))},
             {},
             Expect::kNone},
        Case{"NoNeuropathyNoCard", {kPriorIci}, {}, {}, Expect::kNone}),
    [](const auto& row) { return row.param.name; });

TEST(IciRechallengeTest, UnselectedDraftDoesNotTriggerOrderSelect) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroSelect, RequestBuilder("order-select")
                                    .DraftOrder(kDraft, /*selected=*/false)
                                    .DraftOrder(DraftMed("amox", kAmoxicillin), /*selected=*/true)
                                    .Prefetch("medicationAdministrations", {kPriorIci})
                                    .Prefetch("conditions", {Cond("gbs", kSnomed, kGbs)}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(IciRechallengeTest, OrderSignCoversUnselectedDrafts) {
  HookHarness& h = SharedHarness();
  // On order-sign every draft is signed: selection does not matter.
  auto r = h.Call(kNeuroSign, RequestBuilder("order-sign")
                                  .DraftOrder(DraftMed("amox", kAmoxicillin))
                                  .DraftOrder(kDraft, /*selected=*/false)
                                  .Prefetch("medicationAdministrations", {kPriorIci})
                                  .Prefetch("conditions", {Cond("gbs", kSnomed, kGbs)}));
  EXPECT_EQ(r.Cards(kRule).size(), 1u) << r.body;
}

TEST(IciRechallengeTest, NonCheckpointOrderNoCard) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroSign, RequestBuilder("order-sign")
                                  .DraftOrder(DraftMed("amox", kAmoxicillin))
                                  .Prefetch("medicationAdministrations", {kPriorIci})
                                  .Prefetch("conditions", {Cond("gbs", kSnomed, kGbs)}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(IciRechallengeTest, AtcCodedOrderAndBrandCodes) {
  for (const auto& [system, code] :
       std::vector<std::pair<std::string, std::string>>{{kAtc, "L01FF02"},
                                                        {kAtc, "L01XC11"},
                                                        {kRxNorm, kYervoy},
                                                        {kRxNorm, "2596780"},
                                                        {kRxNorm, "2700805"}}) {
    HookHarness& h = SharedHarness();
    auto r = h.Call(kNeuroSign, RequestBuilder("order-sign")
                                    .DraftOrder(DraftMed("ici-new", code, system))
                                    .Prefetch("medicationAdministrations", {kPriorIci})
                                    .Prefetch("conditions", {Cond("gbs", kSnomed, kGbs)}));
    EXPECT_EQ(r.Cards(kRule).size(), 1u) << code << ": " << r.body;
  }
}

TEST(IciRechallengeTest, CriticalCardSuggestsRemovingTheDraftAndNamesEvidence) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroSelect,
                  RequestBuilder("order-select")
                      .DraftOrder(kDraft)
                      .Prefetch("medicationAdministrations", {kPriorIci})
                      .Prefetch("conditions",
                                {Pn("resolved", Join({Severity(kSevere), Onset("2026-05-01")}))}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  const auto& action = (*card)["suggestions"][0]["actions"][0];
  EXPECT_STREQ(action["type"].GetString(), "delete");
  EXPECT_STREQ(action["resourceId"].GetString(), "MedicationRequest/ici-new");
  std::string detail = Str(*card, "detail");
  for (const char* part : {"MedicationRequest/ici-new", "MedicationAdministration/prior",
                           "Condition/pn", "2026-05-01", "resolved", "Rule `ici-rechallenge`"}) {
    EXPECT_TRUE(Contains(detail, part)) << part << "\n" << detail;
  }
  EXPECT_GE((*card)["overrideReasons"].Size(), 1u);
}

TEST(IciRechallengeTest, PriorUseFromStatementOrCompletedOrder) {
  for (const std::string& prior :
       {MedStatement("s", kPembrolizumab, "completed", R"("effectiveDateTime":"2026-02-01")"),
        RxMedicationRequest("o", kPembrolizumab, "completed", "2026-02-01")}) {
    HookHarness& h = SharedHarness();
    std::string key =
        Contains(prior, "MedicationStatement") ? "medicationStatements" : "medicationRequests";
    auto r = h.Call(kNeuroSign, RequestBuilder("order-sign")
                                    .DraftOrder(kDraft)
                                    .Prefetch(key, {prior})
                                    .Prefetch("conditions", {Pn("active", Severity(kModerate))}));
    EXPECT_EQ(r.Cards(kRule).size(), 1u) << prior << ": " << r.body;
  }
}

void ExpectUndecided(const HookResponse& r) {
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  if (r.status == 412) return;
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards("data-unavailable").size(), 1u) << r.body;
}

TEST(IciRechallengeTest, ConditionsUnavailableIsUndecided) {
  HookHarness& h = SharedHarness();
  ExpectUndecided(h.Call(kNeuroSign, RequestBuilder("order-sign")
                                         .DraftOrder(kDraft)
                                         .Prefetch("medicationAdministrations", {kPriorIci})
                                         .PrefetchRaw("conditions", kUnavailable)));
}

TEST(IciRechallengeTest, MedicationHistoryAbsentIsUndecided) {
  HookHarness& h = SharedHarness();
  ExpectUndecided(h.Call(kNeuroSign, RequestBuilder("order-sign")
                                         .DraftOrder(kDraft)
                                         .LeaveAbsent("medicationAdministrations")
                                         .Prefetch("conditions", {Cond("gbs", kSnomed, kGbs)})));
}

TEST(IciRechallengeTest, GradesUnavailableIsUndecided) {
  HookHarness& h = SharedHarness();
  ExpectUndecided(
      h.Call(kNeuroSign, RequestBuilder("order-sign")
                             .DraftOrder(kDraft)
                             .Prefetch("medicationAdministrations", {kPriorIci})
                             .Prefetch("conditions", {Pn("active", Severity(kModerate))})
                             .PrefetchRaw("ctcaeNeuropathyGrade", kUnavailable)));
}

}  // namespace
}  // namespace cds::testing::immuno

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kIciRechallengeConfig =
    ConfigCases("ici-rechallenge",
                {{"MisspeltKey", "/discontinu", "{}",
                  "$.discontinu: unknown setting for this rule (misspelt?)"},
                 {"CranialMinGradeFive", "/neuropathy/cranial_min_grade", "5",
                  "$.neuropathy.cranial_min_grade: must be 1-4"},
                 {"UnknownPlaceholder", "/hold/remove_order_suggestion", R"("Remove {order}")",
                  "$.hold.remove_order_suggestion: unknown placeholder {order}; this rule "
                  "provides: {drug}, {grade}, {grade_basis}, {conditions}"},
                 {"HoldIndicatorUnknown", "/hold/indicator", R"("amber")",
                  "$.hold.indicator: must be info, warning or critical"},
                 {"DiscontinueMissing", "/discontinue", "", "$.discontinue: is required"},
                 {"CardKeyMisspelt", "/grade_unknown/remove_order", R"("x")",
                  "$.grade_unknown.remove_order: unknown setting (misspelt?)"}});

INSTANTIATE_TEST_SUITE_P(IciRechallengeConfig, RuleConfigTest,
                         ::testing::ValuesIn(kIciRechallengeConfig), ConfigCaseName);

TEST(IciRechallengeConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("ici-rechallenge", kIciRechallengeConfig);
}

}  // namespace
}  // namespace cds::testing
