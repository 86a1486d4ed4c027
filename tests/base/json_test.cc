#include "base/json.h"

#include <string>

#include "tests/support/status_matchers.h"

namespace cds::json {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

JsonLimits Limits() { return JsonLimits{}; }

TEST(ParseJsonTest, ParsesAndReadsCheckedMembers) {
  auto doc = ParseJson(R"({"s":"x","n":1.5,"i":7,"b":true,"o":{},"a":[]})", Limits());
  ASSERT_OK(doc);
  const Value& v = **doc;
  EXPECT_EQ(GetString(v, "s"), "x");
  EXPECT_EQ(GetNumber(v, "n"), 1.5);
  EXPECT_EQ(GetInt64(v, "i"), 7);
  EXPECT_EQ(GetBool(v, "b"), true);
  EXPECT_NE(GetObject(v, "o"), nullptr);
  EXPECT_NE(GetArray(v, "a"), nullptr);
  // Wrong types and absent members are nullopt / nullptr, never a crash.
  EXPECT_EQ(GetString(v, "n"), std::nullopt);
  EXPECT_EQ(GetInt64(v, "s"), std::nullopt);
  EXPECT_EQ(GetObject(v, "a"), nullptr);
  EXPECT_EQ(Find(v, "missing"), nullptr);
  EXPECT_EQ(GetString((*doc)->operator[]("a"), "x"), std::nullopt);
}

TEST(ParseJsonTest, RejectsTruncatedAndTrailingGarbage) {
  EXPECT_THAT(ParseJson(R"({"a":)", Limits()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid JSON at byte")));
  EXPECT_THAT(ParseJson(R"({} {})", Limits()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("root")));
  EXPECT_THAT(ParseJson("", Limits()), StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty")));
}

TEST(ParseJsonTest, DepthLimitWithoutRecursion) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  EXPECT_THAT(ParseJson(deep, Limits()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("nesting deeper than 64")));
  std::string ok(64, '[');
  ok += std::string(64, ']');
  EXPECT_THAT(ParseJson(ok, Limits()), IsOk());
}

TEST(ParseJsonTest, StringAndValueLimits) {
  JsonLimits l;
  l.max_string_length = 10;
  EXPECT_THAT(ParseJson(R"({"a":"01234567890"})", l),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("string longer than 10")));
  EXPECT_THAT(ParseJson(R"({"01234567890":1})", l),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("string longer")));
  l = JsonLimits{};
  l.max_values = 5;
  EXPECT_THAT(ParseJson("[1,2,3,4,5,6]", l),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("more than 5 values")));
}

TEST(ParseJsonTest, InvalidUtf8IsRejected) {
  EXPECT_THAT(ParseJson("{\"a\":\"\xC0\xAF\"}", Limits()),  // overlong '/'
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("encoding")));
  EXPECT_THAT(ParseJson("{\"a\":\"\xFF\"}", Limits()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("encoding")));
}

// Found by tests/fuzz (regressions/request/lone_low_surrogate_escape_yields_invalid_utf8.json):
// RapidJSON 1.1.0 decodes a lone low surrogate escape into invalid UTF-8.
TEST(ParseJsonTest, UnpairedSurrogateEscapesAreRejected) {
  EXPECT_THAT(ParseJson(R"({"a":"x\ude00"})", Limits()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("surrogate")));
  EXPECT_THAT(ParseJson(R"({"\udc00":1})", Limits()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("surrogate")));
  EXPECT_THAT(ParseJson(R"(["\ud83d"])", Limits()),
              StatusIs(StatusCode::kInvalidArgument, ::testing::_));
  // U+1F600 (a proper pair), U+00ED, U+FFFF.
  auto pair = ParseJson(R"(["\ud83d\ude00", "\u00ed\uffff"])", Limits());
  ASSERT_OK(pair);
  EXPECT_EQ(json::Serialize(**pair), "[\"\xF0\x9F\x98\x80\",\"\xC3\xAD\xEF\xBF\xBF\"]");
}

// Found by tests/fuzz (regressions/request/huge_mantissa_and_exponent_parse_as_infinity.json):
// RapidJSON 1.1.0 reads this as infinity, which JSON cannot express.
TEST(ParseJsonTest, NumbersOutOfRangeAreRejected) {
  EXPECT_THAT(ParseJson("[1000000000000000000000e290]", Limits()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("out of range")));
  EXPECT_THAT(ParseJson("[1e400]", Limits()), StatusIs(StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_OK(ParseJson("[1.7976931348623157e308, -1e-400]", Limits()));
}

TEST(ParseJsonTest, NulBytes) {
  // A raw NUL is not JSON; an escaped one is a legal string character and is kept.
  std::string raw = "{\"a\":\"x";
  raw.push_back('\0');
  raw += "\"}";
  EXPECT_THAT(ParseJson(raw, Limits()), StatusIs(StatusCode::kInvalidArgument, ::testing::_));
  // RapidJSON stops at a NUL: what follows must not be silently ignored (found by tests/fuzz).
  EXPECT_THAT(ParseJson(std::string("{\"a\":1}\0{", 9), Limits()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("NUL")));
  auto doc = ParseJson(R"({"a":"x\u0000y"})", Limits());
  ASSERT_OK(doc);
  EXPECT_EQ(GetString(**doc, "a")->size(), 3u);
}

TEST(ParseJsonTest, DuplicateKeysAreRefusedDeterministically) {
  EXPECT_THAT(
      ParseJson(R"({"hook":"a","hook":"b"})", Limits()),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("duplicate JSON member name \"hook\"")));
  EXPECT_THAT(ParseJson(R"({"a":[{"x":1,"y":2,"x":3}]})", Limits()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"x\"")));
  JsonLimits l;
  l.reject_duplicate_keys = false;
  EXPECT_THAT(ParseJson(R"({"a":1,"a":2})", l), IsOk());
}

TEST(SerializeTest, RoundTrips) {
  auto doc = ParseJson(R"({"a":[1,"x",null,true]})", Limits());
  ASSERT_OK(doc);
  EXPECT_EQ(Serialize(**doc), R"({"a":[1,"x",null,true]})");
}

}  // namespace
}  // namespace cds::json
