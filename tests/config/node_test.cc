// config::Node: every accessor's error names the file and the JSON path
// ("file: $.a.b[2].x: must be ..."); CheckKnownKeys; ParseSpan; ReadJsonFile.
#include "config/node.h"

#include <functional>

#include "tests/config/temp_knowledge.h"
#include "tests/support/status_matchers.h"

namespace cds::config {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::unique_ptr<json::Document> Parse(std::string_view text) {
  auto doc = json::ParseJson(text, json::JsonLimits{});
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  return std::move(doc).value();
}

// $.a.b[2] is the object every accessor row reads from.
constexpr std::string_view kDoc = R"({"a": {"b": [0, 1, {
  "str": "text", "empty": "", "num": 2.5, "int": 7, "big": 9007199254740993, "frac": 1.5,
  "flag": true, "list": ["x", "y"], "badlist": ["x", 3], "emptyitem": ["x", ""],
  "span": "1y6mo", "badspan": "12q", "obj": {"k": 1}, "arr": [1], "_comment": "ignored"
}]}})";

class NodeTest : public ::testing::Test {
 protected:
  NodeTest() : doc_(Parse(kDoc)), root_(*doc_, "rules/x.json", "$") {}

  Node Target() const {
    auto a = root_.Child("a");
    EXPECT_THAT(a, IsOk());
    auto b = a->Array("b");
    EXPECT_THAT(b, IsOk());
    return (*b)[2];
  }

  std::unique_ptr<json::Document> doc_;
  Node root_;
};

TEST_F(NodeTest, PathOfArrayElement) {
  Node t = Target();
  EXPECT_EQ(t.file(), "rules/x.json");
  EXPECT_EQ(t.path(), "$.a.b[2]");
  EXPECT_EQ(t.Error("custom problem").message(), "rules/x.json: $.a.b[2]: custom problem");
  EXPECT_EQ(t.ErrorAt("key", "bad").message(), "rules/x.json: $.a.b[2].key: bad");
  EXPECT_EQ(t.Error("x").code(), StatusCode::kInvalidArgument);
}

struct AccessorCase {
  std::string name;
  std::function<Status(const Node&)> call;
  std::string message;  // the whole message
};
void PrintTo(const AccessorCase& c, std::ostream* os) { *os << c.name; }

template <typename T>
Status StatusOf(const StatusOr<T>& s) {
  return s.status();
}

class NodeAccessorError : public NodeTest, public ::testing::WithParamInterface<AccessorCase> {};

TEST_P(NodeAccessorError, NamesFileAndPath) {
  EXPECT_THAT(GetParam().call(Target()),
              StatusIs(StatusCode::kInvalidArgument, GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Accessors, NodeAccessorError,
    ::testing::Values(
        AccessorCase{"StringMissing", [](const Node& n) { return StatusOf(n.String("nope")); },
                     "rules/x.json: $.a.b[2].nope: is required"},
        AccessorCase{"StringWrongType", [](const Node& n) { return StatusOf(n.String("num")); },
                     "rules/x.json: $.a.b[2].num: must be a string"},
        AccessorCase{"StringEmpty", [](const Node& n) { return StatusOf(n.String("empty")); },
                     "rules/x.json: $.a.b[2].empty: must not be empty"},
        AccessorCase{"StringOrWrongType",
                     [](const Node& n) { return StatusOf(n.StringOr("flag", "")); },
                     "rules/x.json: $.a.b[2].flag: must be a string"},
        AccessorCase{"NumberMissing", [](const Node& n) { return StatusOf(n.Number("nope")); },
                     "rules/x.json: $.a.b[2].nope: is required"},
        AccessorCase{"NumberWrongType", [](const Node& n) { return StatusOf(n.Number("str")); },
                     "rules/x.json: $.a.b[2].str: must be a number"},
        AccessorCase{"NumberOrWrongType",
                     [](const Node& n) { return StatusOf(n.NumberOr("str", 1)); },
                     "rules/x.json: $.a.b[2].str: must be a number"},
        AccessorCase{"IntFraction", [](const Node& n) { return StatusOf(n.Int("frac")); },
                     "rules/x.json: $.a.b[2].frac: must be an integer"},
        AccessorCase{"IntOrString", [](const Node& n) { return StatusOf(n.IntOr("str", 1)); },
                     "rules/x.json: $.a.b[2].str: must be an integer"},
        AccessorCase{"BoolOrWrongType",
                     [](const Node& n) { return StatusOf(n.BoolOr("str", false)); },
                     "rules/x.json: $.a.b[2].str: must be true or false"},
        AccessorCase{"StringListMissing",
                     [](const Node& n) { return StatusOf(n.StringList("nope")); },
                     "rules/x.json: $.a.b[2].nope: is required"},
        AccessorCase{"StringListNotArray",
                     [](const Node& n) { return StatusOf(n.StringList("str")); },
                     "rules/x.json: $.a.b[2].str: must be an array of strings"},
        AccessorCase{"StringListBadItem",
                     [](const Node& n) { return StatusOf(n.StringList("badlist")); },
                     "rules/x.json: $.a.b[2].badlist[1]: must be a non-empty string"},
        AccessorCase{"StringListEmptyItem",
                     [](const Node& n) { return StatusOf(n.StringListOr("emptyitem")); },
                     "rules/x.json: $.a.b[2].emptyitem[1]: must be a non-empty string"},
        AccessorCase{"ChildMissing", [](const Node& n) { return StatusOf(n.Child("nope")); },
                     "rules/x.json: $.a.b[2].nope: is required"},
        AccessorCase{"ChildNotObject", [](const Node& n) { return StatusOf(n.Child("arr")); },
                     "rules/x.json: $.a.b[2].arr: must be an object"},
        AccessorCase{"ArrayMissing", [](const Node& n) { return StatusOf(n.Array("nope")); },
                     "rules/x.json: $.a.b[2].nope: is required"},
        AccessorCase{"ArrayNotArray", [](const Node& n) { return StatusOf(n.Array("obj")); },
                     "rules/x.json: $.a.b[2].obj: must be an array"},
        AccessorCase{"OptionalArrayNotArray",
                     [](const Node& n) { return StatusOf(n.OptionalArray("obj")); },
                     "rules/x.json: $.a.b[2].obj: must be an array"},
        AccessorCase{
            "SpanGarbage", [](const Node& n) { return StatusOf(n.Span("badspan")); },
            "rules/x.json: $.a.b[2].badspan: '12q' is not a duration like 12mo, 90d, 2w or 5y"},
        AccessorCase{"SpanMissing", [](const Node& n) { return StatusOf(n.Span("nope")); },
                     "rules/x.json: $.a.b[2].nope: is required"},
        AccessorCase{"NestedChildError",
                     [](const Node& n) { return StatusOf(n.Child("obj")->String("k")); },
                     "rules/x.json: $.a.b[2].obj.k: must be a string"},
        AccessorCase{"MisspeltKey",
                     [](const Node& n) {
                       return n.CheckKnownKeys({"str", "empty", "num", "int", "big", "frac", "flag",
                                                "list", "badlist", "emptyitem", "span", "obj",
                                                "arr"});
                     },
                     "rules/x.json: $.a.b[2].badspan: unknown setting (misspelt?)"},
        AccessorCase{
            "ExpectObjectOnNumber",
            [](const Node& n) { return n.Child("obj")->OptionalChild("k")->ExpectObject(); },
            "rules/x.json: $.a.b[2].obj.k: must be an object"},
        AccessorCase{"CheckKnownKeysOnNonObject",
                     [](const Node& n) { return n.OptionalChild("arr")->CheckKnownKeys({}); },
                     "rules/x.json: $.a.b[2].arr: must be an object"}),
    [](const auto& row) { return row.param.name; });

TEST_F(NodeTest, ValuesAndFallbacks) {
  Node t = Target();
  EXPECT_EQ(*t.String("str"), "text");
  EXPECT_EQ(*t.StringOr("empty", "fallback"), "");  // "" is a value, not absence
  EXPECT_EQ(*t.StringOr("nope", "fallback"), "fallback");
  EXPECT_DOUBLE_EQ(*t.Number("num"), 2.5);
  EXPECT_DOUBLE_EQ(*t.Number("int"), 7);
  EXPECT_DOUBLE_EQ(*t.NumberOr("nope", 4), 4);
  EXPECT_EQ(*t.Int("int"), 7);
  EXPECT_EQ(*t.Int("big"), 9007199254740993);  // beyond double precision, kept exact
  EXPECT_EQ(*t.IntOr("nope", -3), -3);
  EXPECT_TRUE(*t.BoolOr("flag", false));
  EXPECT_FALSE(*t.BoolOr("nope", false));
  EXPECT_THAT(*t.StringList("list"), ElementsAre("x", "y"));
  EXPECT_TRUE(t.StringListOr("nope")->empty());
  EXPECT_TRUE(t.OptionalArray("nope")->empty());
  EXPECT_FALSE(t.OptionalChild("nope").has_value());
  EXPECT_TRUE(t.Has("str"));
  EXPECT_FALSE(t.Has("nope"));
  CalendarSpan span = *t.Span("span");
  EXPECT_EQ(span.months, 18);
  EXPECT_EQ(span.days, 0);
}

TEST_F(NodeTest, CommentsAreIgnored) {
  Node t = Target();
  EXPECT_THAT(t.CheckKnownKeys({"str", "empty", "num", "int", "big", "frac", "flag", "list",
                                "badlist", "emptyitem", "span", "badspan", "obj", "arr"}),
              IsOk());  // "_comment" needs no listing
  for (const auto& [name, node] : t.Members()) EXPECT_NE(name, "_comment");
  EXPECT_EQ(t.Members().size(), 14u);
}

TEST_F(NodeTest, MembersAndElementsCarryPaths) {
  Node t = Target();
  auto obj = t.Child("obj");
  ASSERT_THAT(obj, IsOk());
  auto members = obj->Members();
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].first, "k");
  EXPECT_EQ(members[0].second.path(), "$.a.b[2].obj.k");
  auto list = t.Array("list");
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].path(), "$.a.b[2].list[1]");
  EXPECT_TRUE(t.Elements().empty());          // an object has no elements
  EXPECT_TRUE((*list)[0].Members().empty());  // a string has no members
}

struct SpanCase {
  std::string text;
  int months;
  int days;
};
void PrintTo(const SpanCase& c, std::ostream* os) { *os << c.text; }

class ParseSpanOk : public ::testing::TestWithParam<SpanCase> {};

TEST_P(ParseSpanOk, Parses) {
  auto span = ParseSpan(GetParam().text);
  ASSERT_THAT(span, IsOk());
  EXPECT_EQ(span->months, GetParam().months);
  EXPECT_EQ(span->days, GetParam().days);
}

INSTANTIATE_TEST_SUITE_P(Spans, ParseSpanOk,
                         ::testing::Values(SpanCase{"12mo", 12, 0}, SpanCase{"90d", 0, 90},
                                           SpanCase{"2w", 0, 14}, SpanCase{"5y", 60, 0},
                                           SpanCase{"1y6mo", 18, 0}, SpanCase{"1y2w3d", 12, 17},
                                           SpanCase{"0d", 0, 0}, SpanCase{"1200d", 0, 1200}));

class ParseSpanGarbage : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseSpanGarbage, Refused) {
  auto span = ParseSpan(GetParam());
  if (GetParam().empty()) {
    EXPECT_THAT(span, StatusIs(StatusCode::kInvalidArgument, "empty duration"));
  } else {
    EXPECT_THAT(span, StatusIs(StatusCode::kInvalidArgument,
                               "'" + GetParam() + "' is not a duration like 12mo, 90d, 2w or 5y"));
  }
}

INSTANTIATE_TEST_SUITE_P(Spans, ParseSpanGarbage,
                         ::testing::Values("", "12", "mo", "12m", "12 mo", " 5d", "5d ", "-5d",
                                           "+5d", "5dd", "1.5y", "1201d", "12MO", "y", "5x",
                                           "99999999999d"));

TEST(ReadJsonFile, ReadsAndNamesTheFile) {
  cds::testing::TempDir dir;
  dir.Write("ok.json", R"({"a": 1})");
  auto f = ReadJsonFile(dir.PathOf("ok.json"), "knowledge/ok.json");
  ASSERT_THAT(f, IsOk());
  EXPECT_EQ(f->name, "knowledge/ok.json");
  EXPECT_EQ(f->Root().path(), "$");
  EXPECT_EQ(*f->Root().Int("a"), 1);
}

TEST(ReadJsonFile, Errors) {
  cds::testing::TempDir dir;
  dir.Write("bad.json", R"({"a": )");
  dir.Write("dup.json", R"({"a": 1, "a": 2})");
  EXPECT_THAT(ReadJsonFile(dir.PathOf("missing.json"), "knowledge/missing.json"),
              StatusIs(StatusCode::kInvalidArgument, "knowledge/missing.json: cannot be read"));
  EXPECT_THAT(ReadJsonFile(dir.PathOf("bad.json"), "knowledge/bad.json"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("knowledge/bad.json: ")));
  // A key written twice would silently pick one value: refused.
  EXPECT_THAT(ReadJsonFile(dir.PathOf("dup.json"), "knowledge/dup.json"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("knowledge/dup.json: ")));
}

}  // namespace
}  // namespace cds::config
