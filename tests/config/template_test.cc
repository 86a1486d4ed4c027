// config::TextTemplate: placeholders, {{ }} escapes, errors that list what the rule provides.
#include "config/template.h"

#include "tests/support/status_matchers.h"

namespace cds::config {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;

struct RenderCase {
  std::string name;
  std::string text;
  std::vector<std::string> allowed;
  TextTemplate::Values values;
  std::string expected;
};
void PrintTo(const RenderCase& c, std::ostream* os) { *os << c.name; }

class TemplateRenders : public ::testing::TestWithParam<RenderCase> {};

TEST_P(TemplateRenders, AsExpected) {
  const RenderCase& c = GetParam();
  auto t = TextTemplate::Parse(c.text, c.allowed);
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->source(), c.text);
  EXPECT_EQ(t->Render(c.values), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TemplateRenders,
    ::testing::Values(RenderCase{"Placeholder",
                                 "Rituximab ordered; {missing} not on file.",
                                 {"missing"},
                                 {{"missing", "HBsAg"}},
                                 "Rituximab ordered; HBsAg not on file."},
                      RenderCase{"SeveralAndRepeated",
                                 "{value} on {date}; {value} again",
                                 {"value", "date"},
                                 {{"value", "4.2 g/dL"}, {"date", "2026-11-01"}},
                                 "4.2 g/dL on 2026-11-01; 4.2 g/dL again"},
                      RenderCase{"Adjacent", "{a}{b}", {"a", "b"}, {{"a", "1"}, {"b", "2"}}, "12"},
                      RenderCase{"NoPlaceholders", "Plain text.", {}, {}, "Plain text."},
                      RenderCase{"Empty", "", {"a"}, {}, ""},
                      RenderCase{"EscapedBraces", "{{literal}}", {}, {}, "{literal}"},
                      RenderCase{"EscapedAroundPlaceholder", "{{{v}}}", {"v"}, {{"v", "x"}}, "{x}"},
                      RenderCase{"LoneEscapes", "a {{ b }} c", {}, {}, "a { b } c"},
                      RenderCase{"MissingValueRendersEmpty", "[{a}]", {"a"}, {}, "[]"},
                      RenderCase{
                          "ValueWithBracesIsNotReparsed", "{a}", {"a"}, {{"a", "{b}"}}, "{b}"},
                      RenderCase{"Utf8Kept",
                                 "\xC2\xB5g/L {v} \xE2\x89\xA5",
                                 {"v"},
                                 {{"v", "5"}},
                                 "\xC2\xB5g/L 5 \xE2\x89\xA5"}),
    [](const auto& row) { return row.param.name; });

struct ErrorCase {
  std::string name;
  std::string text;
  std::vector<std::string> allowed;
  std::string message;
};
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class TemplateRejects : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(TemplateRejects, WithMessage) {
  EXPECT_THAT(TextTemplate::Parse(GetParam().text, GetParam().allowed),
              StatusIs(StatusCode::kInvalidArgument, GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TemplateRejects,
    ::testing::Values(
        ErrorCase{"UnknownPlaceholderListsAllowed",
                  "{mising} not on file",
                  {"missing", "date"},
                  "unknown placeholder {mising}; this rule provides: {missing}, {date}"},
        ErrorCase{"UnknownPlaceholderNoneAllowed",
                  "x {a}",
                  {},
                  "unknown placeholder {a}; this rule provides: none"},
        ErrorCase{
            "EmptyPlaceholder", "x {} y", {"a"}, "unknown placeholder {}; this rule provides: {a}"},
        ErrorCase{"CaseMatters",
                  "{Value}",
                  {"value"},
                  "unknown placeholder {Value}; this rule provides: {value}"},
        ErrorCase{"Unterminated", "Value {value", {"value"}, "unterminated '{'"},
        ErrorCase{"UnmatchedClose", "Value value}", {"value"}, "unmatched '}'"},
        ErrorCase{"CloseAfterPlaceholder", "{value}}", {"value"}, "unmatched '}'"}),
    [](const auto& row) { return row.param.name; });

TEST(TextTemplate, DefaultIsEmpty) {
  TextTemplate t;
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.Render({{"a", "b"}}), "");
}

std::unique_ptr<json::Document> Parse(std::string_view text) {
  auto doc = json::ParseJson(text, json::JsonLimits{});
  EXPECT_TRUE(doc.ok());
  return std::move(doc).value();
}

TEST(ParseTemplate, ErrorsNameFileAndPath) {
  auto doc = Parse(R"({"summary": "IgM {valu}", "detail": 3, "ok": "IgM {value}"})");
  Node root(*doc, "knowledge/rules/igm.json", "$");
  EXPECT_THAT(ParseTemplate(root, "summary", {"value"}),
              StatusIs(StatusCode::kInvalidArgument,
                       "knowledge/rules/igm.json: $.summary: unknown placeholder {valu}; this rule "
                       "provides: {value}"));
  EXPECT_THAT(ParseTemplate(root, "detail", {"value"}),
              StatusIs(StatusCode::kInvalidArgument,
                       "knowledge/rules/igm.json: $.detail: must be a string"));
  EXPECT_THAT(
      ParseTemplate(root, "absent", {"value"}),
      StatusIs(StatusCode::kInvalidArgument, "knowledge/rules/igm.json: $.absent: is required"));
  auto ok = ParseTemplate(root, "ok", {"value"});
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->Render({{"value", "5 g/dL"}}), "IgM 5 g/dL");
}

TEST(ParseTemplateOr, AbsentIsEmptyPresentIsChecked) {
  auto doc = Parse(R"({"detail": "{x}"})");
  Node root(*doc, "f.json", "$");
  auto absent = ParseTemplateOr(root, "summary", {});
  ASSERT_THAT(absent, IsOk());
  EXPECT_TRUE(absent->empty());
  EXPECT_THAT(ParseTemplateOr(root, "detail", {}),
              StatusIs(StatusCode::kInvalidArgument,
                       "f.json: $.detail: unknown placeholder {x}; this rule provides: none"));
}

}  // namespace
}  // namespace cds::config
