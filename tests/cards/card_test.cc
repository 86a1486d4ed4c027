// cards::Validate: every rule the response model enforces (cards, suggestions, actions,
// links, as CDS Hooks 2.0 defines them), one table row per rule, each asserting the exact
// message.
#include "cards/card.h"

#include <functional>
#include <string>

#include "tests/support/status_matchers.h"

namespace cds::cards {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Repeat(std::string_view unit, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += unit;
  return s;
}

// "é" (2 bytes), "€" (3 bytes), "😀" (4 bytes): three code points, nine bytes.
constexpr std::string_view kMixed = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

Action CreateAction() {
  Action a;
  a.type = ActionType::kCreate;
  a.description = "Order HBsAg";
  a.resource_json = R"({"resourceType":"ServiceRequest","status":"draft"})";
  return a;
}

Suggestion MakeSuggestion(std::string label, std::string uuid,
                          std::optional<bool> recommended = {}) {
  Suggestion s;
  s.label = std::move(label);
  s.uuid = std::move(uuid);
  s.is_recommended = recommended;
  s.actions.push_back(CreateAction());
  return s;
}

Card ValidCard() {
  Card c;
  c.uuid = "6f1c3e9a-1d2b-4c5d-8e9f-0a1b2c3d4e5f";
  c.summary = "Hepatitis B serology missing before rituximab";
  c.indicator = Indicator::kWarning;
  c.source.label = "AASLD 2018 hepatitis B guidance";
  c.source.url = "https://www.aasld.org/";
  c.source.topic = Coding{"urn:neuro-cds:rule", "hbv-serology-missing", "HBV serology"};
  return c;
}

struct CardCase {
  std::string name;
  std::function<void(Card&)> mutate;
  std::string error;  // "" when the card must validate
};
void PrintTo(const CardCase& c, std::ostream* os) { *os << c.name; }

class ValidateCard : public ::testing::TestWithParam<CardCase> {};

TEST_P(ValidateCard, EnforcesRule) {
  Card card = ValidCard();
  GetParam().mutate(card);
  if (GetParam().error.empty()) {
    EXPECT_THAT(Validate(card), IsOk());
  } else {
    EXPECT_THAT(Validate(card),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().error)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ValidateCard,
    ::testing::Values(
        CardCase{"BaseCardIsValid", [](Card&) {}, ""},
        // uuid (project policy: every card carries one so feedback can refer to it).
        CardCase{"MissingUuid", [](Card& c) { c.uuid.clear(); }, "card.uuid is required"},
        // summary: "<140-character", counted in code points, not bytes.
        CardCase{"MissingSummary", [](Card& c) { c.summary.clear(); }, "card.summary is required"},
        CardCase{"Summary139Ascii", [](Card& c) { c.summary = Repeat("a", 139); }, ""},
        CardCase{"Summary140Ascii", [](Card& c) { c.summary = Repeat("a", 140); },
                 "card.summary is longer than 139 characters"},
        CardCase{"Summary139CodePointsMultibyte",
                 [](Card& c) { c.summary = Repeat(kMixed, 46) + "a"; },  // 415 bytes
                 ""},
        CardCase{"Summary140CodePointsMultibyte",
                 [](Card& c) { c.summary = Repeat(kMixed, 46) + "ab"; },
                 "card.summary is longer than 139 characters"},
        // source.
        CardCase{"MissingSourceLabel", [](Card& c) { c.source.label.clear(); },
                 "card.source.label is required"},
        CardCase{"SourceUrlRelative", [](Card& c) { c.source.url = "/about"; },
                 "card.source.url must be absolute"},
        CardCase{"SourceUrlOtherScheme", [](Card& c) { c.source.url = "ftp://example.org/"; },
                 "card.source.url must be absolute"},
        CardCase{"SourceUrlWithoutHost", [](Card& c) { c.source.url = "https://"; },
                 "card.source.url must be absolute"},
        CardCase{"SourceUrlOmitted", [](Card& c) { c.source.url.clear(); }, ""},
        CardCase{"SourceIconAbsolute", [](Card& c) { c.source.icon = "https://example.org/i.png"; },
                 ""},
        CardCase{"SourceIconRelative", [](Card& c) { c.source.icon = "icon.png"; },
                 "card.source.icon must be absolute"},
        CardCase{"TopicWithoutSystem", [](Card& c) { c.source.topic->system.clear(); },
                 "card.source.topic.system is required"},
        CardCase{"TopicWithoutCode", [](Card& c) { c.source.topic->code.clear(); },
                 "card.source.topic.code is required"},
        CardCase{"TopicDisplayOptional", [](Card& c) { c.source.topic->display.clear(); }, ""},
        CardCase{"NoTopic", [](Card& c) { c.source.topic.reset(); }, ""},
        // Override reasons need display (and code, system).
        CardCase{"OverrideReasonWithDisplay",
                 [](Card& c) {
                   c.override_reasons.push_back({"urn:o", "planned", "Already planned"});
                 },
                 ""},
        CardCase{"OverrideReasonWithoutDisplay",
                 [](Card& c) {
                   c.override_reasons.push_back({"urn:o", "planned", ""});
                 },
                 "card.overrideReasons[].display is required"},
        CardCase{"OverrideReasonWithoutSystem",
                 [](Card& c) {
                   c.override_reasons.push_back({"", "planned", "Planned"});
                 },
                 "card.overrideReasons[].system is required"},
        CardCase{"OverrideReasonWithoutCode",
                 [](Card& c) {
                   c.override_reasons.push_back({"urn:o", "", "Planned"});
                 },
                 "card.overrideReasons[].code is required"},
        // Links.
        CardCase{"AbsoluteLink",
                 [](Card& c) {
                   c.links.push_back(
                       {"Guideline", "https://example.org/g#s2", LinkType::kAbsolute, "", {}});
                 },
                 ""},
        CardCase{"LinkWithoutLabel",
                 [](Card& c) {
                   c.links.push_back({"", "https://example.org/", LinkType::kAbsolute, "", {}});
                 },
                 "link needs a label and an absolute url"},
        CardCase{"LinkRelativeUrl",
                 [](Card& c) {
                   c.links.push_back({"Guideline", "guideline.html", LinkType::kAbsolute, "", {}});
                 },
                 "link needs a label and an absolute url"},
        CardCase{"LinkWithoutUrl",
                 [](Card& c) {
                   c.links.push_back({"Guideline", "", LinkType::kAbsolute, "", {}});
                 },
                 "link needs a label and an absolute url"},
        CardCase{"SmartLinkWithAppContext",
                 [](Card& c) {
                   c.links.push_back(
                       {"App", "https://app.example/launch", LinkType::kSmart, "ctx=1", {}});
                 },
                 ""},
        CardCase{
            "AbsoluteLinkWithAppContext",
            [](Card& c) {
              c.links.push_back({"App", "https://app.example/", LinkType::kAbsolute, "ctx=1", {}});
            },
            "link.appContext is only for smart links"},
        // Suggestions and selectionBehavior.
        CardCase{"SuggestionsWithoutSelectionBehavior",
                 [](Card& c) { c.suggestions.push_back(MakeSuggestion("Order", "s1")); },
                 "selectionBehavior is required when suggestions are present"},
        CardCase{"SuggestionWithSelectionBehavior",
                 [](Card& c) {
                   c.suggestions.push_back(MakeSuggestion("Order", "s1"));
                   c.selection_behavior = SelectionBehavior::kAtMostOne;
                 },
                 ""},
        CardCase{"SuggestionWithoutLabel",
                 [](Card& c) {
                   c.suggestions.push_back(MakeSuggestion("", "s1"));
                   c.selection_behavior = SelectionBehavior::kAny;
                 },
                 "suggestion.label is required"},
        CardCase{"SuggestionWithoutUuid",
                 [](Card& c) {
                   c.suggestions.push_back(MakeSuggestion("Order", ""));
                   c.selection_behavior = SelectionBehavior::kAny;
                 },
                 "suggestion.uuid is required"},
        CardCase{"OneRecommendedWithAtMostOne",
                 [](Card& c) {
                   c.suggestions.push_back(MakeSuggestion("A", "s1", true));
                   c.suggestions.push_back(MakeSuggestion("B", "s2", false));
                   c.selection_behavior = SelectionBehavior::kAtMostOne;
                 },
                 ""},
        CardCase{"TwoRecommendedWithAtMostOne",
                 [](Card& c) {
                   c.suggestions.push_back(MakeSuggestion("A", "s1", true));
                   c.suggestions.push_back(MakeSuggestion("B", "s2", true));
                   c.selection_behavior = SelectionBehavior::kAtMostOne;
                 },
                 "at most one suggestion may be recommended with at-most-one"},
        CardCase{"TwoRecommendedWithAny",
                 [](Card& c) {
                   c.suggestions.push_back(MakeSuggestion("A", "s1", true));
                   c.suggestions.push_back(MakeSuggestion("B", "s2", true));
                   c.selection_behavior = SelectionBehavior::kAny;
                 },
                 ""},
        CardCase{"SuggestionWithoutActions",
                 [](Card& c) {
                   Suggestion s = MakeSuggestion("Acknowledge", "s1");
                   s.actions.clear();
                   c.suggestions.push_back(s);
                   c.selection_behavior = SelectionBehavior::kAny;
                 },
                 ""},
        CardCase{"InvalidActionNamesItsSuggestion",
                 [](Card& c) {
                   Suggestion s = MakeSuggestion("Order HBsAg", "s1");
                   s.actions[0].resource_json.clear();
                   c.suggestions.push_back(s);
                   c.selection_behavior = SelectionBehavior::kAny;
                 },
                 "suggestion 'Order HBsAg': create action needs a resource"}),
    [](const auto& row) { return row.param.name; });

struct ActionCase {
  std::string name;
  std::function<void(Action&)> mutate;
  std::string error;
};
void PrintTo(const ActionCase& c, std::ostream* os) { *os << c.name; }

class ValidateAction : public ::testing::TestWithParam<ActionCase> {};

TEST_P(ValidateAction, EnforcesRule) {
  Action a = CreateAction();
  GetParam().mutate(a);
  if (GetParam().error.empty()) {
    EXPECT_THAT(Validate(a), IsOk());
  } else {
    EXPECT_THAT(Validate(a), StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().error)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ValidateAction,
    ::testing::Values(
        ActionCase{"CreateWithResource", [](Action&) {}, ""},
        ActionCase{"MissingDescription", [](Action& a) { a.description.clear(); },
                   "action.description is required"},
        // create and update carry the whole resource as a non-empty object.
        ActionCase{"CreateWithoutResource", [](Action& a) { a.resource_json.clear(); },
                   "create action needs a resource that is a non-empty JSON object"},
        ActionCase{"CreateWithEmptyObject", [](Action& a) { a.resource_json = "{}"; },
                   "create action needs a resource that is a non-empty JSON object"},
        ActionCase{"CreateWithArray", [](Action& a) { a.resource_json = "[1]"; },
                   "create action needs a resource"},
        ActionCase{"CreateWithMalformedJson",
                   [](Action& a) { a.resource_json = R"({"resourceType":)"; },
                   "create action needs a resource"},
        ActionCase{"CreateWithTrailingGarbage",
                   [](Action& a) { a.resource_json = R"({"resourceType":"X"} {})"; },
                   "create action needs a resource"},
        ActionCase{"UpdateWithResource", [](Action& a) { a.type = ActionType::kUpdate; }, ""},
        ActionCase{"UpdateWithoutResource",
                   [](Action& a) {
                     a.type = ActionType::kUpdate;
                     a.resource_json.clear();
                   },
                   "update action needs a resource"},
        // delete names the resource by resourceId.
        ActionCase{"DeleteWithResourceId",
                   [](Action& a) {
                     a.type = ActionType::kDelete;
                     a.resource_json.clear();
                     a.resource_id = "ServiceRequest/sr-1";
                   },
                   ""},
        ActionCase{"DeleteWithoutResourceId",
                   [](Action& a) {
                     a.type = ActionType::kDelete;
                     a.resource_id.clear();
                   },
                   "delete action needs resourceId"}),
    [](const auto& row) { return row.param.name; });

TEST(ValidateResponse, EmptyResponseIsValid) { EXPECT_THAT(Validate(Response{}), IsOk()); }

TEST(ValidateResponse, NamesTheFailingCard) {
  Response r;
  r.cards.push_back(ValidCard());
  Card bad = ValidCard();
  bad.summary = "Second card";
  bad.source.label.clear();
  r.cards.push_back(bad);
  EXPECT_THAT(Validate(r),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("card 'Second card': card.source.label is required")));
}

TEST(ValidateResponse, NamesSystemActions) {
  Response r;
  Action a = CreateAction();
  a.description.clear();
  r.system_actions.push_back(a);
  EXPECT_THAT(Validate(r), StatusIs(StatusCode::kInvalidArgument,
                                    HasSubstr("systemActions: action.description is required")));
}

// Regression: the card named in the error was cut at byte 40, which can split a
// multibyte character and put invalid UTF-8 into logs and error bodies.
TEST(ValidateResponse, ErrorContextCutsSummaryAtCodePointBoundary) {
  Response r;
  Card bad = ValidCard();
  bad.summary = Repeat("a", 39) + "\xC3\xA9" + "tail";  // "é" straddles byte 40
  bad.uuid.clear();
  r.cards.push_back(bad);
  Status s = Validate(r);
  ASSERT_THAT(s, StatusIs(StatusCode::kInvalidArgument, HasSubstr("card.uuid is required")));
  EXPECT_TRUE(IsValidUtf8(s.message())) << s.message();
  EXPECT_THAT(s.message(), Not(HasSubstr("tail")));
}

TEST(Utf8CodePoints, CountsCodePointsNotBytes) {
  EXPECT_EQ(Utf8CodePoints(""), 0u);
  EXPECT_EQ(Utf8CodePoints("abc"), 3u);
  EXPECT_EQ(Utf8CodePoints("\xC3\xA9"), 1u);
  EXPECT_EQ(Utf8CodePoints("\xE2\x82\xAC"), 1u);
  EXPECT_EQ(Utf8CodePoints("\xF0\x9F\x98\x80"), 1u);
  EXPECT_EQ(Utf8CodePoints(kMixed), 3u);
  EXPECT_EQ(Utf8CodePoints(Repeat(kMixed, 46) + "a"), 139u);
}

TEST(Names, IndicatorRoundTrips) {
  for (Indicator i : {Indicator::kInfo, Indicator::kWarning, Indicator::kCritical}) {
    Indicator parsed = Indicator::kInfo;
    ASSERT_TRUE(ParseIndicator(IndicatorName(i), &parsed)) << IndicatorName(i);
    EXPECT_EQ(parsed, i);
  }
  EXPECT_EQ(IndicatorName(Indicator::kCritical), "critical");
  Indicator untouched = Indicator::kWarning;
  EXPECT_FALSE(ParseIndicator("Critical", &untouched));
  EXPECT_FALSE(ParseIndicator("", &untouched));
  EXPECT_EQ(untouched, Indicator::kWarning);
}

TEST(Names, ActionTypesAndSelectionBehaviors) {
  EXPECT_EQ(ActionTypeName(ActionType::kCreate), "create");
  EXPECT_EQ(ActionTypeName(ActionType::kUpdate), "update");
  EXPECT_EQ(ActionTypeName(ActionType::kDelete), "delete");
  EXPECT_EQ(SelectionBehaviorName(SelectionBehavior::kAtMostOne), "at-most-one");
  EXPECT_EQ(SelectionBehaviorName(SelectionBehavior::kAny), "any");
}

}  // namespace
}  // namespace cds::cards
