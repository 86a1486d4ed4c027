#include "tests/hooks/rules/rule_config_cases.h"

#include <algorithm>
#include <memory>
#include <regex>

#include <rapidjson/pointer.h>

#include "config/knowledge.h"

#include "hooks/rule_kit/rule_basics.h"
#include "hooks/rules/all_rules.h"

namespace cds::testing {
namespace {

const config::Knowledge& BundledKnowledge() {
  static const std::shared_ptr<const config::Knowledge> k = [] {
    auto loaded = config::LoadKnowledge(CDS_SOURCE_DIR "/config/knowledge");
    if (!loaded.ok()) ADD_FAILURE() << loaded.status().message();
    return loaded.ok() ? *loaded : std::make_shared<const config::Knowledge>();
  }();
  return *k;
}

const hooks::RuleRegistration* Registration(std::string_view rule) {
  for (const hooks::RuleRegistration& r : hooks::AllRules()) {
    if (r.id == rule) return &r;
  }
  return nullptr;
}

// "$.tests[0].codes: ..." -> "tests.codes"; "tests[].codes" -> "tests.codes".
std::string Normalize(std::string path) {
  if (path.rfind("$.", 0) == 0) path = path.substr(2);
  return std::regex_replace(path, std::regex(R"(\[\d*\])"), "");
}

std::string ErrorPath(const std::string& error) {
  return Normalize(error.substr(0, error.find(':')));
}

}  // namespace

std::vector<ConfigCase> ConfigCases(const std::string& rule, std::vector<ConfigEdit> edits) {
  std::vector<ConfigCase> out;
  for (ConfigEdit& e : edits) out.push_back({rule, std::move(e)});
  return out;
}

Status BuildEditedRule(const std::string& rule, const ConfigEdit& edit) {
  const config::Knowledge& k = BundledKnowledge();
  auto file = k.rule_files.find(rule);
  if (file == k.rule_files.end()) return NotFoundError("no bundled rule file " + rule);
  const hooks::RuleRegistration* reg = Registration(rule);
  if (reg == nullptr) return NotFoundError("no registered rule " + rule);
  json::Document doc;
  doc.CopyFrom(*file->second.doc, doc.GetAllocator());
  if (!edit.pointer.empty()) {
    rapidjson::Pointer pointer(edit.pointer.c_str());
    if (!pointer.IsValid()) return InvalidArgumentError("bad JSON pointer " + edit.pointer);
    if (edit.value.empty()) {
      if (!pointer.Erase(doc)) return InvalidArgumentError("nothing to remove at " + edit.pointer);
    } else {
      json::Document value;
      value.Parse(edit.value.c_str());
      if (value.HasParseError()) return InvalidArgumentError("bad JSON value " + edit.value);
      pointer.Set(doc, json::Value(value, doc.GetAllocator()));
    }
  }
  config::Node root(doc, file->second.name, "$");
  auto basics = hooks::ParseRuleBasics(root, k);
  if (!basics.ok()) return basics.status();
  hooks::RuleBuildContext ctx(k, root, std::move(basics).value());
  auto built = reg->make(ctx);
  return built.ok() ? OkStatus() : built.status();
}

TEST_P(RuleConfigTest, RefusedNamingThePath) {
  const ConfigCase& c = GetParam();
  Status s = BuildEditedRule(c.rule, c.edit);
  ASSERT_FALSE(s.ok()) << "the edit was accepted: " << c.edit.pointer << " = " << c.edit.value;
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.message();
  EXPECT_EQ(s.message(), "knowledge/rules/" + c.rule + ".json: " + c.edit.error);
}

void ExpectEveryConstraintRefused(const std::string& rule, const std::vector<ConfigCase>& cases) {
  Status bundled = BuildEditedRule(rule, ConfigEdit{});
  EXPECT_TRUE(bundled.ok()) << bundled.message();
  const hooks::RuleRegistration* reg = Registration(rule);
  ASSERT_NE(reg, nullptr) << rule;
  ASSERT_TRUE(reg->describe) << rule << " is not a ClinicalRule";
  std::vector<std::string> paths;
  bool misspelt = false;
  for (const ConfigCase& c : cases) {
    EXPECT_EQ(c.rule, rule) << c.edit.name;
    paths.push_back(ErrorPath(c.edit.error));
    misspelt = misspelt || c.edit.error.find("unknown setting") != std::string::npos;
  }
  EXPECT_TRUE(misspelt) << rule << ": no case for a misspelt key";
  for (const config::FieldDoc& d : reg->describe()) {
    if (d.constraints.empty()) continue;
    // A constraint of a shared schema (a medication order, a threshold) is tested with the
    // schema; here one case under the object the rule uses it for is enough.
    std::string key = Normalize(d.shared_root.empty() ? d.key : d.shared_root);
    bool covered = std::any_of(paths.begin(), paths.end(), [&](const std::string& p) {
      return p == key || p.rfind(key + ".", 0) == 0;
    });
    EXPECT_TRUE(covered) << rule << ": no failing case for " << d.key << " (" << d.constraints
                         << ")";
  }
}

}  // namespace cds::testing
