// hooks/rule_basics: what every knowledge/rules/<id>.json carries, and the helpers a rule
// uses to read its own section (unknown keys refused, value sets turned into CodeSets).
#include "hooks/rule_kit/rule_basics.h"

#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

class RuleBasicsTest : public ::testing::Test {
 protected:
  RuleBasicsTest() {
    k_.override_system = "urn:test:override";
    k_.system_aliases = {{"rxnorm", "http://www.nlm.nih.gov/research/umls/rxnorm"},
                         {"atc", "http://www.whocc.no/atc"}};
    k_.citations["aasld"] = {"aasld", "AASLD 2018", "https://www.aasld.org/", "ref"};
    config::ValueSet ritux;
    ritux.name = "rituximab";
    ritux.codes = {
        {"http://www.nlm.nih.gov/research/umls/rxnorm", "121191", "rituximab", "RxNorm"}};
    config::ValueSet opioids;
    opioids.name = "opioids";
    opioids.prefixes = {{"http://www.whocc.no/atc", "N02A", "Opioids", "ATC"}};
    config::ValueSet both;
    both.name = "both";
    both.includes = {"rituximab", "opioids"};
    k_.value_sets = {{"rituximab", ritux}, {"opioids", opioids}, {"both", both}};
  }

  config::Node Root(const std::string& text) {
    auto doc = json::ParseJson(text, json::JsonLimits{});
    EXPECT_THAT(doc, IsOk()) << text;
    doc_ = std::move(doc).value();
    return config::Node(*doc_, "knowledge/rules/r.json", "$");
  }

  config::Knowledge k_;
  std::unique_ptr<json::Document> doc_;
};

constexpr char kRule[] =
    R"({"id":"r","title":"Rule R","description":"What R checks.","citation":"aasld",
  "override_reasons":[{"code":"planned","display":"Already planned"}],
  "links":[{"label":"Guideline","url":"https://www.aasld.org/g"}],
  "drugs":"both","threshold":4,"_comment":"free text"})";

TEST_F(RuleBasicsTest, ParsesTheCommonMembers) {
  auto b = ParseRuleBasics(Root(kRule), k_);
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->id, "r");
  EXPECT_EQ(b->title, "Rule R");
  EXPECT_EQ(b->description, "What R checks.");
  EXPECT_TRUE(b->enabled);
  ASSERT_NE(b->citation, nullptr);
  EXPECT_EQ(b->citation->label, "AASLD 2018");
  ASSERT_EQ(b->override_reasons.size(), 1u);
  EXPECT_EQ(b->override_reasons[0].system, "urn:test:override");
  EXPECT_EQ(b->override_reasons[0].code, "planned");
  EXPECT_EQ(b->override_reasons[0].display, "Already planned");
  ASSERT_EQ(b->links.size(), 1u);
  EXPECT_EQ(b->links[0].type, cards::LinkType::kAbsolute);
  EXPECT_EQ(b->links[0].url, "https://www.aasld.org/g");
}

TEST_F(RuleBasicsTest, DisabledAndMinimal) {
  auto b = ParseRuleBasics(
      Root(R"({"id":"r","title":"T","description":"D","citation":"aasld","enabled":false})"), k_);
  ASSERT_THAT(b, IsOk());
  EXPECT_FALSE(b->enabled);
  EXPECT_TRUE(b->override_reasons.empty());
  EXPECT_TRUE(b->links.empty());
}

struct BasicsError {
  std::string name;
  std::string json;
  std::string message;
};
void PrintTo(const BasicsError& c, std::ostream* os) { *os << c.name; }

class ParseRuleBasicsRejects : public RuleBasicsTest,
                               public ::testing::WithParamInterface<BasicsError> {};

TEST_P(ParseRuleBasicsRejects, NamingThePath) {
  EXPECT_THAT(ParseRuleBasics(Root(GetParam().json), k_),
              StatusIs(StatusCode::kInvalidArgument, GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ParseRuleBasicsRejects,
    ::testing::Values(
        BasicsError{"NoTitle", R"({"id":"r","description":"D","citation":"aasld"})",
                    "knowledge/rules/r.json: $.title: is required"},
        BasicsError{"EnabledNotBool",
                    R"({"id":"r","title":"T","description":"D","citation":"aasld","enabled":"no"})",
                    "knowledge/rules/r.json: $.enabled: must be true or false"},
        BasicsError{"UnknownCitation",
                    R"({"id":"r","title":"T","description":"D","citation":"nope"})",
                    "knowledge/rules/r.json: $.citation: unknown citation 'nope' (see "
                    "knowledge/citations/)"},
        // Every override reason the service offers has a display (CDS Hooks 2.0).
        BasicsError{
            "OverrideReasonWithoutDisplay",
            R"({"id":"r","title":"T","description":"D","citation":"aasld","override_reasons":[{"code":"x"}]})",
            "knowledge/rules/r.json: $.override_reasons[0].display: is required"},
        BasicsError{
            "OverrideReasonMisspelt",
            R"({"id":"r","title":"T","description":"D","citation":"aasld",
                       "override_reasons":[{"code":"x","display":"X","sytem":"y"}]})",
            "knowledge/rules/r.json: $.override_reasons[0].sytem: unknown setting (misspelt?)"},
        BasicsError{"LinkNotHttps",
                    R"({"id":"r","title":"T","description":"D","citation":"aasld",
                       "links":[{"label":"G","url":"https://a.example"},{"label":"G","url":"http://b.example"}]})",
                    "knowledge/rules/r.json: $.links[1].url: must be an https URL"},
        BasicsError{
            "LinkWithoutLabel",
            R"({"id":"r","title":"T","description":"D","citation":"aasld","links":[{"url":"https://a.example"}]})",
            "knowledge/rules/r.json: $.links[0].label: is required"}),
    [](const auto& row) { return row.param.name; });

TEST_F(RuleBasicsTest, CheckKeysAllowsCommonAndListedKeys) {
  config::Node root = Root(kRule);
  auto b = ParseRuleBasics(root, k_);
  ASSERT_THAT(b, IsOk());
  RuleBuildContext ctx(k_, root, *b);
  EXPECT_THAT(ctx.CheckKeys({"drugs", "threshold"}), IsOk());
  EXPECT_THAT(
      ctx.CheckKeys({"drugs"}),
      StatusIs(StatusCode::kInvalidArgument,
               "knowledge/rules/r.json: $.threshold: unknown setting for this rule (misspelt?)"));
  EXPECT_EQ(ctx.basics().id, "r");
  EXPECT_EQ(&ctx.knowledge(), &k_);
  EXPECT_EQ(ctx.section().path(), "$");
}

TEST_F(RuleBasicsTest, CodeSetsExpandIncludesAndPrefixes) {
  config::Node root = Root(kRule);
  RuleBuildContext ctx(k_, root, RuleBasics{});
  auto set = ctx.CodeSetAt(root, "drugs");
  ASSERT_THAT(set, IsOk());
  EXPECT_TRUE(set->Contains("http://www.nlm.nih.gov/research/umls/rxnorm", "121191"));
  EXPECT_TRUE(set->Contains("http://www.whocc.no/atc", "N02AA01"));  // under prefix N02A
  EXPECT_FALSE(set->Contains("http://www.whocc.no/atc", "N02BE01"));
  EXPECT_FALSE(
      set->Contains("http://www.nlm.nih.gov/research/umls/rxnorm", "N02A"));  // other system
  EXPECT_THAT(ctx.CodeSetOf("nope"),
              StatusIs(StatusCode::kInvalidArgument, "unknown value set 'nope'"));
  EXPECT_THAT(ctx.CodeSetAt(root, "threshold"),
              StatusIs(StatusCode::kInvalidArgument,
                       "knowledge/rules/r.json: $.threshold: must be a string"));
  auto other = json::ParseJson(R"({"drugs":"nope"})", json::JsonLimits{});
  ASSERT_THAT(other, IsOk());
  config::Node bad(**other, "knowledge/rules/r.json", "$");
  EXPECT_THAT(ctx.CodeSetAt(bad, "drugs"),
              StatusIs(StatusCode::kInvalidArgument,
                       "knowledge/rules/r.json: $.drugs: unknown value set 'nope'"));
}

TEST_F(RuleBasicsTest, CodeAt) {
  config::Node root =
      Root(R"({"drug":{"system":"rxnorm","code":"121191","display":"rituximab","source":"RxNorm"},
                               "bad":{"system":"rxnorm","code":"1"}})");
  RuleBuildContext ctx(k_, root, RuleBasics{});
  auto c = ctx.CodeAt(root, "drug");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->system, "http://www.nlm.nih.gov/research/umls/rxnorm");
  EXPECT_THAT(ctx.CodeAt(root, "bad"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("$.bad.display: is required")));
  EXPECT_THAT(ctx.CodeAt(root, "nope"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("$.nope: is required")));
}

}  // namespace
}  // namespace cds::hooks
