// hooks::ParseFeedback: every rule of the spec's feedback body, the lenient override reason, RFC
// 3339 timestamps with offsets and fractions normalised to UTC milliseconds, the item cap.
#include "hooks/feedback.h"

#include "base/civil_time.h"

#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::ElementsAre;

constexpr EpochMillis kReceived = 1'900'000'000'000;

StatusOr<std::vector<store::Feedback>> Parse(const std::string& text) {
  auto doc = json::ParseJson(text, json::JsonLimits{});
  if (!doc.ok()) return doc.status();
  return ParseFeedback(**doc, "svc-1", kReceived);
}

EpochMillis Utc(int y, int mo, int d, int h, int mi, int s, int ms = 0) {
  return DaysFromCivil(y, mo, d) * 86'400'000 + ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

constexpr char kTs[] = R"("outcomeTimestamp":"2021-12-11T10:05:31Z")";

TEST(ParseFeedback, AcceptedWithSuggestions) {
  auto f =
      Parse(R"({"feedback":[{"card":"9368d37b-283f-44a0-93ea-547cebab93ed","outcome":"accepted",
      "acceptedSuggestions":[{"id":"e56e1945-20b3-4393-8503-a1a20fd73152"},{"id":"s2"}],)" +
            std::string(kTs) + "}]}");
  ASSERT_THAT(f, IsOk());
  ASSERT_EQ(f->size(), 1u);
  const store::Feedback& x = (*f)[0];
  EXPECT_EQ(x.service_id, "svc-1");
  EXPECT_EQ(x.card_uuid, "9368d37b-283f-44a0-93ea-547cebab93ed");
  EXPECT_EQ(x.outcome, "accepted");
  EXPECT_THAT(x.accepted_suggestions, ElementsAre("e56e1945-20b3-4393-8503-a1a20fd73152", "s2"));
  EXPECT_EQ(x.outcome_timestamp, "2021-12-11T10:05:31Z");
  EXPECT_EQ(x.outcome_time, Utc(2021, 12, 11, 10, 5, 31));
  EXPECT_EQ(x.received_at, kReceived);
  EXPECT_TRUE(x.override_code.empty());
}

TEST(ParseFeedback, OverriddenWithFullReason) {
  auto f = Parse(R"({"feedback":[{"card":"c1","outcome":"overridden","overrideReason":{
      "reason":{"code":"tested-elsewhere","system":"urn:test:override","display":"Tested elsewhere"},
      "userComment":"Done at the other hospital"},)" +
                 std::string(kTs) + "}]}");
  ASSERT_THAT(f, IsOk());
  const store::Feedback& x = (*f)[0];
  EXPECT_EQ(x.override_code, "tested-elsewhere");
  EXPECT_EQ(x.override_system, "urn:test:override");
  EXPECT_EQ(x.override_display, "Tested elsewhere");
  EXPECT_EQ(x.user_comment, "Done at the other hospital");
  EXPECT_TRUE(x.accepted_suggestions.empty());
}

// overrideReason: the reference sandbox sends reason with only `code`; the spec's own example has
// no display.
TEST(ParseFeedback, LenientReasonWithOnlyCode) {
  auto f = Parse(
      R"({"feedback":[{"card":"c1","outcome":"overridden","overrideReason":{"reason":{"code":"x"}},)" +
      std::string(kTs) + "}]}");
  ASSERT_THAT(f, IsOk());
  EXPECT_EQ((*f)[0].override_code, "x");
  EXPECT_TRUE((*f)[0].override_system.empty());
  EXPECT_TRUE((*f)[0].override_display.empty());
}

// Overriding without a reason, or with only a comment, is valid.
TEST(ParseFeedback, OverriddenWithoutReason) {
  auto f =
      Parse(R"({"feedback":[{"card":"c1","outcome":"overridden",)" + std::string(kTs) +
            R"(},{"card":"c2","outcome":"overridden","overrideReason":{"userComment":"not now"},)" +
            std::string(kTs) + "}]}");
  ASSERT_THAT(f, IsOk());
  ASSERT_EQ(f->size(), 2u);
  EXPECT_TRUE((*f)[0].override_code.empty());
  EXPECT_EQ((*f)[1].user_comment, "not now");
}

// The same card may be reported more than once; each item is kept (the store is idempotent).
TEST(ParseFeedback, RepeatedCardsAreKept) {
  std::string item = R"({"card":"c1","outcome":"overridden",)" + std::string(kTs) + "}";
  auto f = Parse(R"({"feedback":[)" + item + "," + item + "]}");
  ASSERT_THAT(f, IsOk());
  EXPECT_EQ(f->size(), 2u);
}

TEST(ParseFeedback, UnknownMembersAreIgnored) {
  auto f = Parse(
      R"({"feedback":[{"card":"c1","outcome":"accepted","acceptedSuggestions":[{"id":"s1","x":1}],
      "extension":{"com.example":true},)" +
      std::string(kTs) + R"(}],"extension":{"a":1}})");
  EXPECT_THAT(f, IsOk());
}

struct TimestampCase {
  std::string name;
  std::string text;
  EpochMillis utc;
};
void PrintTo(const TimestampCase& c, std::ostream* os) { *os << c.name; }

class FeedbackTimestamp : public ::testing::TestWithParam<TimestampCase> {};

TEST_P(FeedbackTimestamp, NormalisedToUtcMillis) {
  auto f = Parse(R"({"feedback":[{"card":"c1","outcome":"overridden","outcomeTimestamp":")" +
                 GetParam().text + R"("}]})");
  ASSERT_THAT(f, IsOk());
  EXPECT_EQ((*f)[0].outcome_time, GetParam().utc);
  EXPECT_EQ((*f)[0].outcome_timestamp, GetParam().text);  // kept as sent, for audit
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3339, FeedbackTimestamp,
    ::testing::Values(
        TimestampCase{"Utc", "2021-12-11T10:05:31Z", Utc(2021, 12, 11, 10, 5, 31)},
        TimestampCase{"SpecExample", "1985-04-12T23:20:50.52Z", Utc(1985, 4, 12, 23, 20, 50, 520)},
        TimestampCase{"Millis", "2026-11-25T12:00:00.123Z", Utc(2026, 11, 25, 12, 0, 0, 123)},
        TimestampCase{"PositiveOffset", "2021-12-11T12:05:31+02:00", Utc(2021, 12, 11, 10, 5, 31)},
        TimestampCase{"NegativeOffsetAndFraction", "2021-12-11T05:05:31.5-05:00",
                      Utc(2021, 12, 11, 10, 5, 31, 500)},
        TimestampCase{"OffsetCrossesMidnight", "2021-12-11T01:00:00+02:00",
                      Utc(2021, 12, 10, 23, 0, 0)},
        TimestampCase{"ZeroOffset", "2021-12-11T10:05:31+00:00", Utc(2021, 12, 11, 10, 5, 31)}),
    [](const auto& row) { return row.param.name; });

struct ErrorCase {
  std::string name;
  std::string body;
  std::string message;  // the whole message
};
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class ParseFeedbackRejects : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseFeedbackRejects, NamingTheItemAndField) {
  EXPECT_THAT(Parse(GetParam().body), StatusIs(StatusCode::kInvalidArgument, GetParam().message));
}

std::string One(const std::string& members) { return R"({"feedback":[{)" + members + "}]}"; }

INSTANTIATE_TEST_SUITE_P(
    Rules, ParseFeedbackRejects,
    ::testing::Values(
        // The body: an object with a non-empty feedback array.
        ErrorCase{"BodyNotObject", R"([{"card":"c1"}])", "feedback body must be a JSON object"},
        ErrorCase{"NoFeedbackMember", R"({"card":"c1"})", "feedback is required"},
        ErrorCase{"FeedbackNotArray", R"({"feedback":{}})", "feedback must be a non-empty array"},
        ErrorCase{"FeedbackEmpty", R"({"feedback":[]})", "feedback must be a non-empty array"},
        // Regression: read "feedback[0].must be an object".
        ErrorCase{"ItemNotObject", R"({"feedback":["c1"]})", "feedback[0] must be an object"},
        // card: required, the card's uuid.
        ErrorCase{"CardMissing", One(R"("outcome":"overridden",)" + std::string(kTs)),
                  "feedback[0].card is required"},
        ErrorCase{"CardNotString", One(R"("card":7,"outcome":"overridden",)" + std::string(kTs)),
                  "feedback[0].card must be a non-empty string"},
        ErrorCase{"CardEmpty", One(R"("card":"","outcome":"overridden",)" + std::string(kTs)),
                  "feedback[0].card must be a non-empty string"},
        ErrorCase{"CardTooLong",
                  One(R"("card":")" + std::string(129, 'c') + R"(","outcome":"overridden",)" +
                      std::string(kTs)),
                  "feedback[0].card is too long"},
        // outcome: accepted or overridden.
        ErrorCase{"OutcomeMissing", One(R"("card":"c1",)" + std::string(kTs)),
                  "feedback[0].outcome is required"},
        ErrorCase{"OutcomeUnknown", One(R"("card":"c1","outcome":"ignored",)" + std::string(kTs)),
                  "feedback[0].outcome must be \"accepted\" or \"overridden\""},
        ErrorCase{"OutcomeCase", One(R"("card":"c1","outcome":"Accepted",)" + std::string(kTs)),
                  "feedback[0].outcome must be \"accepted\" or \"overridden\""},
        // acceptedSuggestions: required when accepted.
        ErrorCase{"AcceptedWithoutSuggestions",
                  One(R"("card":"c1","outcome":"accepted",)" + std::string(kTs)),
                  "feedback[0].acceptedSuggestions is required when outcome is accepted"},
        ErrorCase{
            "AcceptedWithEmptySuggestions",
            One(R"("card":"c1","outcome":"accepted","acceptedSuggestions":[],)" + std::string(kTs)),
            "feedback[0].acceptedSuggestions must be a non-empty array"},
        ErrorCase{"SuggestionWithoutId",
                  One(R"("card":"c1","outcome":"accepted","acceptedSuggestions":[{"uuid":"s1"}],)" +
                      std::string(kTs)),
                  "feedback[0].acceptedSuggestions[].id must be a string"},
        ErrorCase{"SuggestionIdNotString",
                  One(R"("card":"c1","outcome":"accepted","acceptedSuggestions":[{"id":1}],)" +
                      std::string(kTs)),
                  "feedback[0].acceptedSuggestions[].id must be a string"},
        ErrorCase{"SuggestionNotObject",
                  One(R"("card":"c1","outcome":"accepted","acceptedSuggestions":["s1"],)" +
                      std::string(kTs)),
                  "feedback[0].acceptedSuggestions[].id must be a string"},
        // overrideReason: optional, a Coding and a comment.
        ErrorCase{
            "OverrideReasonNotObject",
            One(R"("card":"c1","outcome":"overridden","overrideReason":"x",)" + std::string(kTs)),
            "feedback[0].overrideReason must be an object"},
        ErrorCase{"ReasonNotCoding",
                  One(R"("card":"c1","outcome":"overridden","overrideReason":{"reason":"x"},)" +
                      std::string(kTs)),
                  "feedback[0].overrideReason.reason must be a Coding"},
        // Regression: named "feedback[0].code", which is not where the problem is.
        ErrorCase{
            "ReasonWithoutCode",
            One(R"("card":"c1","outcome":"overridden","overrideReason":{"reason":{"display":"x"}},)" +
                std::string(kTs)),
            "feedback[0].overrideReason.reason.code is required"},
        ErrorCase{
            "ReasonSystemNotString",
            One(R"("card":"c1","outcome":"overridden","overrideReason":{"reason":{"code":"x","system":5}},)" +
                std::string(kTs)),
            "feedback[0].overrideReason.reason.system must be a non-empty string"},
        ErrorCase{"CommentTooLong",
                  One(R"("card":"c1","outcome":"overridden","overrideReason":{"userComment":")" +
                      std::string(kMaxUserCommentBytes + 1, 'x') + R"("},)" + std::string(kTs)),
                  "feedback[0].overrideReason.userComment is too long"},
        // outcomeTimestamp: required, an RFC 3339 date-time.
        ErrorCase{"TimestampMissing", One(R"("card":"c1","outcome":"overridden")"),
                  "feedback[0].outcomeTimestamp is required"},
        ErrorCase{"TimestampNotString",
                  One(R"("card":"c1","outcome":"overridden","outcomeTimestamp":1639217131)"),
                  "feedback[0].outcomeTimestamp must be a non-empty string"},
        ErrorCase{"TimestampDateOnly",
                  One(R"("card":"c1","outcome":"overridden","outcomeTimestamp":"2021-12-11")"),
                  "feedback[0].outcomeTimestamp must be an RFC 3339 date-time such as "
                  "2021-12-11T10:05:31Z"},
        ErrorCase{"TimestampWords",
                  One(R"("card":"c1","outcome":"overridden","outcomeTimestamp":"yesterday")"),
                  "feedback[0].outcomeTimestamp must be an RFC 3339 date-time such as "
                  "2021-12-11T10:05:31Z"},
        ErrorCase{
            "TimestampImpossibleDate",
            One(R"("card":"c1","outcome":"overridden","outcomeTimestamp":"2021-02-30T10:05:31Z")"),
            "feedback[0].outcomeTimestamp must be an RFC 3339 date-time such as "
            "2021-12-11T10:05:31Z"},
        // The failing item is named by index; the batch is all or nothing.
        ErrorCase{"SecondItemBad",
                  R"({"feedback":[{"card":"c1","outcome":"overridden",)" + std::string(kTs) +
                      R"(},{"card":"c2","outcome":"accepted",)" + std::string(kTs) + "}]}",
                  "feedback[1].acceptedSuggestions is required when outcome is accepted"}),
    [](const auto& row) { return row.param.name; });

std::string Items(size_t n) {
  std::string s = R"({"feedback":[)";
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) s += ",";
    s += R"({"card":"c)" + std::to_string(i) + R"(","outcome":"overridden",)" + std::string(kTs) +
         "}";
  }
  return s + "]}";
}

TEST(ParseFeedback, AtMostOneThousandItems) {
  auto ok = Parse(Items(kMaxFeedbackItems));
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->size(), 1000u);
  EXPECT_THAT(Parse(Items(kMaxFeedbackItems + 1)),
              StatusIs(StatusCode::kInvalidArgument, "feedback has more than 1000 items"));
}

}  // namespace
}  // namespace cds::hooks
