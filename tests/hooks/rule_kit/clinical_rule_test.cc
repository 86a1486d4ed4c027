// hooks/rule_kit/clinical_rule: from a RuleDef and a rule file to a built rule -- its
// settings read through the declaration, the common keys allowed, the RuleInfo for
// discovery and docs/rules.md (trigger from the file, indicator and suggestions from the
// RuleDef, each with config values for {placeholders}), and the errors a rule author or a
// knowledge author meets.
#include "hooks/rule_kit/clinical_rule.h"

#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::ElementsAre;

struct Config {
  fhir::CodeSet drugs;
  CalendarSpan window;
  std::vector<std::string> extra_keys;
  cards::Indicator indicator = cards::Indicator::kInfo;
  config::TextTemplate summary;
};

class TestRule final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;
  void Evaluate(const RuleContext&, RuleOutcome&) const override {}
  const Config& config() const { return c_; }
};

RuleRegistration TestRegistration(std::string suggestions = "Order within {window}.") {
  return Register<TestRule>(
      {.id = "test-rule",
       .hooks = kOrderHooks,
       .data_keys = {kHbvSerology},
       .patient_view_data_keys = {kMedicationRequests},
       .indicator = "{indicator} ({count} drugs)",
       .suggestions = std::move(suggestions),
       .fields =
           [](config::Schema<Config>& s) {
             s.Field("drugs", &Config::drugs, "the drugs");
             s.Field("window", &Config::window, "how recent");
             s.Field("extra_keys", &Config::extra_keys, "data keys named by the file").Optional();
             s.Field("indicator", &Config::indicator, "the card's indicator");
             s.Template("summary", &Config::summary, {"drug"}, "card summary");
           },
       .config_data_keys = [](const Config& c) { return c.extra_keys; },
       .doc_values = [](const Config&) -> config::TextTemplate::Values {
         return {{"count", "2"}};
       }});
}

class ClinicalRuleTest : public ::testing::Test {
 protected:
  ClinicalRuleTest() {
    k_.rule_system = "urn:test:rule";
    k_.override_system = "urn:test:override";
    k_.system_aliases = {{"rxnorm", "http://www.nlm.nih.gov/research/umls/rxnorm"}};
    k_.citations["c"] = {"c", "Guideline", "https://example.org/g", "ref"};
    config::ValueSet drugs;
    drugs.name = "drugs";
    drugs.codes = {{"http://www.nlm.nih.gov/research/umls/rxnorm", "121191", "rituximab", "s"}};
    k_.value_sets = {{"drugs", drugs}};
  }

  StatusOr<std::unique_ptr<Rule>> Build(const std::string& members,
                                        const RuleRegistration& reg = TestRegistration()) {
    std::string text = R"({"id":"test-rule","title":"Test rule","description":"What it checks.",)"
                       R"("citation":"c",)" +
                       members + "}";
    auto doc = json::ParseJson(text, json::JsonLimits{});
    EXPECT_THAT(doc, IsOk()) << text;
    doc_ = std::move(doc).value();
    config::Node root(*doc_, "knowledge/rules/test-rule.json", "$");
    auto basics = ParseRuleBasics(root, k_);
    if (!basics.ok()) return basics.status();
    RuleBuildContext ctx(k_, root, std::move(basics).value());
    return reg.make(ctx);
  }

  config::Knowledge k_;
  std::unique_ptr<json::Document> doc_;
};

std::string NinetyDays() { return CalendarSpan{0, 90}.ToString(); }

constexpr char kGood[] =
    R"("trigger":"A drug ordered and nothing within {window}.","drugs":"drugs","window":"90d",)"
    R"("extra_keys":["igm","hbvSerology"],"indicator":"warning","summary":"About {drug}",)"
    R"("override_reasons":[{"code":"x","display":"X"}],"_comment":"free text")";

TEST_F(ClinicalRuleTest, BuildsTheRuleAndItsInfo) {
  auto rule = Build(kGood);
  ASSERT_THAT(rule, IsOk());
  const RuleInfo& info = (*rule)->info();
  EXPECT_EQ(info.id, "test-rule");
  EXPECT_EQ(info.title, "Test rule");
  EXPECT_THAT(info.hooks, ElementsAre(Hook::kOrderSelect, Hook::kOrderSign));
  EXPECT_THAT(info.data_keys, ElementsAre("hbvSerology", "igm"));  // declared, then configured
  EXPECT_THAT(info.patient_view_data_keys, ElementsAre("medicationRequests"));
  EXPECT_EQ(info.trigger, "A drug ordered and nothing within " + NinetyDays() + ".");
  EXPECT_EQ(info.indicator, "warning (2 drugs)");
  EXPECT_EQ(info.suggestions, "Order within " + NinetyDays() + ".");
  EXPECT_THAT(info.config_keys,
              ElementsAre("drugs", "window", "extra_keys", "indicator", "summary"));
  EXPECT_EQ(info.citation_id, "c");
  EXPECT_TRUE(info.reads_only_declared_keys);
  const auto& config = static_cast<const TestRule&>(**rule).config();
  EXPECT_TRUE(config.drugs.Contains("http://www.nlm.nih.gov/research/umls/rxnorm", "121191"));
  EXPECT_EQ(config.window.days, 90);
}

struct BuildError {
  std::string name;
  std::string members;
  std::string message;
};
void PrintTo(const BuildError& c, std::ostream* os) { *os << c.name; }

class ClinicalRuleRejects : public ClinicalRuleTest,
                            public ::testing::WithParamInterface<BuildError> {};

TEST_P(ClinicalRuleRejects, NamingThePath) {
  EXPECT_THAT(Build(GetParam().members),
              StatusIs(StatusCode::kInvalidArgument,
                       "knowledge/rules/test-rule.json: " + GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ClinicalRuleRejects,
    ::testing::Values(
        BuildError{"NoTrigger",
                   R"("drugs":"drugs","window":"90d","indicator":"info","summary":"s")",
                   "$.trigger: is required"},
        BuildError{
            "TriggerPlaceholderUnknown",
            R"("trigger":"within {windw}","drugs":"drugs","window":"90d","indicator":"info","summary":"s")",
            "$.trigger: unknown placeholder {windw}; this rule provides: {count}, "
            "{indicator}, {window}"},
        BuildError{
            "MisspeltSetting",
            R"("trigger":"t","drugs":"drugs","window":"90d","indicator":"info","summary":"s","windows":"1d")",
            "$.windows: unknown setting for this rule (misspelt?)"},
        BuildError{
            "UnknownValueSet",
            R"("trigger":"t","drugs":"drug","window":"90d","indicator":"info","summary":"s")",
            "$.drugs: unknown value set 'drug'"},
        BuildError{
            "SummaryPlaceholder",
            R"("trigger":"t","drugs":"drugs","window":"90d","indicator":"info","summary":"{dose}")",
            "$.summary: unknown placeholder {dose}; this rule provides: {drug}"}),
    [](const auto& row) { return row.param.name; });

// A RuleDef text naming a placeholder no config value provides is a bug in C++, not in
// the knowledge: an internal error naming the rule.
TEST_F(ClinicalRuleTest, ABadRuleDefTextIsAnInternalError) {
  EXPECT_THAT(Build(kGood, TestRegistration("Order within {windw}.")),
              StatusIs(StatusCode::kInternal,
                       "rule test-rule: RuleDef suggestions: unknown placeholder {windw}; this "
                       "rule provides: {count}, {indicator}, {window}"));
}

TEST_F(ClinicalRuleTest, DescribeListsTheRulesOwnSettings) {
  RuleRegistration reg = TestRegistration();
  ASSERT_TRUE(reg.describe);
  std::vector<std::string> keys;
  for (const config::FieldDoc& d : reg.describe()) keys.push_back(d.key);
  EXPECT_THAT(keys, ElementsAre("drugs", "window", "extra_keys", "indicator", "summary"));
}

}  // namespace
}  // namespace cds::hooks
