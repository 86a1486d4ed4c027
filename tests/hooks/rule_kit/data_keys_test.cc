// hooks/rule_kit/data_keys: each named data key is a prefetch template of the bundled
// knowledge, and every key a rule declares is named there or comes from the rule's own
// file (so the RuleDef and Require spell it the same way; the engine fails a rule that
// reads a key it did not declare, engine_test.cc).
#include "hooks/rule_kit/data_keys.h"

#include <set>

#include "config/knowledge.h"

#include "hooks/service_registry.h"

#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::IsOk;

TEST(DataKeys, EachNamedKeyIsABundledPrefetchTemplate) {
  auto k = config::LoadKnowledge(CDS_SOURCE_DIR "/config/knowledge");
  ASSERT_THAT(k, IsOk());
  for (std::string_view key : kNamedDataKeys) {
    EXPECT_EQ((*k)->prefetch.count(std::string(key)), 1u)
        << key << " names no template in config/knowledge/prefetch/";
  }
}

TEST(DataKeys, EveryKeyARuleDeclaresIsNamedOrConfigured) {
  auto k = config::LoadKnowledge(CDS_SOURCE_DIR "/config/knowledge");
  ASSERT_THAT(k, IsOk());
  auto registry = ServiceRegistry::Build(*k);
  ASSERT_THAT(registry, IsOk());
  std::set<std::string> named(std::begin(kNamedDataKeys), std::end(kNamedDataKeys));
  for (const auto& rule : (*registry)->rules()) {
    const RuleInfo& info = rule->info();
    EXPECT_TRUE(info.reads_only_declared_keys) << info.id << " is not a ClinicalRule";
    for (const auto* keys : {&info.data_keys, &info.patient_view_data_keys}) {
      for (const std::string& key : *keys) {
        bool configured = false;
        const json::Document& doc = *(*k)->rule_files.at(info.id).doc;
        // Keys a rule reads because its file names them ("data_key" of a baseline test).
        if (const json::Value* tests = json::Find(doc, "tests"); tests && tests->IsArray()) {
          for (const json::Value& t : tests->GetArray()) {
            configured = configured || json::GetString(t, "data_key") == key;
          }
        }
        EXPECT_TRUE(named.count(key) || configured)
            << info.id << " declares " << key << ", which data_keys.h does not name";
      }
    }
  }
}

}  // namespace
}  // namespace cds::hooks
