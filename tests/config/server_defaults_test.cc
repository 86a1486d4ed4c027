// Each server default is written once, in ServerConfig; config/server.json and the README
// restate them for readers. These tests keep the restatements true: server.json states
// every key with exactly the default, and the README's configuration table names every key
// and shows the same simple defaults (a minimal server.json once ran 8 HTTP threads and
// no CORS while both said 32 and the sandbox origin).
#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "config/server_config.h"

#include "tests/support/status_matchers.h"

namespace cds::config {
namespace {

using ::cds::testing::IsOk;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// key -> "default ..." or "optional"/"required", as Describe() renders `value`.
std::map<std::string, std::string> Requirements(const ServerConfig& value) {
  std::map<std::string, std::string> out;
  for (const FieldDoc& d : ServerConfigSchema().Describe(value)) out[d.key] = d.requirement;
  return out;
}

TEST(ServerDefaults, BundledServerJsonStatesExactlyTheDefaults) {
  auto file = ReadJsonFile(CDS_SOURCE_DIR "/config/server.json", "server.json");
  ASSERT_THAT(file, IsOk());
  auto bundled = ParseServerConfig(file->Root());
  ASSERT_THAT(bundled, IsOk());
  ServerConfig defaults;
  EXPECT_EQ(Requirements(*bundled), Requirements(defaults));
  EXPECT_EQ(bundled->listen_host, defaults.listen_host);
  EXPECT_EQ(bundled->listen_port, defaults.listen_port);
  EXPECT_EQ(bundled->http_threads, 32);
  EXPECT_EQ(bundled->cors_allowed_origins, defaults.cors_allowed_origins);
}

TEST(ServerDefaults, BundledServerJsonNamesEveryKey) {
  std::string text = ReadText(CDS_SOURCE_DIR "/config/server.json");
  for (const FieldDoc& d : ServerConfigSchema().Describe()) {
    if (d.key.find("[]") != std::string::npos) continue;  // fields of list elements
    std::string leaf = d.key.substr(d.key.rfind('.') + 1);
    EXPECT_NE(text.find("\"" + leaf + "\""), std::string::npos)
        << "config/server.json does not state " << d.key;
  }
}

TEST(ServerDefaults, ReadmeTableNamesEveryKeyWithItsDefault) {
  std::string readme = ReadText(CDS_SOURCE_DIR "/README.md");
  size_t table = readme.find("## Configuration reference");
  ASSERT_NE(table, std::string::npos);
  readme = readme.substr(table, readme.find("\n## ", table + 1) - table);
  std::map<std::string, std::string> defaults = Requirements(ServerConfig{});
  for (const auto& [key, requirement] : defaults) {
    if (key.find("[]") != std::string::npos && key.back() != ']') continue;
    if (defaults.lower_bound(key + ".") != defaults.end() &&
        defaults.lower_bound(key + ".")->first.rfind(key + ".", 0) == 0) {
      continue;  // a group ("limits"): its keys are checked one by one
    }
    std::string leaf = key.substr(key.rfind('.') + 1);
    bool named = readme.find("`" + key + "`") != std::string::npos ||
                 readme.find("/ `" + leaf + "`") != std::string::npos;
    EXPECT_TRUE(named) << "the README configuration table does not name " << key;
  }
  // Rows of one key whose default is a plain number or word: it must be the real default.
  std::regex row(R"(\n\| `([a-z_.]+)` \|[^|\n]*\| `?([A-Za-z0-9.:,]+)`? \|)");
  int compared = 0;
  for (auto it = std::sregex_iterator(readme.begin(), readme.end(), row);
       it != std::sregex_iterator(); ++it) {
    std::string key = (*it)[1], shown = (*it)[2];
    shown.erase(std::remove(shown.begin(), shown.end(), ','), shown.end());  // 50,000
    auto d = defaults.find(key);
    if (d == defaults.end() || d->second.rfind("default ", 0) != 0) continue;
    if (d->second.rfind("default [", 0) == 0) continue;  // lists are written out in words
    EXPECT_EQ("default " + shown, d->second) << "README default of " << key;
    ++compared;
  }
  EXPECT_GE(compared, 5) << "the README table's format changed; adapt this test";
}

}  // namespace
}  // namespace cds::config
