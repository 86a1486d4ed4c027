// igf-neuropathy-term: table-driven over how "IGF neuropathy" is written (code.text,
// coding display, case, IGF-1 / IGF1, inside other words), recognised neuropathy codes,
// condition statuses, and data availability. Real service, bundled knowledge.
#include <gtest/gtest.h>

#include "tests/hooks/rules/immunology_test_fixtures.h"
#include "tests/hooks/rules/rule_config_cases.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::immuno {
namespace {

constexpr char kRule[] = "igf-neuropathy-term";

// A Condition with code.text `text` and, optionally, one coding.
std::string TextCondition(std::string_view id, std::string_view text, std::string_view system = "",
                          std::string_view code = "", std::string_view status = "active",
                          std::string_view extra = "") {
  std::string c = R"({"resourceType":"Condition","id":)" + Q(id);
  if (!status.empty()) {
    c +=
        R"(,"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":)" +
        Q(status) + "}]}";
  }
  c += R"(,"code":{)";
  if (!system.empty()) c += R"("coding":[)" + Coding(system, code) + "],";
  c += R"("text":)" + Q(text) + "}";
  c += R"(,"subject":{"reference":"Patient/p1"})";
  if (!extra.empty()) c += "," + std::string(extra);
  return c + "}";
}

struct Case {
  std::string name;
  std::vector<std::string> conditions;
  size_t cards;
};

class IgfNeuropathyTermTable : public ::testing::TestWithParam<Case> {};

TEST_P(IgfNeuropathyTermTable, PatientView) {
  const Case& c = GetParam();
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroView, RequestBuilder("patient-view").Prefetch("conditions", c.conditions));
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(kRule);
  ASSERT_EQ(cards.size(), c.cards) << r.body;
  for (const auto* card : cards) {
    EXPECT_EQ(Str(*card, "indicator"), "info");
    EXPECT_TRUE(Contains(Str(*card, "summary"), "not a recognised diagnosis"))
        << Str(*card, "summary");
    EXPECT_FALSE(card->HasMember("suggestions") && (*card)["suggestions"].Size() > 0)
        << "the card must not guess";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, IgfNeuropathyTermTable,
    ::testing::Values(
        // How the term is written.
        Case{"TextOnly", {TextCondition("c", "IGF neuropathy")}, 1},
        Case{"LowerCase", {TextCondition("c", "igf neuropathy")}, 1},
        Case{"MixedCaseAndWords", {TextCondition("c", "Neuropathy, IGF-related")}, 1},
        Case{"Igf1Hyphen", {TextCondition("c", "IGF-1 neuropathy")}, 1},
        Case{"Igf1NoHyphen", {TextCondition("c", "IGF1 polyneuropathy")}, 1},
        Case{"LocalCodeWithText",
             {TextCondition("c", "IGF neuropathy", "urn:local:problems", "igfn")},
             1},
        Case{"CodingDisplayOnly",
             {Cond("c", "urn:local:problems", "igfn", "active", "",
                   "IGF Neuropathy (patient reported)")},
             1},
        Case{"UnrecognisedSnomedCodeWithText",
             {TextCondition("c", "IGF neuropathy", kSnomed, "64572001")},
             1},
        // Not the term.
        Case{"IgfWithoutNeuropathy", {TextCondition("c", "IGF-1 deficiency")}, 0},
        Case{"NeuropathyWithoutIgf", {TextCondition("c", "peripheral neuropathy")}, 0},
        Case{"IgfInsideAnotherWord", {TextCondition("c", "Bigfoot neuropathy")}, 0},
        Case{"IgfFollowedByLetters", {TextCondition("c", "IGFBP neuropathy study")}, 0},
        Case{"NeuropathicIsNotNeuropathy", {TextCondition("c", "IGF neuropathic pain")}, 0},
        // A recognised neuropathy code is a coded diagnosis: silent whatever the text.
        Case{"DiabeticNeuropathyCoded",
             {TextCondition("c", "IGF neuropathy", kSnomed, kDiabeticNeuropathy)},
             0},
        Case{"IcdDiabeticPolyneuropathyCoded",
             {TextCondition("c", "IGF neuropathy", kIcd, "E11.42")},
             0},
        Case{"G63Coded", {TextCondition("c", "IGF neuropathy", kIcd, "G63")}, 0},
        Case{"GuillainBarreCoded", {TextCondition("c", "IGF neuropathy", kSnomed, kGbs)}, 0},
        // Statuses.
        Case{"EnteredInErrorIgnored",
             {TextCondition("c", "IGF neuropathy", "", "", "active",
                            Verification("entered-in-error"))},
             0},
        Case{"RefutedIgnored",
             {TextCondition("c", "IGF neuropathy", "", "", "active", Verification("refuted"))},
             0},
        Case{"ResolvedStillFlagged", {TextCondition("c", "IGF neuropathy", "", "", "resolved")}, 1},
        Case{"NoClinicalStatus", {TextCondition("c", "IGF neuropathy", "", "", "")}, 1},
        Case{"OneCardPerCondition",
             {TextCondition("a", "IGF neuropathy"), TextCondition("b", "IGF-1 neuropathy")},
             2},
        Case{"NoConditions", {}, 0}),
    [](const auto& row) { return row.param.name; });

TEST(IgfNeuropathyTermTest, CardAsksForACodedDiagnosisWithoutGuessing) {
  HookHarness& h = SharedHarness();
  auto r =
      h.Call(kNeuroView,
             RequestBuilder("patient-view")
                 .Prefetch("conditions", {TextCondition("c1", "IGF neuropathy*", "", "", "active",
                                                        R"("onsetDateTime":"2025-04-02")")}));
  const auto* card = r.OnlyCard(kRule);
  ASSERT_NE(card, nullptr);
  std::string detail = Str(*card, "detail");
  for (const char* part :
       {"IGF neuropathy\\*", "studied as a *treatment* for diabetic neuropathy",
        "diabetic neuropathy", "IgM (anti-MAG)", "immune-checkpoint-inhibitor neuropathy",
        "does not choose one", "Condition/c1", "2025-04-02", "Rule `igf-neuropathy-term`"}) {
    EXPECT_TRUE(Contains(detail, part)) << part << "\n" << detail;
  }
  EXPECT_STREQ((*card)["source"]["topic"]["code"].GetString(), kRule);
}

TEST(IgfNeuropathyTermTest, OtherPatientsConditionIgnored) {
  HookHarness& h = SharedHarness();
  std::string other = TextCondition("x", "IGF neuropathy");
  other.replace(other.find("Patient/p1"), 10, "Patient/p2");
  auto r = h.Call(kNeuroView, RequestBuilder("patient-view").Prefetch("conditions", {other}));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
}

TEST(IgfNeuropathyTermTest, ConditionsUnavailableIsUndecided) {
  HookHarness& h = SharedHarness();
  auto r =
      h.Call(kNeuroView, RequestBuilder("patient-view").PrefetchRaw("conditions", kUnavailable));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  if (r.status != 412) {
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Cards("data-unavailable").size(), 1u) << r.body;
  }
}

TEST(IgfNeuropathyTermTest, ConditionsAbsentWithoutFhirServerIsUndecided) {
  HookHarness& h = SharedHarness();
  auto r = h.Call(kNeuroView, RequestBuilder("patient-view").LeaveAbsent("conditions"));
  EXPECT_TRUE(r.Cards(kRule).empty()) << r.body;
  EXPECT_TRUE(r.status == 412 || r.Cards("data-unavailable").size() == 1u) << r.body;
}

}  // namespace
}  // namespace cds::testing::immuno

// Config validation: each constraint on the rule's settings refused with its JSON path.
namespace cds::testing {
namespace {

const std::vector<ConfigCase> kIgfNeuropathyTermConfig =
    ConfigCases("igf-neuropathy-term",
                {{"MisspeltKey", "/recognized_neuropathy", R"("x")",
                  "$.recognized_neuropathy: unknown setting for this rule (misspelt?)"},
                 {"TokenEmpty", "/match/token", R"("")", "$.match.token: must not be empty"},
                 {"MatchKeyMisspelt", "/match/contain", R"("x")",
                  "$.match.contain: unknown setting (misspelt?)"},
                 {"UnknownPlaceholder", "/summary", R"("{term}")",
                  "$.summary: unknown placeholder {term}; this rule provides: {text}"},
                 {"UnknownValueSet", "/recognised_neuropathy", R"("nope")",
                  "$.recognised_neuropathy: unknown value set 'nope'"}});

INSTANTIATE_TEST_SUITE_P(IgfNeuropathyTermConfig, RuleConfigTest,
                         ::testing::ValuesIn(kIgfNeuropathyTermConfig), ConfigCaseName);

TEST(IgfNeuropathyTermConfig, EveryConstraintHasAFailingCase) {
  ExpectEveryConstraintRefused("igf-neuropathy-term", kIgfNeuropathyTermConfig);
}

}  // namespace
}  // namespace cds::testing
