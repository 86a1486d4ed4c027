// The CDS Hooks discovery document over real HTTP, and /healthz.
#include "tests/integration/http_protocol_support.h"

namespace cds::testing {
namespace {

// The discovery document has no null, "", [] or {} anywhere (optional members are omitted).
void ExpectNoEmpties(const rapidjson::Value& v, const std::string& path) {
  EXPECT_FALSE(v.IsNull()) << path;
  if (v.IsString()) {
    EXPECT_GT(v.GetStringLength(), 0u) << path;
  }
  if (v.IsArray()) {
    if (path != "$.services") {
      EXPECT_FALSE(v.Empty()) << path;
    }
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
      ExpectNoEmpties(v[i], path + "[" + std::to_string(i) + "]");
  }
  if (v.IsObject()) {
    EXPECT_GT(v.MemberCount(), 0u) << path;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      ExpectNoEmpties(it->value, path + "." + it->name.GetString());
    }
  }
}

struct ConfiguredService {
  std::string hook, title, description, usage;
};

// Every service in config/knowledge/services/*.json, by id.
std::map<std::string, ConfiguredService> ConfiguredServices() {
  std::map<std::string, ConfiguredService> out;
  for (const auto& entry :
       fs::directory_iterator(std::string(CDS_SOURCE_DIR "/config/knowledge/services"))) {
    if (entry.path().extension() != ".json") continue;
    std::string text = ReadFileOrFail(entry.path());
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    EXPECT_FALSE(d.HasParseError()) << entry.path();
    if (d.HasParseError() || !d.HasMember("services")) continue;
    for (const auto& s : d["services"].GetArray()) {
      ConfiguredService c;
      c.hook = s["hook"].GetString();
      c.title = s.HasMember("title") ? s["title"].GetString() : "";
      c.description = s["description"].GetString();
      c.usage = s.HasMember("usageRequirements") ? s["usageRequirements"].GetString() : "";
      EXPECT_TRUE(out.emplace(s["id"].GetString(), c).second)
          << "duplicate id " << s["id"].GetString();
    }
  }
  return out;
}

// Every prefetch template in config/knowledge/prefetch/*.json, by key.
std::map<std::string, std::string> ConfiguredPrefetch() {
  std::map<std::string, std::string> out;
  for (const auto& entry :
       fs::directory_iterator(std::string(CDS_SOURCE_DIR "/config/knowledge/prefetch"))) {
    if (entry.path().extension() != ".json") continue;
    std::string text = ReadFileOrFail(entry.path());
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    if (d.HasParseError()) continue;
    for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
      if (it->value.IsObject() && it->value.HasMember("query"))
        out[it->name.GetString()] = it->value["query"].GetString();
    }
  }
  return out;
}

TEST(HttpDiscoveryTest, ListsExactlyTheConfiguredServicesWithTheirFields) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto res = server->Client().Get("/cds-services");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_THAT(res->get_header_value("Content-Type"), ::testing::StartsWith("application/json"));
  rapidjson::Document d;
  d.Parse(res->body.c_str(), res->body.size());
  ASSERT_FALSE(d.HasParseError()) << res->body;
  ASSERT_TRUE(d.IsObject() && d.HasMember("services") && d["services"].IsArray()) << res->body;
  ExpectNoEmpties(d, "$");

  std::map<std::string, ConfiguredService> configured = ConfiguredServices();
  std::map<std::string, std::string> templates = ConfiguredPrefetch();
  ASSERT_FALSE(configured.empty());
  std::set<std::string> seen;
  for (const auto& s : d["services"].GetArray()) {
    ASSERT_TRUE(s.IsObject());
    for (const char* required : {"hook", "id", "description"}) {
      ASSERT_TRUE(s.HasMember(required) && s[required].IsString())
          << required << " in " << res->body;
    }
    std::string id = s["id"].GetString();
    EXPECT_TRUE(std::all_of(id.begin(), id.end(),
                            [](char c) {
                              return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                                     c == '.' || c == '_';
                            }))
        << "id is not URL-path-safe: " << id;
    EXPECT_TRUE(seen.insert(id).second) << "id listed twice: " << id;
    auto it = configured.find(id);
    ASSERT_NE(it, configured.end())
        << "discovered service " << id << " is not in config/knowledge/services";
    EXPECT_EQ(s["hook"].GetString(), it->second.hook) << id;
    ASSERT_TRUE(s.HasMember("title") && s["title"].IsString()) << id;
    EXPECT_EQ(s["title"].GetString(), it->second.title) << id;
    EXPECT_EQ(s["description"].GetString(), it->second.description) << id;
    if (it->second.usage.empty()) {
      EXPECT_FALSE(s.HasMember("usageRequirements")) << id;
    } else {
      ASSERT_TRUE(s.HasMember("usageRequirements") && s["usageRequirements"].IsString()) << id;
      EXPECT_EQ(s["usageRequirements"].GetString(), it->second.usage) << id;
    }
    if (s.HasMember("prefetch")) {
      ASSERT_TRUE(s["prefetch"].IsObject()) << id;
      for (auto p = s["prefetch"].MemberBegin(); p != s["prefetch"].MemberEnd(); ++p) {
        std::string key = p->name.GetString();
        ASSERT_TRUE(p->value.IsString()) << id << "." << key;
        std::string text = p->value.GetString();
        auto t = templates.find(key);
        ASSERT_NE(t, templates.end())
            << id << " lists prefetch key " << key << " that no knowledge/prefetch file defines";
        size_t placeholder = t->second.find("${");
        if (placeholder == std::string::npos) {
          EXPECT_EQ(text, t->second) << id << "." << key;
        } else {  // ${codes:...} is expanded when the knowledge is loaded
          EXPECT_EQ(text.substr(0, placeholder), t->second.substr(0, placeholder))
              << id << "." << key;
          EXPECT_EQ(text.find("${"), std::string::npos)
              << id << "." << key << ": unexpanded " << text;
        }
        EXPECT_NE(text.find("{{context.patientId}}"), std::string::npos)
            << id << "." << key << ": " << text;
        EXPECT_NE(text[0], '/') << "prefetch templates are relative: " << text;
      }
    }
  }
  std::set<std::string> expected;
  for (const auto& [id, c] : configured) expected.insert(id);
  EXPECT_EQ(seen, expected);

  // The rituximab services ask for what their rules read.
  for (const auto& s : d["services"].GetArray()) {
    std::string id = s["id"].GetString();
    if (id.rfind("rituximab-safety-", 0) != 0) continue;
    ASSERT_TRUE(s.HasMember("prefetch")) << id;
    for (const char* key : {"hbvSerology", "igm", "medicationRequests", "medicationStatements"}) {
      EXPECT_TRUE(s["prefetch"].HasMember(key)) << id << " lacks prefetch " << key;
    }
    if (id == kView) {
      EXPECT_TRUE(s["prefetch"].HasMember("medicationAdministrations")) << id;
    }
    const std::string serology = s["prefetch"]["hbvSerology"].GetString();
    for (const char* loinc : {"5196-1", "16933-4", "22322-2"}) {  // HBsAg, anti-HBc total, anti-HBs
      EXPECT_NE(serology.find(loinc), std::string::npos)
          << id << " hbvSerology lacks " << loinc << ": " << serology;
    }
  }
  for (const char* id : {kView, kSelect, kSign}) EXPECT_TRUE(seen.count(id)) << id;
}

// Every discovered service answers a minimal valid request for its hook.
TEST(HttpDiscoveryTest, EveryDiscoveredServiceAnswersItsHook) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto res = server->Client().Get("/cds-services");
  ASSERT_TRUE(res && res->status == 200);
  rapidjson::Document d;
  d.Parse(res->body.c_str());
  ASSERT_TRUE(d.IsObject() && d.HasMember("services"));
  ASSERT_GE(d["services"].Size(), 3u);
  for (const auto& s : d["services"].GetArray()) {
    std::string id = s["id"].GetString();
    std::string hook = s["hook"].GetString();
    RequestBuilder b(hook);
    if (hook != "patient-view") b.DraftOrder(RxMedicationRequest("a1", kAmoxicillin, "draft"));
    HookResponse r = CallHook(*server, id, b.Build(PrefetchKeys(*server, id)));
    EXPECT_EQ(r.status, 200) << id << ": " << r.body;
    if (id.rfind("rituximab-safety-", 0) == 0) {  // no rituximab anywhere: nothing to say
      EXPECT_EQ(r.CardCount(), 0u) << id << ": " << r.body;
    }
  }
}

TEST(HttpHealthzTest, Answers200) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto res = server->Client().Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->get_header_value("Content-Type"), ::testing::StartsWith("application/json"));
  EXPECT_EQ(res->body, R"({"status":"ok"})");
}

}  // namespace
}  // namespace cds::testing
