// Every rule in the knowledge has its own table-driven test file and is offered by a
// service in discovery; every implemented rule has knowledge. (Issue 3 acceptance.)
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "hooks/rules/all_rules.h"

#include "app/cds_hooks_service.h"

namespace cds::hooks {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::set<std::string> KnowledgeRuleIds() {
  std::set<std::string> ids;
  for (const auto& e :
       fs::directory_iterator(fs::path(CDS_SOURCE_DIR) / "config/knowledge/rules")) {
    if (e.path().extension() == ".json") ids.insert(e.path().stem().string());
  }
  return ids;
}

// tests/hooks/rules/<domain>/<rule_id>_test.cc, in whichever domain folder.
fs::path RuleTestFile(const std::string& id) {
  std::string stem = id;
  std::replace(stem.begin(), stem.end(), '-', '_');
  for (const auto& e :
       fs::recursive_directory_iterator(fs::path(CDS_SOURCE_DIR) / "tests/hooks/rules")) {
    if (e.path().filename() == stem + "_test.cc") return e.path();
  }
  return fs::path("tests/hooks/rules") / "<domain>" / (stem + "_test.cc");
}

TEST(RuleCoverageTest, EveryKnowledgeRuleHasATestFileThatNamesIt) {
  std::set<std::string> ids = KnowledgeRuleIds();
  ASSERT_FALSE(ids.empty());
  for (const std::string& id : ids) {
    fs::path test = RuleTestFile(id);
    ASSERT_TRUE(fs::exists(test)) << "rule " << id << " has no " << test;
    std::string text = ReadFile(test);
    EXPECT_NE(text.find("\"" + id + "\""), std::string::npos)
        << test << " never names the rule id " << id;
    EXPECT_NE(text.find("TEST"), std::string::npos) << test;
  }
}

// Each rule's test file also has its config-validation table (rule_config_cases.h).
TEST(RuleCoverageTest, EveryKnowledgeRuleHasAConfigValidationTable) {
  for (const std::string& id : KnowledgeRuleIds()) {
    std::string text = ReadFile(RuleTestFile(id));
    EXPECT_NE(text.find("ExpectEveryConstraintRefused(\"" + id + "\""), std::string::npos)
        << "rule " << id << " has no config-validation table";
  }
}

TEST(RuleCoverageTest, EveryKnowledgeRuleIsOfferedByAServiceInDiscovery) {
  auto registry = app::LoadRegistry(std::string(CDS_SOURCE_DIR "/config"));
  ASSERT_TRUE(registry.ok()) << registry.status().message();
  rapidjson::Document discovery;
  discovery.Parse((*registry)->discovery_json().c_str());
  std::set<std::string> discovered;
  for (const auto& s : discovery["services"].GetArray()) discovered.insert(s["id"].GetString());
  std::set<std::string> offered;
  for (const CdsService& s : (*registry)->services()) {
    EXPECT_TRUE(discovered.count(s.id())) << s.id();
    for (const Rule* r : s.rules) offered.insert(r->info().id);
  }
  for (const std::string& id : KnowledgeRuleIds()) {
    EXPECT_TRUE(offered.count(id))
        << "rule " << id << " is in the knowledge but no service runs it";
  }
}

TEST(RuleCoverageTest, EveryRegisteredRuleHasKnowledge) {
  std::set<std::string> ids = KnowledgeRuleIds();
  for (const RuleRegistration& r : AllRules()) {
    EXPECT_TRUE(ids.count(std::string(r.id)))
        << "rule " << r.id << " is registered but has no knowledge file";
  }
}

}  // namespace
}  // namespace cds::hooks
