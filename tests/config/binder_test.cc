// config::Schema: one declaration per field drives parsing (errors with file and JSON
// path), the refusal of unknown keys, validation of values set in code, and the keys,
// texts and reference lines documentation is made from.
#include "config/binder.h"

#include <optional>

#include "tests/support/status_matchers.h"

namespace cds::config {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::ElementsAre;

enum class Mode { kFast, kSafe };

struct Inner {
  int count = 1;
  std::string unit = "mg";
};

struct Item {
  std::string label;
  double amount = 0;
};

struct Settings {
  std::string name;
  int threads = 32;
  int64_t big = 0;
  size_t bytes = 1024;
  size_t free_size = 7;
  double ratio = 0.5;
  bool on = true;
  std::string path;
  std::string level = "info";
  CalendarSpan window;
  std::vector<std::string> tags;
  std::optional<std::string> note;
  Inner inner;
  std::optional<Inner> maybe;
  std::vector<Item> items;
  Mode mode = Mode::kSafe;
  TextTemplate greeting;
  int percent = 0;
  std::string host;
  int port = 0;
};

// Every kind of field once.
const Schema<Settings>& TestSchema() {
  static const Schema<Settings> schema = [] {
    Schema<Inner> inner;
    inner.Field("count", &Inner::count, "how many").Optional().Range(1, 24);
    inner.Field("unit", &Inner::unit, "the unit").Optional().OneOf({"mg", "g"});
    Schema<Item> item;
    item.Field("label", &Item::label, "the label");
    item.Field("amount", &Item::amount, "how much").Positive();
    item.Shared();
    Schema<Settings> s;
    s.Field("name", &Settings::name, "required text");
    s.Field("threads", &Settings::threads, "an int").Optional().Range(1, 1024);
    s.Field("big", &Settings::big, "an int64").Optional();
    s.Field("bytes", &Settings::bytes, "a size").Optional().Positive();
    s.Field("free_size", &Settings::free_size, "a size without a constraint").Optional();
    s.Field("ratio", &Settings::ratio, "a fraction").Optional().RangeBelow(0, 1);
    s.Field("on", &Settings::on, "a switch").Optional();
    s.Field("path", &Settings::path, "may be empty").Optional().AllowEmpty();
    s.Field("level", &Settings::level, "a level").Optional().OneOf({"debug", "info", "warn"});
    s.Field("window", &Settings::window, "a span").Optional();
    s.Field("tags", &Settings::tags, "strings").Optional();
    s.Field("note", &Settings::note, "optional text");
    s.Object("inner", &Settings::inner, inner, "an object of plain fields").Optional();
    s.Object("maybe", &Settings::maybe, inner, "an optional object");
    s.Object("items", &Settings::items, item, "objects").Optional().NonEmpty("must list an item");
    s.Enum("mode", &Settings::mode, {{"fast", Mode::kFast}, {"safe", Mode::kSafe}}, "a choice")
        .Optional();
    s.Template("greeting", &Settings::greeting, {"who"}, "a text").Optional();
    s.Field("percent", &Settings::percent, "checked by a predicate")
        .Optional()
        .Check([](const int& p) { return p % 5 == 0; }, "must be a multiple of 5");
    s.Custom(
        "listen",
        [](const Node& n, const BindContext&, Settings& out) -> Status {
          if (!n.value().IsString()) return n.Error("must be a string");
          std::string text(json::AsStringView(n.value()));
          size_t colon = text.find(':');
          if (colon == std::string::npos) return n.Error("must be HOST:PORT");
          out.host = text.substr(0, colon);
          out.port = std::stoi(text.substr(colon + 1));
          return OkStatus();
        },
        "HOST:PORT", "two members from one value", "127.0.0.1:80");
    s.Check(
        [](const Node& n, Settings& v) {
          if (v.name == "forbidden") return n.ErrorAt("name", "is not allowed");
          return OkStatus();
        },
        "a name that is allowed");
    return s;
  }();
  return schema;
}

class BinderTest : public ::testing::Test {
 protected:
  StatusOr<Settings> Read(const std::string& text, const Schema<Settings>& s = TestSchema()) {
    auto doc = json::ParseJson(text, json::JsonLimits{});
    EXPECT_THAT(doc, IsOk()) << text;
    if (!doc.ok()) return doc.status();
    doc_ = std::move(doc).value();
    return s.Read(Node(*doc_, "test.json", "$"));
  }
  std::unique_ptr<json::Document> doc_;
};

TEST_F(BinderTest, ReadsEveryKindOfField) {
  auto s = Read(R"({"name": "n", "threads": 4, "big": 5000000000, "bytes": 10, "ratio": 0.25,
    "on": false, "path": "", "level": "warn", "window": "1y6mo", "tags": ["a", "b"],
    "note": "x", "inner": {"count": 2, "unit": "g"}, "maybe": {"count": 3},
    "items": [{"label": "one", "amount": 1.5}], "mode": "fast", "greeting": "Hello {who}",
    "percent": 15, "listen": "localhost:8080", "_comment": "ignored"})");
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->name, "n");
  EXPECT_EQ(s->threads, 4);
  EXPECT_EQ(s->big, 5000000000);
  EXPECT_EQ(s->bytes, 10u);
  EXPECT_DOUBLE_EQ(s->ratio, 0.25);
  EXPECT_FALSE(s->on);
  EXPECT_EQ(s->path, "");
  EXPECT_EQ(s->level, "warn");
  EXPECT_EQ(s->window.months, 18);
  EXPECT_THAT(s->tags, ElementsAre("a", "b"));
  EXPECT_EQ(s->note, "x");
  EXPECT_EQ(s->inner.count, 2);
  EXPECT_EQ(s->inner.unit, "g");
  ASSERT_TRUE(s->maybe.has_value());
  EXPECT_EQ(s->maybe->count, 3);
  EXPECT_EQ(s->maybe->unit, "mg");  // its own default
  ASSERT_EQ(s->items.size(), 1u);
  EXPECT_EQ(s->items[0].label, "one");
  EXPECT_EQ(s->mode, Mode::kFast);
  EXPECT_EQ(s->greeting.Render({{"who", "you"}}), "Hello you");
  EXPECT_EQ(s->percent, 15);
  EXPECT_EQ(s->host, "localhost");
  EXPECT_EQ(s->port, 8080);
}

TEST_F(BinderTest, AbsentOptionalFieldsKeepTheirDefaults) {
  auto s = Read(R"({"name": "n"})");
  ASSERT_THAT(s, IsOk());
  Settings defaults;
  EXPECT_EQ(s->threads, defaults.threads);
  EXPECT_EQ(s->bytes, defaults.bytes);
  EXPECT_TRUE(s->on);
  EXPECT_EQ(s->level, "info");
  EXPECT_FALSE(s->note.has_value());
  EXPECT_FALSE(s->maybe.has_value());
  EXPECT_TRUE(s->items.empty());
  EXPECT_EQ(s->mode, Mode::kSafe);
  EXPECT_TRUE(s->greeting.empty());
}

struct ErrorCase {
  std::string name;
  std::string json;
  std::string message;  // exact
};
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class BinderRejects : public BinderTest, public ::testing::WithParamInterface<ErrorCase> {};

TEST_P(BinderRejects, NamingThePath) {
  EXPECT_THAT(Read(GetParam().json), StatusIs(StatusCode::kInvalidArgument, GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, BinderRejects,
    ::testing::Values(
        ErrorCase{"NotAnObject", R"([])", "test.json: $: must be an object"},
        ErrorCase{"Required", R"({})", "test.json: $.name: is required"},
        ErrorCase{"UnknownKey", R"({"name": "n", "nmae": 1})",
                  "test.json: $.nmae: unknown setting (misspelt?)"},
        ErrorCase{"UnknownNestedKey", R"({"name": "n", "inner": {"cuont": 1}})",
                  "test.json: $.inner.cuont: unknown setting (misspelt?)"},
        ErrorCase{"StringType", R"({"name": 3})", "test.json: $.name: must be a string"},
        ErrorCase{"StringEmpty", R"({"name": ""})", "test.json: $.name: must not be empty"},
        ErrorCase{"IntType", R"({"name": "n", "threads": 1.5})",
                  "test.json: $.threads: must be an integer"},
        ErrorCase{"IntOutOfRangeBeforeConstraint", R"({"name": "n", "threads": 4294967297})",
                  "test.json: $.threads: is out of range"},
        ErrorCase{"IntRange", R"({"name": "n", "threads": 0})",
                  "test.json: $.threads: must be 1-1024"},
        ErrorCase{"SizeNegativeIsTheConstraint", R"({"name": "n", "bytes": -1})",
                  "test.json: $.bytes: must be > 0"},
        ErrorCase{"SizeNegativeWithoutAConstraint", R"({"name": "n", "free_size": -1})",
                  "test.json: $.free_size: must be >= 0"},
        ErrorCase{"DoubleType", R"({"name": "n", "ratio": "half"})",
                  "test.json: $.ratio: must be a number"},
        ErrorCase{"DoubleRangeBelow", R"({"name": "n", "ratio": 1})",
                  "test.json: $.ratio: must be 0 to < 1"},
        ErrorCase{"Bool", R"({"name": "n", "on": "yes"})",
                  "test.json: $.on: must be true or false"},
        ErrorCase{"OneOf", R"({"name": "n", "level": "trace"})",
                  "test.json: $.level: must be debug, info or warn"},
        ErrorCase{"Span", R"({"name": "n", "window": "a year"})",
                  "test.json: $.window: 'a year' is not a duration like 12mo, 90d, 2w or 5y"},
        ErrorCase{"ListType", R"({"name": "n", "tags": "a"})",
                  "test.json: $.tags: must be an array of strings"},
        ErrorCase{"ListElement", R"({"name": "n", "tags": ["a", ""]})",
                  "test.json: $.tags[1]: must be a non-empty string"},
        ErrorCase{"ObjectType", R"({"name": "n", "inner": 3})",
                  "test.json: $.inner: must be an object"},
        ErrorCase{"NestedConstraint", R"({"name": "n", "maybe": {"count": 25}})",
                  "test.json: $.maybe.count: must be 1-24"},
        ErrorCase{"NestedOneOf", R"({"name": "n", "inner": {"unit": "kg"}})",
                  "test.json: $.inner.unit: must be mg or g"},
        ErrorCase{"ObjectListType", R"({"name": "n", "items": {}})",
                  "test.json: $.items: must be an array"},
        ErrorCase{"ObjectListEmpty", R"({"name": "n", "items": []})",
                  "test.json: $.items: must list an item"},
        ErrorCase{
            "ObjectListElement",
            R"({"name": "n", "items": [{"label": "a", "amount": 1}, {"label": "b", "amount": 0}]})",
            "test.json: $.items[1].amount: must be > 0"},
        ErrorCase{"Enum", R"({"name": "n", "mode": "slow"})",
                  "test.json: $.mode: must be fast or safe"},
        ErrorCase{"TemplatePlaceholder", R"({"name": "n", "greeting": "Hi {whom}"})",
                  "test.json: $.greeting: unknown placeholder {whom}; this rule provides: {who}"},
        ErrorCase{"Predicate", R"({"name": "n", "percent": 7})",
                  "test.json: $.percent: must be a multiple of 5"},
        ErrorCase{"Custom", R"({"name": "n", "listen": "localhost"})",
                  "test.json: $.listen: must be HOST:PORT"},
        ErrorCase{"ObjectCheck", R"({"name": "forbidden"})", "test.json: $.name: is not allowed"}),
    [](const auto& row) { return row.param.name; });

TEST_F(BinderTest, AllowedKeysAndTheUnknownKeyMessage) {
  Schema<Item> s;
  s.Field("label", &Item::label, "the label");
  s.Allow({"id"});
  s.UnknownKeyMessage("unknown setting for this rule (misspelt?)");
  auto doc = json::ParseJson(R"({"id": "x", "label": "l"})", json::JsonLimits{});
  ASSERT_THAT(doc, IsOk());
  EXPECT_THAT(s.Read(Node(**doc, "r.json", "$")), IsOk());
  doc = json::ParseJson(R"({"label": "l", "lable": "l"})", json::JsonLimits{});
  ASSERT_THAT(doc, IsOk());
  EXPECT_THAT(s.Read(Node(**doc, "r.json", "$")),
              StatusIs(StatusCode::kInvalidArgument,
                       "r.json: $.lable: unknown setting for this rule (misspelt?)"));
}

TEST_F(BinderTest, FlatKeyIntoAMemberOfAMember) {
  struct Limits {
    json::JsonLimits json;
  };
  Schema<Limits> s;
  s.Field("max_json_depth", &Limits::json, &json::JsonLimits::max_depth, "depth")
      .Optional()
      .Positive();
  auto doc = json::ParseJson(R"({"max_json_depth": 9})", json::JsonLimits{});
  ASSERT_THAT(doc, IsOk());
  auto l = s.Read(Node(**doc, "s.json", "$"));
  ASSERT_THAT(l, IsOk());
  EXPECT_EQ(l->json.max_depth, 9u);
  Limits bad;
  bad.json.max_depth = 0;
  EXPECT_THAT(s.Validate(bad, "limits."),
              StatusIs(StatusCode::kInvalidArgument, "limits.max_json_depth must be > 0"));
}

TEST(BinderValidate, ChecksAValueBuiltInCodeWithPlainPaths) {
  Settings s;
  s.name = "n";
  s.items = {Item{"a", 1}};
  EXPECT_THAT(TestSchema().Validate(s), IsOk());
  s.threads = 0;
  EXPECT_THAT(TestSchema().Validate(s),
              StatusIs(StatusCode::kInvalidArgument, "threads must be 1-1024"));
  s.threads = 4;
  s.level = "loud";
  EXPECT_THAT(TestSchema().Validate(s),
              StatusIs(StatusCode::kInvalidArgument, "level must be debug, info or warn"));
  s.level = "info";
  s.inner.count = 30;
  EXPECT_THAT(TestSchema().Validate(s),
              StatusIs(StatusCode::kInvalidArgument, "inner.count must be 1-24"));
  s.inner.count = 1;
  s.items = {Item{"a", 1}, Item{"b", -2}};
  EXPECT_THAT(TestSchema().Validate(s),
              StatusIs(StatusCode::kInvalidArgument, "items[1].amount must be > 0"));
  s.items = {};
  EXPECT_THAT(TestSchema().Validate(s),
              StatusIs(StatusCode::kInvalidArgument, "items must list an item"));
}

TEST(BinderDocs, KeysExpandObjectsOfPlainFieldsOnly) {
  EXPECT_THAT(
      TestSchema().Keys(),
      ElementsAre("name", "threads", "big", "bytes", "free_size", "ratio", "on", "path", "level",
                  "window", "tags", "note", "inner.count", "inner.unit", "maybe.count",
                  "maybe.unit", "items[]", "mode", "greeting", "percent", "listen"));
}

TEST(BinderDocs, TextsArePlainValuesByDottedPath) {
  Settings s;
  s.name = "n";
  s.window = CalendarSpan{12, 0};
  s.ratio = 0.25;
  s.items = {Item{"a", 1}};
  auto texts = TestSchema().Texts(s);
  EXPECT_EQ(texts.at("name"), "n");
  EXPECT_EQ(texts.at("threads"), "32");
  EXPECT_EQ(texts.at("ratio"), "0.25");
  EXPECT_EQ(texts.at("on"), "true");
  EXPECT_EQ(texts.at("window"), s.window.ToString());
  EXPECT_EQ(texts.at("inner.count"), "1");
  EXPECT_EQ(texts.at("mode"), "safe");
  EXPECT_EQ(texts.count("note"), 0u);  // absent optional
  EXPECT_EQ(texts.count("maybe.count"), 0u);
  EXPECT_EQ(texts.count("items"), 0u);  // lists are left to the rule
}

TEST(BinderDocs, DescribeGivesTypeRequirementConstraintsAndDoc) {
  std::vector<FieldDoc> docs = TestSchema().Describe();
  std::map<std::string, FieldDoc> by_key;
  for (const FieldDoc& d : docs) by_key[d.key] = d;
  EXPECT_EQ(by_key["name"].requirement, "required");
  EXPECT_EQ(by_key["name"].type, "text");
  EXPECT_EQ(by_key["threads"].requirement, "default 32");
  EXPECT_EQ(by_key["threads"].constraints, "must be 1-1024");
  EXPECT_EQ(by_key["threads"].doc, "an int");
  EXPECT_EQ(by_key["on"].type, "true/false");
  EXPECT_EQ(by_key["note"].requirement, "optional");
  EXPECT_EQ(by_key["tags"].type, "list of text");
  EXPECT_EQ(by_key["inner.unit"].constraints, "must be mg or g");
  EXPECT_EQ(by_key["items[]"].constraints, "must list an item");
  EXPECT_EQ(by_key["items[].amount"].constraints, "must be > 0");
  EXPECT_EQ(by_key["items[].amount"].shared_root, "items[]");  // from a Shared() schema
  EXPECT_EQ(by_key["inner.count"].shared_root, "");
  EXPECT_EQ(by_key["mode"].type, "one of fast or safe");
  EXPECT_EQ(by_key["greeting"].type, "text with {who}");
  EXPECT_EQ(by_key["listen"].requirement, "default 127.0.0.1:80");
}

TEST(BinderFieldTypes, CodeEntriesResolveTheKnowledgesAliases) {
  struct WithCode {
    CodeEntry code;
  };
  Schema<WithCode> s;
  s.Field("code", &WithCode::code, "a code");
  Knowledge k;
  k.system_aliases = {{"loinc", "http://loinc.org"}};
  auto doc = json::ParseJson(
      R"({"code": {"system": "loinc", "code": "5196-1", "display": "HBsAg", "source": "LOINC"}})",
      json::JsonLimits{});
  ASSERT_THAT(doc, IsOk());
  auto read = s.Read(Node(**doc, "r.json", "$"), BindContext{&k});
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->code.system, "http://loinc.org");
  EXPECT_THAT(s.Read(Node(**doc, "r.json", "$")),
              StatusIs(StatusCode::kInvalidArgument,
                       "r.json: $.code: a code needs the knowledge to resolve its system"));
}

}  // namespace
}  // namespace cds::config
