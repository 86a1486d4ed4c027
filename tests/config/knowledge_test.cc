// config::LoadKnowledge on small fixture directories written per test, and the bundled
// config/knowledge. Each error row changes one file of a valid base and asserts the
// message, which names the file and JSON path.
#include "config/knowledge.h"

#include <map>

#include "tests/config/temp_knowledge.h"
#include "tests/support/status_matchers.h"

namespace cds::config {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::KnowledgeDir;
using ::cds::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using Files = std::map<std::string, std::string>;
constexpr char kDelete[] = "<delete>";

Files BaseFiles() {
  return {
      {"valuesets/hbv.json", R"({
        "_comment": "HBV serology.",
        "hbsag": {"description": "HBsAg", "codes": [
          {"system": "loinc", "code": "5196-1", "display": "HBsAg", "source": "LOINC"}]},
        "anti-hbc": {"description": "anti-HBc", "codes": [
          {"system": "http://loinc.org", "code": "16933-4", "display": "anti-HBc", "source": "LOINC",
           "verified": "2026-01", "note": "total"}]},
        "hbv-all": {"description": "All HBV", "includes": ["hbsag", "anti-hbc"],
                    "codes": [{"system": "loinc", "code": "10900-9", "display": "anti-HBs", "source": "LOINC"}]}
      })"},
      {"valuesets/drugs.json", R"({
        "opioids": {"description": "ATC opioids", "prefixes": [
          {"system": "atc", "prefix": "N02A", "display": "Opioids", "source": "WHO ATC"}]},
        "rituximab": {"description": "Rituximab", "codes": [
          {"system": "rxnorm", "code": "121191", "display": "rituximab", "source": "RxNorm"}]}
      })"},
      {"citations/main.json", R"({
        "aasld": {"label": "AASLD 2018", "url": "https://www.aasld.org/", "reference": "Terrault NA et al."},
        "local": {"label": "Local protocol", "reference": "Local protocol v2"}
      })"},
      {"prefetch/main.json", R"({
        "_comment": "queries",
        "hbvSerology": {"query": "Observation?patient={{context.patientId}}&code=${codes:hbv-all}",
                        "description": "HBV serology"},
        "patient": {"query": "Patient/{{context.patientId}}", "description": "The patient"}
      })"},
      {"rules/rule-a.json", R"({"id": "rule-a", "title": "Rule A"})"},
      {"rules/rule-b.json", R"({"id": "rule-b"})"},
      {"services/b.json", R"({"services": [
        {"id": "svc-view", "hook": "patient-view", "title": "View", "description": "D",
         "usageRequirements": "Send prefetch", "rules": ["rule-a", "rule-b"]}]})"},
      {"services/a.json", R"({"_comment": "first by name", "services": [
        {"id": "svc-sign", "hook": "order-sign", "title": "Sign", "description": "D", "rules": []}]})"},
  };
}

StatusOr<std::shared_ptr<const Knowledge>> Load(const Files& changes) {
  Files files = BaseFiles();
  for (const auto& [name, content] : changes) files[name] = content;
  KnowledgeDir dir;
  for (const auto& [name, content] : files) {
    if (content != kDelete) dir.Write(name, content);
  }
  if (changes.count("meta.json") && changes.at("meta.json") == kDelete) dir.Remove("meta.json");
  return LoadKnowledge(dir.path());
}

TEST(LoadKnowledge, BaseFixtureLoads) {
  auto k = Load({});
  ASSERT_THAT(k, IsOk());
  const Knowledge& kn = **k;
  EXPECT_EQ(kn.version, "test-1");
  EXPECT_EQ(kn.publisher, "Test CDS");
  EXPECT_EQ(kn.rule_system, "urn:test:rule");
  EXPECT_EQ(kn.override_system, "urn:test:override");
  EXPECT_EQ(kn.unavailable_summary, "Some checks could not be completed");
  EXPECT_EQ(kn.system_aliases.at("loinc"), "http://loinc.org");
  EXPECT_EQ(kn.value_sets.size(), 5u);
  EXPECT_EQ(kn.citations.size(), 2u);
  EXPECT_EQ(kn.FindCitation("local")->url, "");
  EXPECT_EQ(kn.FindCitation("nope"), nullptr);
  EXPECT_EQ(kn.rule_files.size(), 2u);
  EXPECT_EQ(kn.rule_files.at("rule-a").name, "knowledge/rules/rule-a.json");
  // Service files load in name order: a.json before b.json.
  ASSERT_EQ(kn.services.size(), 2u);
  EXPECT_EQ(kn.services[0].id, "svc-sign");
  EXPECT_EQ(kn.services[1].id, "svc-view");
  EXPECT_EQ(kn.services[1].usage_requirements, "Send prefetch");
  EXPECT_THAT(kn.services[1].rules, ElementsAre("rule-a", "rule-b"));
}

TEST(LoadKnowledge, CodesResolveAliasesAndIncludesExpand) {
  auto k = Load({});
  ASSERT_THAT(k, IsOk());
  const ValueSet* hbsag = (*k)->FindValueSet("hbsag");
  ASSERT_NE(hbsag, nullptr);
  EXPECT_EQ(hbsag->codes[0].system, "http://loinc.org");  // alias resolved
  EXPECT_EQ(hbsag->codes[0].source, "LOINC");
  std::vector<std::string> codes;
  for (const CodeEntry& c : (*k)->Expand("hbv-all").codes) codes.push_back(c.code);
  EXPECT_THAT(codes,
              ElementsAre("10900-9", "5196-1", "16933-4"));  // own codes, then includes in order
  ASSERT_EQ((*k)->Expand("opioids").prefixes.size(), 1u);
  EXPECT_EQ((*k)->Expand("opioids").prefixes[0].code, "N02A");
  EXPECT_TRUE((*k)->Expand("nope").codes.empty());
  EXPECT_EQ((*k)->ResolveSystem("snomed"), "http://snomed.info/sct");
  EXPECT_EQ((*k)->ResolveSystem("https://example.org/cs"), "https://example.org/cs");
  EXPECT_EQ((*k)->ResolveSystem("urn:oid:2.16.840.1"), "urn:oid:2.16.840.1");
  EXPECT_EQ((*k)->ResolveSystem("lonic"), "");
}

TEST(LoadKnowledge, PrefetchCodesMacroExpands) {
  auto k = Load({});
  ASSERT_THAT(k, IsOk());
  EXPECT_EQ((*k)->prefetch.at("hbvSerology").query,
            "Observation?patient={{context.patientId}}&code="
            "http://loinc.org|10900-9,http://loinc.org|5196-1,http://loinc.org|16933-4");
  EXPECT_EQ((*k)->prefetch.at("patient").query, "Patient/{{context.patientId}}");
  EXPECT_EQ((*k)->prefetch.at("patient").description, "The patient");
}

// Regression: includes were checked with one "seen" set per walk, so a value set reached
// along two paths (a diamond, not a cycle) was refused as "in a cycle".
TEST(LoadKnowledge, DiamondIncludesAreNotACycle) {
  auto k = Load({{"valuesets/diamond.json", R"({
      "top": {"description": "t", "includes": ["left", "right"]},
      "left": {"description": "l", "includes": ["bottom"]},
      "right": {"description": "r", "includes": ["bottom"]},
      "bottom": {"description": "b", "codes": [{"system": "loinc", "code": "1-8", "display": "x", "source": "s"}]}
    })"}});
  ASSERT_THAT(k, IsOk());
  EXPECT_EQ((*k)->Expand("top").codes.size(), 1u);  // expanded once
}

struct ErrorCase {
  std::string name;
  Files changes;
  std::string message;  // substring
};
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class LoadKnowledgeRejects : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(LoadKnowledgeRejects, WithFileAndPath) {
  EXPECT_THAT(Load(GetParam().changes),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, LoadKnowledgeRejects,
    ::testing::Values(
        // meta.json
        ErrorCase{"MetaMissing", {{"meta.json", kDelete}}, "knowledge/meta.json: cannot be read"},
        ErrorCase{
            "MetaMisspelt",
            {{"meta.json", R"({"version":"1","publsher":"x","rule_system":"u","override_system":"o",
                     "systems":{},"unavailable_card":{"summary":"s","detail":"d"}})"}},
            "knowledge/meta.json: $.publsher: unknown setting (misspelt?)"},
        ErrorCase{"MetaNoUnavailableCard",
                  {{"meta.json",
                    R"({"version":"1","publisher":"x","rule_system":"u","override_system":"o",
                     "systems":{}})"}},
                  "knowledge/meta.json: $.unavailable_card: is required"},
        ErrorCase{"MetaSystemNotString",
                  {{"meta.json",
                    R"({"version":"1","publisher":"x","rule_system":"u","override_system":"o",
                     "systems":{"loinc":5},"unavailable_card":{"summary":"s","detail":"d"}})"}},
                  "knowledge/meta.json: $.systems.loinc: must be a code system URI"},
        ErrorCase{"MalformedJson",
                  {{"valuesets/hbv.json", R"({"hbsag": )"}},
                  "knowledge/valuesets/hbv.json: "},
        // value sets
        ErrorCase{
            "UnknownSystemAlias",
            {{"valuesets/x.json",
              R"({"x": {"description": "x", "codes": [{"system": "lonic", "code": "1", "display": "d", "source": "s"}]}})"}},
            "knowledge/valuesets/x.json: $.x.codes[0].system: unknown code system alias 'lonic'"},
        ErrorCase{
            "CodeEntryMisspelt",
            {{"valuesets/x.json",
              R"({"x": {"description": "x", "codes": [{"system": "loinc", "code": "1", "dispaly": "d", "source": "s"}]}})"}},
            "knowledge/valuesets/x.json: $.x.codes[0].dispaly: unknown setting (misspelt?)"},
        ErrorCase{
            "CodeEntryWithoutSource",
            {{"valuesets/x.json",
              R"({"x": {"description": "x", "codes": [{"system": "loinc", "code": "1", "display": "d"}]}})"}},
            "knowledge/valuesets/x.json: $.x.codes[0].source: is required"},
        ErrorCase{"ValueSetWithoutCodes",
                  {{"valuesets/x.json", R"({"x": {"description": "x"}})"}},
                  "knowledge/valuesets/x.json: $.x: a value set needs codes, prefixes or includes"},
        ErrorCase{"ValueSetMisspelt",
                  {{"valuesets/x.json", R"({"x": {"description": "x", "include": ["hbsag"]}})"}},
                  "knowledge/valuesets/x.json: $.x.include: unknown setting (misspelt?)"},
        ErrorCase{"ValueSetDefinedTwiceAcrossFiles",
                  {{"valuesets/zz.json",
                    R"({"hbsag": {"description": "again", "includes": ["anti-hbc"]}})"}},
                  "knowledge/valuesets/zz.json: $.hbsag: value set 'hbsag' is defined twice"},
        ErrorCase{
            "IncludesUnknown",
            {{"valuesets/x.json", R"({"x": {"description": "x", "includes": ["hbsag", "nope"]}})"}},
            "knowledge/valuesets: 'x' includes unknown value set 'nope'"},
        ErrorCase{"IncludesSelf",
                  {{"valuesets/x.json", R"({"x": {"description": "x", "includes": ["x"]}})"}},
                  "includes 'x' in a cycle"},
        ErrorCase{"IncludesCycle",
                  {{"valuesets/x.json", R"({"x": {"description": "x", "includes": ["y"]},
                                           "y": {"description": "y", "includes": ["z"]},
                                           "z": {"description": "z", "includes": ["x"]}})"}},
                  "in a cycle"},
        // citations
        ErrorCase{"CitationHttpUrl",
                  {{"citations/x.json",
                    R"({"x": {"label": "X", "url": "http://example.org", "reference": "R"}})"}},
                  "knowledge/citations/x.json: $.x.url: must be an https URL"},
        ErrorCase{"CitationWithoutReference",
                  {{"citations/x.json", R"({"x": {"label": "X"}})"}},
                  "knowledge/citations/x.json: $.x.reference: is required"},
        ErrorCase{"CitationDefinedTwice",
                  {{"citations/x.json", R"({"aasld": {"label": "X", "reference": "R"}})"}},
                  "knowledge/citations/x.json: $.aasld: citation 'aasld' is defined twice"},
        // prefetch
        ErrorCase{"PrefetchUnknownValueSet",
                  {{"prefetch/x.json",
                    R"({"k": {"query": "Observation?code=${codes:nope}", "description": "d"}})"}},
                  "knowledge/prefetch/x.json: $.k.query: unknown value set 'nope'"},
        ErrorCase{
            "PrefetchUnknownMacro",
            {{"prefetch/x.json",
              R"({"k": {"query": "Observation?code=${valueset:hbsag}", "description": "d"}})"}},
            "knowledge/prefetch/x.json: $.k.query: unknown macro ${valueset:hbsag}"},
        ErrorCase{"PrefetchUnterminatedMacro",
                  {{"prefetch/x.json",
                    R"({"k": {"query": "Observation?code=${codes:hbsag", "description": "d"}})"}},
                  "knowledge/prefetch/x.json: $.k.query: unterminated ${...}"},
        // Regression: a value set with only prefixes expanded to "code=", which servers ignore.
        ErrorCase{
            "PrefetchValueSetWithoutCodes",
            {{"prefetch/x.json",
              R"({"k": {"query": "MedicationRequest?code=${codes:opioids}", "description": "d"}})"}},
            "knowledge/prefetch/x.json: $.k.query: value set 'opioids' has no codes to list"},
        ErrorCase{"PrefetchWithoutDescription",
                  {{"prefetch/x.json", R"({"k": {"query": "Patient/1"}})"}},
                  "knowledge/prefetch/x.json: $.k.description: is required"},
        ErrorCase{
            "PrefetchDefinedTwice",
            {{"prefetch/x.json", R"({"patient": {"query": "Patient/1", "description": "d"}})"}},
            "knowledge/prefetch/x.json: $.patient: prefetch key 'patient' is defined twice"},
        // rules
        ErrorCase{"RuleIdNotFileName",
                  {{"rules/rule-c.json", R"({"id": "rule-x"})"}},
                  "knowledge/rules/rule-c.json: $.id: must equal the file name ('rule-c')"},
        ErrorCase{"RuleWithoutId",
                  {{"rules/rule-c.json", R"({"title": "C"})"}},
                  "knowledge/rules/rule-c.json: $.id: is required"},
        ErrorCase{"RuleNotObject",
                  {{"rules/rule-c.json", R"(["rule-c"])"}},
                  "knowledge/rules/rule-c.json: $: must be an object"},
        // services
        ErrorCase{
            "ServiceUnknownRule",
            {{"services/b.json", R"({"services": [{"id": "s", "hook": "patient-view", "title": "T",
                     "description": "D", "rules": ["rule-a", "rule-z"]}]})"}},
            "knowledge/services/b.json: $.services[0].rules: unknown rule 'rule-z' (no "
            "knowledge/rules/rule-z.json)"},
        ErrorCase{"ServiceIdNotPathSafe",
                  {{"services/b.json",
                    R"({"services": [{"id": "a/b", "hook": "patient-view", "title": "T",
                     "description": "D", "rules": []}]})"}},
                  "knowledge/services/b.json: $.services[0].id: must be URL-path-safe"},
        ErrorCase{
            "ServiceDefinedTwiceAcrossFiles",
            {{"services/c.json",
              R"({"services": [{"id": "svc-sign", "hook": "order-sign", "title": "T",
                     "description": "D", "rules": []}]})"}},
            "knowledge/services/c.json: $.services[0].id: service 'svc-sign' is defined twice"},
        ErrorCase{
            "ServiceMisspelt",
            {{"services/b.json", R"({"services": [{"id": "s", "hook": "patient-view", "title": "T",
                     "description": "D", "rule": []}]})"}},
            "knowledge/services/b.json: $.services[0].rule: unknown setting (misspelt?)"},
        ErrorCase{
            "ServiceWithoutRules",
            {{"services/b.json", R"({"services": [{"id": "s", "hook": "patient-view", "title": "T",
                     "description": "D"}]})"}},
            "knowledge/services/b.json: $.services[0].rules: is required"},
        ErrorCase{"ServicesFileWithoutArray",
                  {{"services/b.json", R"({"service": []})"}},
                  "knowledge/services/b.json: $.services: is required"}),
    [](const auto& row) { return row.param.name; });

TEST(LoadKnowledge, DirectoryMissing) {
  EXPECT_THAT(LoadKnowledge("/nonexistent/knowledge"),
              StatusIs(StatusCode::kInvalidArgument,
                       "knowledge directory '/nonexistent/knowledge' not found"));
}

TEST(LoadKnowledge, OnlyMetaIsRequiredAndOtherFilesAreIgnored) {
  cds::testing::KnowledgeDir dir;
  dir.Write("valuesets/README.md", "not json");
  dir.Write("rules/notes.txt", "{");
  auto k = LoadKnowledge(dir.path());
  ASSERT_THAT(k, IsOk());
  EXPECT_TRUE((*k)->services.empty());
  EXPECT_TRUE((*k)->value_sets.empty());
}

TEST(LoadKnowledge, BundledKnowledgeLoads) {
  auto k = LoadKnowledge(CDS_SOURCE_DIR "/config/knowledge");
  ASSERT_THAT(k, IsOk());
  EXPECT_FALSE((*k)->services.empty());
  EXPECT_FALSE((*k)->rule_files.empty());
  for (const auto& [key, def] : (*k)->prefetch) {
    EXPECT_EQ(def.query.find("${"), std::string::npos) << key << ": every macro expanded";
  }
}

}  // namespace
}  // namespace cds::config
