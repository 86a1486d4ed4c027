// rituximab-response-monitoring: table-driven over the rituximab course (administrations,
// orders, 12 months +- a day), why it was given (reasonCode / reasonReference / problem
// list), CD19+ counts relative to the last dose (same day, next day), their forms and
// statuses, and data availability. Real service, bundled knowledge, now = 2026-11-25T12:00Z.
#include <gtest/gtest.h>

#include "tests/hooks/rules/immunology_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::immuno {
namespace {

constexpr char kRule[] = "rituximab-response-monitoring";

std::string Rtx(std::string_view id, std::string_view when, std::string_view extra = "") {
  return MedAdmin(id, kRxNorm, kTruxima, when, "completed", extra);
}
std::string Cd19(std::string_view id, std::string_view date, std::string_view loinc = "8116-6",
                 std::string_view status = "final") {
  return LoincObservation(id, loinc, date,
                          loinc == "8116-6" ? Quantity(3, "/uL") : Quantity(0.2, "%"), status);
}
const std::string kG63 =
    Cond("g63", kIcd, "G63", "active", "", "Polyneuropathy in diseases classified elsewhere");
const std::string kCidpReason =
    R"("reasonCode":[{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"G61.81"}],"text":"CIDP"}])";
const std::string kLymphomaReason =
    R"("reasonCode":[{"coding":[{"system":"urn:local","code":"fl"}],"text":"Follicular lymphoma"}])";

struct Case {
  std::string name;
  std::vector<std::string> admins;
  std::vector<std::string> conditions;
  std::vector<std::string> cd19;
  std::string last_dose;  // "" = no card; else the date in the summary
};

class RituximabResponseMonitoringTable : public ::testing::TestWithParam<Case> {};

TEST_P(RituximabResponseMonitoringTable, PatientView) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kRtxView, RequestBuilder("patient-view")
                                .Prefetch("medicationAdministrations", c.admins)
                                .Prefetch("conditions", c.conditions)
                                .Prefetch("cd19Cells", c.cd19));
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  if (c.last_dose.empty()) {
    EXPECT_TRUE(cards.empty()) << r.body;
    return;
  }
  ASSERT_EQ(cards.size(), 1u) << r.body;
  EXPECT_EQ(Str(*cards[0], "indicator"), "info");
  EXPECT_EQ(
      Str(*cards[0], "summary"),
      "Rituximab for neuropathy: no CD19+ B-cell count since the last dose (" + c.last_dose + ")");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RituximabResponseMonitoringTable,
    ::testing::Values(
        Case{"NoCd19AfterDose", {Rtx("a", "2026-09-01T10:00:00Z")}, {kG63}, {}, "2026-09-01"},
        Case{"Cd19AfterDoseNoCard",
             {Rtx("a", "2026-09-01T10:00:00Z")},
             {kG63},
             {Cd19("c", "2026-10-01")},
             ""},
        Case{"Cd19SameDayIsBaseline",
             {Rtx("a", "2026-09-01T10:00:00Z")},
             {kG63},
             {Cd19("c", "2026-09-01T15:00:00Z")},
             "2026-09-01"},
        Case{"Cd19NextDayCounts",
             {Rtx("a", "2026-09-01T10:00:00Z")},
             {kG63},
             {Cd19("c", "2026-09-02")},
             ""},
        Case{"Cd19BeforeDoseDoesNotCount",
             {Rtx("a", "2026-09-01")},
             {kG63},
             {Cd19("c", "2026-08-20")},
             "2026-09-01"},
        Case{"LastOfSeveralDoses",
             {Rtx("a", "2026-06-01"), Rtx("b", "2026-09-15")},
             {kG63},
             {Cd19("c", "2026-07-01")},
             "2026-09-15"},
        Case{"Cd19PercentCounts",
             {Rtx("a", "2026-09-01")},
             {kG63},
             {Cd19("c", "2026-10-01", "8117-4")},
             ""},
        Case{"Cd19PreliminaryDoesNotCount",
             {Rtx("a", "2026-09-01")},
             {kG63},
             {Cd19("c", "2026-10-01", "8116-6", "preliminary")},
             "2026-09-01"},
        Case{"Cd19EnteredInErrorDoesNotCount",
             {Rtx("a", "2026-09-01")},
             {kG63},
             {Cd19("c", "2026-10-01", "8116-6", "entered-in-error")},
             "2026-09-01"},
        // 12 months +- a day (window starts 2025-11-25T00:00Z).
        Case{"GivenExactly12MonthsAgo", {Rtx("a", "2025-11-25")}, {kG63}, {}, "2025-11-25"},
        Case{"Given12MonthsAndADayAgo", {Rtx("a", "2025-11-24")}, {kG63}, {}, ""},
        Case{"NotDoneAdministration",
             {MedAdmin("a", kRxNorm, kTruxima, "2026-09-01", "not-done")},
             {kG63},
             {},
             ""},
        // For neuropathy?
        Case{"NoNeuropathyNoCard", {Rtx("a", "2026-09-01")}, {}, {}, ""},
        Case{"DiabeticNeuropathyIsNotAnIndication",
             {Rtx("a", "2026-09-01")},
             {Cond("dn", kSnomed, kDiabeticNeuropathy)},
             {},
             ""},
        Case{"ResolvedNeuropathyNoCard",
             {Rtx("a", "2026-09-01")},
             {Cond("g63", kIcd, "G63", "resolved")},
             {},
             ""},
        Case{"EnteredInErrorNeuropathyNoCard",
             {Rtx("a", "2026-09-01")},
             {Cond("g63", kIcd, "G63", "active", Verification("entered-in-error"))},
             {},
             ""},
        Case{"CidpOnProblemList",
             {Rtx("a", "2026-09-01")},
             {Cond("cidp", kSnomed, "128209004")},
             {},
             "2026-09-01"},
        Case{"ReasonCodeNeuropathyWithoutProblemList",
             {Rtx("a", "2026-09-01", kCidpReason)},
             {},
             {},
             "2026-09-01"},
        Case{"ReasonCodeOtherThanNeuropathyNoCard",
             {Rtx("a", "2026-09-01", kLymphomaReason)},
             {kG63},
             {},
             ""},
        Case{"ReasonReferenceToNeuropathy",
             {Rtx("a", "2026-09-01", R"("reasonReference":[{"reference":"Condition/cidp"}])")},
             {Cond("cidp", kIcd, "G61.81", "active")},
             {},
             "2026-09-01"},
        Case{"ReasonOnOldCourseDoesNotDecide",
             {Rtx("old", "2023-01-10", kLymphomaReason), Rtx("a", "2026-09-01")},
             {kG63},
             {},
             "2026-09-01"}),
    [](const auto& row) { return row.param.name; });

TEST(RituximabResponseMonitoringTest, ActiveOrderWithoutDateUsesTheLookback) {
  for (const auto& [cd19, fires] : std::vector<std::pair<std::vector<std::string>, bool>>{
           {{}, true}, {{Cd19("c", "2026-06-01")}, false}, {{Cd19("c", "2025-10-01")}, true}}) {
    HookHarness& h = SharedHarness();
    auto r = h.Call(kRtxView, RequestBuilder("patient-view")
                                  .Prefetch("medicationRequests",
                                            {RxMedicationRequest("mr", kTruxima, "active")})
                                  .Prefetch("conditions", {kG63})
                                  .Prefetch("cd19Cells", cd19));
    auto cards = r.Cards(kRule);
    ASSERT_EQ(cards.size(), fires ? 1u : 0u) << r.body;
    if (fires) {
      EXPECT_TRUE(Contains(Str(*cards[0], "summary"), "(date not recorded)")) << r.body;
    }
  }
}

TEST(RituximabResponseMonitoringTest, CompletedOrderDateIsTheLastDoseWithoutAdministrations) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kRtxView,
                  RequestBuilder("patient-view")
                      .Prefetch("medicationRequests",
                                {RxMedicationRequest("mr", kTruxima, "completed", "2026-08-10")})
                      .Prefetch("conditions", {kG63})
                      .Prefetch("cd19Cells", {Cd19("c", "2026-08-01")}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  EXPECT_TRUE(Contains(Str(*card, "summary"), "(2026-08-10)"));
}

TEST(RituximabResponseMonitoringTest, CardTextEvidenceAndSuggestion) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kRtxView, RequestBuilder("patient-view")
                                .Prefetch("medicationAdministrations", {Rtx("a", "2026-09-01")})
                                .Prefetch("conditions", {kG63})
                                .Prefetch("cd19Cells", {Cd19("old", "2026-05-01")}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  std::string detail = Str(*card, "detail");
  for (const char* part : {"INCAT", "I-RODS", "MRC sum score", "Neuropathy Impairment Score",
                           "2–4 weeks", "Polyneuropathy in diseases classified elsewhere",
                           "MedicationAdministration/a", "Condition/g63", "Observation/old",
                           "before the last dose", "Rule `rituximab-response-monitoring`"}) {
    EXPECT_TRUE(Contains(detail, part)) << part << "\n" << detail;
  }
  const auto& action = (*card)["suggestions"][0]["actions"][0];
  EXPECT_STREQ(action["resource"]["resourceType"].GetString(), "ServiceRequest");
  EXPECT_STREQ(action["resource"]["code"]["coding"][0]["code"].GetString(), "8116-6");
}

TEST(RituximabResponseMonitoringTest, NotOnOrderHooks) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kRtxSign, RequestBuilder("order-sign").DraftOrder(DraftMed("rtx", kTruxima)));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

void ExpectUndecided(const HookResponse& r) {
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  if (r.status == 412) return;
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards("data-unavailable").size(), 1u) << r.body;
}

TEST(RituximabResponseMonitoringTest, Cd19UnavailableIsNotMissing) {
  HookHarness& h = SharedHarness();
  ExpectUndecided(
      h.Call(kRtxView, RequestBuilder("patient-view")
                           .Prefetch("medicationAdministrations", {Rtx("a", "2026-09-01")})
                           .Prefetch("conditions", {kG63})
                           .PrefetchRaw("cd19Cells", kUnavailable)));
}

TEST(RituximabResponseMonitoringTest, ConditionsUnavailableIsUndecided) {
  HookHarness& h = SharedHarness();
  ExpectUndecided(
      h.Call(kRtxView, RequestBuilder("patient-view")
                           .Prefetch("medicationAdministrations", {Rtx("a", "2026-09-01")})
                           .PrefetchRaw("conditions", kUnavailable)));
}

TEST(RituximabResponseMonitoringTest, Cd19AbsentWithoutFhirServerIsUndecided) {
  HookHarness& h = SharedHarness();
  ExpectUndecided(
      h.Call(kRtxView, RequestBuilder("patient-view")
                           .Prefetch("medicationAdministrations", {Rtx("a", "2026-09-01")})
                           .Prefetch("conditions", {kG63})
                           .LeaveAbsent("cd19Cells")));
}

}  // namespace
}  // namespace cds::testing::immuno

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kRituximabResponseMonitoringConfig =
    ConfigCases("rituximab-response-monitoring",
                {{"MisspeltKey", "/cd19_orders", "{}",
                  "$.cd19_orders: unknown setting for this rule (misspelt?)"},
                 {"LastDoseUnknownEmpty", "/last_dose_unknown", R"("")",
                  "$.last_dose_unknown: must not be empty"},
                 {"UnknownPlaceholder", "/suggestion_label", R"("{dose}")",
                  "$.suggestion_label: unknown placeholder {dose}; this rule provides: "
                  "{last_dose}, {indication}, {window}"},
                 {"UnknownValueSet", "/cd19", R"("cd19")", "$.cd19: unknown value set 'cd19'"}});

INSTANTIATE_TEST_SUITE_P(RituximabResponseMonitoringConfig, RuleConfigTest,
                         ::testing::ValuesIn(kRituximabResponseMonitoringConfig), ConfigCaseName);

TEST(RituximabResponseMonitoringConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("rituximab-response-monitoring", kRituximabResponseMonitoringConfig);
}

}  // namespace
}  // namespace cds::testing
