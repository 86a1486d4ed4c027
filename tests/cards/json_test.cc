// cards::ToJson: optional members omitted (never null, never empty), "cards" always
// written, systemActions only when present; every valid response passes the suite's
// independent CDS Hooks response validator (tests/support) with zero violations.
#include "cards/json.h"

#include <functional>
#include <string>

#include <rapidjson/document.h>

#include "tests/support/cds_response_validator.h"
#include "tests/support/status_matchers.h"

namespace cds::cards {
namespace {

using ::cds::testing::CdsResponseViolations;
using ::cds::testing::IsOk;

rapidjson::Document ParseOrDie(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

// True if `v` or anything inside it is null, "", [] or {} (other than the allowed "cards": []).
bool HasNullOrEmpty(const rapidjson::Value& v, bool is_cards = false) {
  if (v.IsNull()) return true;
  if (v.IsString()) return v.GetStringLength() == 0;
  if (v.IsArray()) {
    if (v.Empty() && !is_cards) return true;
    for (const auto& e : v.GetArray()) {
      if (HasNullOrEmpty(e)) return true;
    }
  }
  if (v.IsObject()) {
    if (v.MemberCount() == 0) return true;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (HasNullOrEmpty(it->value, std::string_view(it->name.GetString()) == "cards")) return true;
    }
  }
  return false;
}

Card MinimalCard(std::string uuid = "c-1") {
  Card c;
  c.uuid = std::move(uuid);
  c.summary = "Summary";
  c.indicator = Indicator::kInfo;
  c.source.label = "Label";
  return c;
}

Action CreateServiceRequest() {
  Action a;
  a.type = ActionType::kCreate;
  a.description = "Order HBsAg";
  a.resource_json = R"({"resourceType":"ServiceRequest","status":"draft","intent":"order"})";
  return a;
}

Card FullCard() {
  Card c = MinimalCard("c-full");
  c.summary = "Hepatitis B serology missing";
  c.detail = "**Check** HBsAg and anti-HBc.";
  c.indicator = Indicator::kCritical;
  c.source.url = "https://www.aasld.org/";
  c.source.icon = "https://www.aasld.org/icon.png";
  c.source.topic = Coding{"urn:rule", "hbv-serology-missing", "HBV serology"};
  Suggestion s;
  s.label = "Order HBsAg";
  s.uuid = "s-1";
  s.is_recommended = true;
  s.actions.push_back(CreateServiceRequest());
  c.suggestions.push_back(s);
  c.selection_behavior = SelectionBehavior::kAtMostOne;
  c.override_reasons.push_back({"urn:override", "done-elsewhere", "Tested elsewhere"});
  c.links.push_back(
      {"Guideline", "https://example.org/guideline", LinkType::kAbsolute, "", std::nullopt});
  c.links.push_back({"App", "https://app.example/launch", LinkType::kSmart, "patient=1", true});
  return c;
}

TEST(ToJson, EmptyResponseStillWritesCards) { EXPECT_EQ(ToJson(Response{}), R"({"cards":[]})"); }

TEST(ToJson, MinimalCardOmitsEveryOptionalMember) {
  Response r;
  r.cards.push_back(MinimalCard());
  EXPECT_EQ(
      ToJson(r),
      R"({"cards":[{"uuid":"c-1","summary":"Summary","indicator":"info","source":{"label":"Label"}}]})");
}

TEST(ToJson, FullCardWritesEveryMember) {
  Response r;
  r.cards.push_back(FullCard());
  rapidjson::Document d = ParseOrDie(ToJson(r));
  const rapidjson::Value& c = d["cards"][0];
  EXPECT_STREQ(c["uuid"].GetString(), "c-full");
  EXPECT_STREQ(c["detail"].GetString(), "**Check** HBsAg and anti-HBc.");
  EXPECT_STREQ(c["indicator"].GetString(), "critical");
  EXPECT_STREQ(c["source"]["url"].GetString(), "https://www.aasld.org/");
  EXPECT_STREQ(c["source"]["icon"].GetString(), "https://www.aasld.org/icon.png");
  EXPECT_STREQ(c["source"]["topic"]["code"].GetString(), "hbv-serology-missing");
  EXPECT_STREQ(c["selectionBehavior"].GetString(), "at-most-one");
  EXPECT_TRUE(c["suggestions"][0]["isRecommended"].GetBool());
  const rapidjson::Value& action = c["suggestions"][0]["actions"][0];
  EXPECT_STREQ(action["type"].GetString(), "create");
  EXPECT_STREQ(action["resource"]["resourceType"].GetString(), "ServiceRequest");
  EXPECT_FALSE(action.HasMember("resourceId"));
  EXPECT_STREQ(c["overrideReasons"][0]["display"].GetString(), "Tested elsewhere");
  EXPECT_STREQ(c["links"][0]["type"].GetString(), "absolute");
  EXPECT_FALSE(c["links"][0].HasMember("appContext"));
  EXPECT_FALSE(c["links"][0].HasMember("autolaunchable"));
  EXPECT_STREQ(c["links"][1]["type"].GetString(), "smart");
  EXPECT_STREQ(c["links"][1]["appContext"].GetString(), "patient=1");
  EXPECT_TRUE(c["links"][1]["autolaunchable"].GetBool());
  EXPECT_FALSE(d.HasMember("systemActions"));
}

TEST(ToJson, TopicWithoutDisplayOmitsDisplay) {
  Card c = MinimalCard();
  c.source.topic = Coding{"urn:rule", "r1", ""};
  rapidjson::Document d = ParseOrDie(ToJson(c));
  EXPECT_FALSE(d["source"]["topic"].HasMember("display"));
  EXPECT_FALSE(HasNullOrEmpty(d));
}

TEST(ToJson, ExplicitFalseBooleansAreWritten) {
  Card c = FullCard();
  c.suggestions[0].is_recommended = false;
  c.links[1].autolaunchable = false;
  rapidjson::Document d = ParseOrDie(ToJson(c));
  ASSERT_TRUE(d["suggestions"][0]["isRecommended"].IsBool());
  EXPECT_FALSE(d["suggestions"][0]["isRecommended"].GetBool());
  ASSERT_TRUE(d["links"][1]["autolaunchable"].IsBool());
  EXPECT_FALSE(d["links"][1]["autolaunchable"].GetBool());
}

TEST(ToJson, SelectionBehaviorWithoutSuggestionsIsOmitted) {
  Card c = MinimalCard();
  c.selection_behavior = SelectionBehavior::kAny;
  rapidjson::Document d = ParseOrDie(ToJson(c));
  EXPECT_FALSE(d.HasMember("selectionBehavior"));
}

TEST(ToJson, SystemActionsOnlyWhenPresent) {
  Response r;
  EXPECT_EQ(ToJson(r).find("systemActions"), std::string::npos);
  Action del;
  del.type = ActionType::kDelete;
  del.description = "Remove the duplicate order";
  del.resource_id = "ServiceRequest/sr-1";
  del.resource_json = R"({"resourceType":"ServiceRequest"})";  // ignored for delete
  r.system_actions.push_back(del);
  rapidjson::Document d = ParseOrDie(ToJson(r));
  ASSERT_TRUE(d["systemActions"].IsArray());
  const rapidjson::Value& a = d["systemActions"][0];
  EXPECT_STREQ(a["type"].GetString(), "delete");
  EXPECT_STREQ(a["resourceId"].GetString(), "ServiceRequest/sr-1");
  EXPECT_FALSE(a.HasMember("resource"));  // the id-in-resource form is deprecated
  EXPECT_TRUE(d["cards"].IsArray());
}

TEST(ToJson, TextIsEscapedAndRoundTrips) {
  Card c = MinimalCard();
  c.summary = "Quote \" backslash \\ tab \t new\nline \xC3\xA9 \xF0\x9F\x98\x80 \x01";
  c.detail = "</script><b>";
  rapidjson::Document d = ParseOrDie(ToJson(c));
  EXPECT_EQ(std::string(d["summary"].GetString(), d["summary"].GetStringLength()), c.summary);
  EXPECT_EQ(std::string(d["detail"].GetString()), c.detail);
}

TEST(ToJson, CardAloneIsTheCardObject) {
  Response r;
  r.cards.push_back(FullCard());
  std::string response = ToJson(r);
  std::string card = ToJson(r.cards[0]);
  EXPECT_EQ(response, R"({"cards":[)" + card + "]}");
}

// Round trip: a response that passes cards::Validate serialises to JSON that the
// independent validator accepts with zero violations.
struct RoundTripCase {
  std::string name;
  std::function<Response()> make;
};
void PrintTo(const RoundTripCase& c, std::ostream* os) { *os << c.name; }

class RoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(RoundTrip, ValidResponseHasZeroViolations) {
  Response r = GetParam().make();
  ASSERT_THAT(Validate(r), IsOk());
  std::string body = ToJson(r);
  EXPECT_EQ(CdsResponseViolations(body), "") << body;
  EXPECT_FALSE(HasNullOrEmpty(ParseOrDie(body))) << body;
  EXPECT_EQ(body.find("null"), std::string::npos) << body;
}

Card WithTopic(Card c) {
  c.source.topic = Coding{"urn:rule", "r", ""};
  return c;
}

INSTANTIATE_TEST_SUITE_P(
    Responses, RoundTrip,
    ::testing::Values(RoundTripCase{"NoCards", [] { return Response{}; }},
                      RoundTripCase{"MinimalCard",
                                    [] {
                                      Response r;
                                      r.cards.push_back(WithTopic(MinimalCard()));
                                      return r;
                                    }},
                      RoundTripCase{"FullCard",
                                    [] {
                                      Response r;
                                      r.cards.push_back(FullCard());
                                      return r;
                                    }},
                      RoundTripCase{"SeveralCardsAndSystemActions",
                                    [] {
                                      Response r;
                                      r.cards.push_back(FullCard());
                                      r.cards.push_back(WithTopic(MinimalCard("c-2")));
                                      Card any = WithTopic(MinimalCard("c-3"));
                                      for (std::string id : {"s-a", "s-b"}) {
                                        Suggestion s;
                                        s.label = "Option " + id;
                                        s.uuid = id;
                                        s.is_recommended = true;
                                        s.actions.push_back(CreateServiceRequest());
                                        any.suggestions.push_back(s);
                                      }
                                      any.selection_behavior = SelectionBehavior::kAny;
                                      r.cards.push_back(any);
                                      Action update = CreateServiceRequest();
                                      update.type = ActionType::kUpdate;
                                      r.system_actions.push_back(update);
                                      Action del;
                                      del.type = ActionType::kDelete;
                                      del.description = "Remove";
                                      del.resource_id = "ServiceRequest/1";
                                      r.system_actions.push_back(del);
                                      return r;
                                    }},
                      RoundTripCase{"SelectionBehaviorLeftOnCardWithoutSuggestions",
                                    [] {
                                      Response r;
                                      Card c = WithTopic(MinimalCard());
                                      c.selection_behavior = SelectionBehavior::kAtMostOne;
                                      r.cards.push_back(c);
                                      return r;
                                    }},
                      RoundTripCase{"MultibyteSummaryAtLimit",
                                    [] {
                                      Response r;
                                      Card c = WithTopic(MinimalCard());
                                      c.summary.clear();
                                      for (int i = 0; i < 139; ++i) c.summary += "\xE2\x82\xAC";
                                      r.cards.push_back(c);
                                      return r;
                                    }}),
    [](const auto& row) { return row.param.name; });

}  // namespace
}  // namespace cds::cards
