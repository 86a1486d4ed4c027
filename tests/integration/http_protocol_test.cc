// The CDS Hooks 2.0 protocol over real HTTP: app::HttpServer in-process on 127.0.0.1 (ephemeral
// port) with the bundled knowledge, driven by httplib::Client. Covers discovery, every error
// status with its OperationOutcome, CORS preflight (with and without caller authentication),
// /healthz, feedback storage (rows counted in the SQLite file), the spec's own example bodies and
// the real-world request samples in ../shared/fhir-samples/cds-hooks-requests/.
//
// Every 200 answer to a hook call is checked by ValidateCdsResponse (cds_response_validator.h).
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sqlite3.h>

#include "tests/support/cds_response_validator.h"
#include "tests/support/hook_harness.h"
#include "tests/support/test_server.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cds::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kOrigin[] = "https://ehr.example.org";
constexpr char kView[] = "rituximab-safety-patient-view";
constexpr char kSelect[] = "rituximab-safety-order-select";
constexpr char kSign[] = "rituximab-safety-order-sign";
constexpr char kSelectPath[] = "/cds-services/rituximab-safety-order-select";
constexpr char kTruxima[] = "2105831";     // RxNorm SBD: rituximab-abbs [Truxima]
constexpr char kAmoxicillin[] = "617993";  // RxNorm: amoxicillin/clavulanate suspension
constexpr size_t kBodyLimit = 64 * 1024;

// A draft rituximab order at the fixed 1000 mg regimen, so the dose check needs no height or
// weight and only the data-driven rules speak.
std::string RituximabDraft(std::string_view id = "rx1") {
  return RxMedicationRequest(
      id, kTruxima, "draft", "",
      R"("dosageInstruction":[{"text":"1000 mg IV day 1 and day 15","doseAndRate":[{"doseQuantity":)"
      R"({"value":1000,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}])");
}

config::ServerConfig ProtocolConfig() {
  config::ServerConfig c;
  c.limits.max_body_bytes = kBodyLimit;
  c.cors_allowed_origins = {kOrigin};
  c.http_threads = 4;
  return c;
}

std::unique_ptr<TestServer> StartServer(config::ServerConfig config = ProtocolConfig(),
                                        app::CallerAuthenticator* auth = nullptr) {
  TestServerOptions o;
  o.config = std::move(config);
  o.auth = auth;
  return TestServer::Start(std::move(o));
}

std::vector<std::string> PrefetchKeys(TestServer& s, std::string_view service_id) {
  const hooks::CdsService* svc = s.service().registry()->Find(service_id);
  EXPECT_NE(svc, nullptr) << service_id;
  return svc == nullptr ? std::vector<std::string>{} : svc->PrefetchKeys();
}

httplib::Result Send(TestServer& s, const std::string& method, const std::string& path,
                     const std::string& body = "",
                     const std::string& content_type = "application/json",
                     const httplib::Headers& headers = {}) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.headers = headers;
  req.body = body;
  if (!content_type.empty()) req.set_header("Content-Type", content_type);
  if (method == "POST" || method == "PUT" || method == "PATCH") {
    req.set_header("Content-Length", std::to_string(body.size()));
  }
  return s.Client().send(req);
}

// POSTs a hook call; a 200 must be application/json and pass the response validator.
HookResponse CallHook(TestServer& s, std::string_view service_id, const std::string& body,
                      const httplib::Headers& headers = {}) {
  HookResponse r;
  auto res = Send(s, "POST", "/cds-services/" + std::string(service_id), body, "application/json",
                  headers);
  if (!res) {
    ADD_FAILURE() << "no answer from " << service_id << ": " << httplib::to_string(res.error());
    return r;
  }
  r.status = res->status;
  r.body = res->body;
  r.doc.Parse(r.body.c_str(), r.body.size());
  if (r.status == 200) {
    EXPECT_THAT(res->get_header_value("Content-Type"), ::testing::StartsWith("application/json"))
        << service_id;
    EXPECT_EQ(CdsResponseViolations(r.body), "") << service_id << ": " << r.body;
  }
  return r;
}

std::string RituximabOrderSelect(
    std::string hook_instance = "5c5b3c2e-8f2a-4bfe-9d7c-000000000001") {
  return RequestBuilder("order-select")
      .HookInstance(std::move(hook_instance))
      .DraftOrder(RituximabDraft())
      .Build();
}

// A valid order-select call that names no rituximab: 200 with no cards whatever the data.
std::string HarmlessOrderSelect() {
  return RequestBuilder("order-select")
      .DraftOrder(RxMedicationRequest("a1", kAmoxicillin, "draft"))
      .Build();
}

// The server is still serving normally: a valid hook call gets 200 {"cards": []}.
void ExpectStillServing(TestServer& s, const std::string& after) {
  HookResponse r = CallHook(s, kSelect, HarmlessOrderSelect());
  EXPECT_EQ(r.status, 200) << "after " << after << ": " << r.body;
  EXPECT_EQ(r.CardCount(), 0u) << "after " << after << ": " << r.body;
  EXPECT_TRUE(r.doc.IsObject() && r.doc.HasMember("cards") && r.doc["cards"].IsArray()) << r.body;
}

// Parses `json`, applies `edit`, serialises again.
std::string Edit(const std::string& json, const std::function<void(rapidjson::Document&)>& edit) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError()) {
    ADD_FAILURE() << "Edit: bad JSON " << json;
    return json;
  }
  edit(d);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  d.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

rapidjson::Value Str(std::string_view s, rapidjson::Document& d) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), d.GetAllocator());
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ------------------------------------------------------------------------------------------
// Discovery

// JSON-2/3/4 for the discovery document: no null, "", [] or {} anywhere.
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

// ------------------------------------------------------------------------------------------
// Error statuses

struct ErrorCase {
  ErrorCase(std::string name_, std::string method_, std::string path_, std::string content_type_,
            std::string body_, int status_, std::string issue_code_,
            std::vector<std::string> diagnostics_, std::string allow_ = "")
      : name(std::move(name_)),
        method(std::move(method_)),
        path(std::move(path_)),
        content_type(std::move(content_type_)),
        body(std::move(body_)),
        status(status_),
        issue_code(std::move(issue_code_)),
        diagnostics(std::move(diagnostics_)),
        allow(std::move(allow_)) {}
  std::string name;
  std::string method;
  std::string path;
  std::string content_type;  // "" = no Content-Type header
  std::string body;
  int status;
  std::string issue_code;
  std::vector<std::string> diagnostics;  // each must appear in issue[0].diagnostics
  std::string allow;                     // 405: the Allow header
};

std::string ValidSelect() { return RituximabOrderSelect(); }

std::string Without(const std::string& json, const char* member) {
  return Edit(json, [member](rapidjson::Document& d) { d.RemoveMember(member); });
}
std::string WithoutContext(const std::string& json, const char* member) {
  return Edit(json, [member](rapidjson::Document& d) { d["context"].RemoveMember(member); });
}
std::string SetRaw(const std::string& json, const std::string& member,
                   const std::string& raw_value) {
  return Edit(json, [&](rapidjson::Document& d) {
    rapidjson::Document v(&d.GetAllocator());
    v.Parse(raw_value.c_str());
    d.RemoveMember(member.c_str());
    d.AddMember(Str(member, d), rapidjson::Value(v, d.GetAllocator()), d.GetAllocator());
  });
}
std::string SetContextRaw(const std::string& json, const std::string& member,
                          const std::string& raw_value) {
  return Edit(json, [&](rapidjson::Document& d) {
    rapidjson::Document v(&d.GetAllocator());
    v.Parse(raw_value.c_str());
    d["context"].RemoveMember(member.c_str());
    d["context"].AddMember(Str(member, d), rapidjson::Value(v, d.GetAllocator()), d.GetAllocator());
  });
}

std::vector<ErrorCase> ErrorCases() {
  const std::string valid = ValidSelect();
  const std::string sign = RequestBuilder("order-sign").DraftOrder(RituximabDraft()).Build();
  const std::string svc = kSelectPath;
  const std::string fb = svc + "/feedback";
  const std::string json = "application/json";
  std::string deep(100, '[');
  deep += std::string(100, ']');
  // clang-format off
  std::vector<ErrorCase> c = {
      // 400: not JSON, or not the request shape.
      {"InvalidJson", "POST", svc, json, R"({"hook": "order-select", "hookInstance": })", 400, "invalid", {"invalid JSON"}},
      {"TruncatedJson", "POST", svc, json, valid.substr(0, valid.size() / 2), 400, "invalid", {"invalid JSON"}},
      {"EmptyBody", "POST", svc, json, "", 400, "invalid", {"invalid JSON"}},
      {"NotAnObject", "POST", svc, json, "[1,2,3]", 400, "invalid", {"request body must be a JSON object"}},
      {"TooDeep", "POST", svc, json, deep, 400, "invalid", {"JSON nesting deeper than"}},
      {"DuplicateMember", "POST", svc, json, R"({"hook":"order-select","hook":"order-sign"})", 400, "invalid",
       {"duplicate JSON member name \"hook\""}},
      {"HookMissing", "POST", svc, json, Without(valid, "hook"), 400, "invalid", {"hook is required"}},
      {"HookNotAString", "POST", svc, json, SetRaw(valid, "hook", "5"), 400, "invalid", {"hook must be a string"}},
      {"HookOfAnotherService", "POST", svc, json, SetRaw(valid, "hook", R"("patient-view")"), 400, "invalid",
       {"\"patient-view\"", "does not match this service", "\"order-select\""}},
      {"OrderSignBodyToOrderSelect", "POST", svc, json, sign, 400, "invalid", {"\"order-sign\"", "does not match"}},
      {"HookInstanceMissing", "POST", svc, json, Without(valid, "hookInstance"), 400, "invalid",
       {"hookInstance is required"}},
      {"HookInstanceNotAString", "POST", svc, json, SetRaw(valid, "hookInstance", "123"), 400, "invalid",
       {"hookInstance must be a non-empty string"}},
      {"HookInstanceEmpty", "POST", svc, json, SetRaw(valid, "hookInstance", R"("")"), 400, "invalid",
       {"hookInstance must be a non-empty string"}},
      {"ContextMissing", "POST", svc, json, Without(valid, "context"), 400, "invalid", {"context is required"}},
      {"ContextNotAnObject", "POST", svc, json, SetRaw(valid, "context", R"("Patient/1")"), 400, "invalid",
       {"context must be an object"}},
      {"PatientIdNotAString", "POST", svc, json, SetContextRaw(valid, "patientId", "42"), 400, "invalid",
       {"context.patientId must be a string"}},
      {"PatientIdEmptyReference", "POST", svc, json, SetContextRaw(valid, "patientId", R"("Patient/")"), 400,
       "invalid", {"context.patientId must be a FHIR id"}},
      {"UserIdNotAReference", "POST", svc, json, SetContextRaw(valid, "userId", R"("dr-bob")"), 400, "invalid",
       {"context.userId must be Practitioner/"}},
      {"SelectionsMissing", "POST", svc, json, WithoutContext(valid, "selections"), 400, "invalid",
       {"context.selections is required for order-select"}},
      {"SelectionsNotAnArray", "POST", svc, json, SetContextRaw(valid, "selections", R"("MedicationRequest/rx1")"), 400,
       "invalid", {"context.selections must be an array"}},
      {"DraftOrdersMissing", "POST", svc, json, WithoutContext(valid, "draftOrders"), 400, "invalid",
       {"context.draftOrders is required for order-select"}},
      {"DraftOrdersNotABundle", "POST", svc, json, SetContextRaw(valid, "draftOrders", "[]"), 400, "invalid",
       {"context.draftOrders must be a FHIR Bundle"}},
      {"DraftOrdersOfAnotherPatient", "POST", svc, json, SetContextRaw(valid, "patientId", R"("someone-else")"), 400,
       "invalid", {"different patient than context.patientId"}},
      {"FhirServerNotAUrl", "POST", svc, json, SetRaw(valid, "fhirServer", R"("not a url")"), 400, "invalid",
       {"fhirServer must be an absolute http(s) URL"}},
      {"FhirAuthorizationWithoutFhirServer", "POST", svc, json,
       SetRaw(valid, "fhirAuthorization",
              R"({"access_token":"t","token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"s"})"),
       400, "invalid", {"fhirServer is required when fhirAuthorization is given"}},
      {"FhirAuthorizationWrongTokenType", "POST", svc, json,
       SetRaw(SetRaw(valid, "fhirServer", R"("https://ehr.example.org/fhir")"), "fhirAuthorization",
              R"({"access_token":"t","token_type":"MAC","expires_in":300,"scope":"patient/*.read","subject":"s"})"),
       400, "invalid", {"fhirAuthorization.token_type must be \"Bearer\""}},
      {"PrefetchNotAnObject", "POST", svc, json, SetRaw(valid, "prefetch", "[]"), 400, "invalid",
       {"prefetch must be an object"}},
      // 404
      {"UnknownService", "POST", "/cds-services/no-such-service", json, valid, 404, "not-found", {"no CDS service"}},
      {"UnknownServiceFeedback", "POST", "/cds-services/no-such-service/feedback", json,
       R"({"feedback":[{"card":"c","outcome":"overridden","outcomeTimestamp":"2026-01-01T00:00:00Z"}]})", 404,
       "not-found", {"no CDS service"}},
      {"UnknownPath", "GET", "/no/such/path", "", "", 404, "not-found", {"no such path"}},
      {"UnknownPathPost", "POST", "/cds-services/a/b/c", json, valid, 404, "not-found", {"no such path"}},
      // 405, with Allow
      {"GetOnService", "GET", svc, "", "", 405, "not-supported", {"POST, OPTIONS"}, "POST, OPTIONS"},
      {"GetOnFeedback", "GET", fb, "", "", 405, "not-supported", {"POST, OPTIONS"}, "POST, OPTIONS"},
      {"PutOnService", "PUT", svc, json, valid, 405, "not-supported", {"POST, OPTIONS"}, "POST, OPTIONS"},
      {"DeleteOnService", "DELETE", svc, "", "", 405, "not-supported", {"POST, OPTIONS"}, "POST, OPTIONS"},
      {"PatchOnService", "PATCH", svc, json, valid, 405, "not-supported", {"POST, OPTIONS"}, "POST, OPTIONS"},
      {"PostOnDiscovery", "POST", "/cds-services", json, valid, 405, "not-supported", {"GET, OPTIONS"}, "GET, OPTIONS"},
      {"PutOnDiscovery", "PUT", "/cds-services", json, "{}", 405, "not-supported", {"GET, OPTIONS"}, "GET, OPTIONS"},
      {"DeleteOnDiscovery", "DELETE", "/cds-services", "", "", 405, "not-supported", {"GET, OPTIONS"},
       "GET, OPTIONS"},
      // 413: over limits.max_body_bytes
      {"BodyOverLimit", "POST", svc, json, std::string(kBodyLimit + 1, ' '), 413, "too-long",
       {"larger than the configured limit"}},
      {"FeedbackBodyOverLimit", "POST", fb, json, std::string(2 * kBodyLimit, 'x'), 413, "too-long",
       {"larger than the configured limit"}},
      // 415: not JSON
      {"TextPlain", "POST", svc, "text/plain", valid, 415, "not-supported", {"Content-Type must be application/json"}},
      {"NoContentType", "POST", svc, "", valid, 415, "not-supported", {"Content-Type must be application/json"}},
      {"FormEncoded", "POST", svc, "application/x-www-form-urlencoded", "a=b", 415, "not-supported",
       {"Content-Type must be application/json"}},
      {"FeedbackTextPlain", "POST", fb, "text/plain", "{}", 415, "not-supported",
       {"Content-Type must be application/json"}},
      // 412: rituximab selected, the rules' data neither prefetched nor fetchable (no fhirServer)
      {"DataNeitherPrefetchedNorFetchable", "POST", svc, json, valid, 412, "incomplete",
       {"hbvSerology", "not in prefetch"}},
      {"FhirServerGivenButNoneAllowListed", "POST", svc, json,
       SetRaw(SetRaw(valid, "fhirServer", R"("https://ehr.example.org/fhir")"), "fhirAuthorization",
              R"({"access_token":"t","token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"s"})"),
       412, "incomplete", {"hbvSerology", "not configured to call FHIR servers"}},
  };
  // clang-format on
  return c;
}

class HttpErrorTest : public ::testing::TestWithParam<ErrorCase> {
 protected:
  static void SetUpTestSuite() { server_ = StartServer().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer* server_;
};
TestServer* HttpErrorTest::server_ = nullptr;

TEST_P(HttpErrorTest, AnswersWithOperationOutcomeAndKeepsServing) {
  ASSERT_NE(server_, nullptr);
  const ErrorCase& c = GetParam();
  auto res = Send(*server_, c.method, c.path, c.body, c.content_type, {{"Origin", kOrigin}});
  ASSERT_TRUE(IsOperationOutcome(res, c.status, c.issue_code));
  std::string diag = DiagnosticsOf(res->body);
  for (const std::string& want : c.diagnostics) EXPECT_THAT(diag, HasSubstr(want)) << res->body;
  if (!c.allow.empty()) {
    EXPECT_EQ(res->get_header_value("Allow"), c.allow);
  }
  EXPECT_FALSE(res->body.find("\"cards\"") != std::string::npos)
      << "an error never carries cards: " << res->body;
  // Browsers can read the error only with the CORS header. (A 413 is refused from the request
  // head, below cpp-httplib's routing, and is not required to carry it.)
  if (c.status != 413) {
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kOrigin);
  }
  ExpectStillServing(*server_, c.name);
}

INSTANTIATE_TEST_SUITE_P(Cases, HttpErrorTest, ::testing::ValuesIn(ErrorCases()),
                         [](const auto& row) { return row.param.name; });

TEST(HttpErrorSweepTest, NoBadRequestEverAnswers5xx) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  std::vector<ErrorCase> cases = ErrorCases();
  // Odd bytes too: NUL, invalid UTF-8, a bare string, a huge number, control characters.
  for (std::string body :
       {std::string("\0\0\0", 3), std::string("{\"hook\":\"\xff\xfe\"}"), std::string("\"x\""),
        std::string("1e999999"),
        std::string("{\"hook\":\"order-select\",\"hookInstance\":\"a\x01\"}"),
        std::string(
            "{\"hook\":\"order-select\",\"hookInstance\":\"h\",\"context\":{\"draftOrders\":"
            "{\"resourceType\":\"Bundle\",\"entry\":{}}}}"),
        std::string(
            "{\"hook\":\"order-select\",\"hookInstance\":\"h\",\"context\":{\"selections\":[1],"
            "\"draftOrders\":{\"resourceType\":\"Bundle\",\"entry\":[null,1,{\"resource\":7}]}}"
            "}")}) {
    cases.push_back({"odd", "POST", kSelectPath, "application/json", body, 400, "invalid", {}});
  }
  size_t answered = 0;
  for (const ErrorCase& c : cases) {
    auto res = Send(*server, c.method, c.path, c.body, c.content_type);
    ASSERT_TRUE(res) << c.name;
    ++answered;
    EXPECT_LT(res->status, 500) << c.name << ": " << res->body;
    EXPECT_GE(res->status, 400) << c.name << ": " << res->body;
    // Always a well-formed OperationOutcome (valid UTF-8 JSON), whatever bytes came in.
    rapidjson::Document d;
    d.Parse<rapidjson::kParseValidateEncodingFlag>(res->body.c_str(), res->body.size());
    ASSERT_FALSE(d.HasParseError()) << c.name << ": " << res->body;
    EXPECT_TRUE(d.IsObject() && d.HasMember("resourceType") &&
                d["resourceType"] == "OperationOutcome")
        << c.name << ": " << res->body;
  }
  EXPECT_EQ(answered, cases.size());
  ExpectStillServing(*server, "the sweep");
}

TEST(HttpErrorSweepTest, AcceptsJsonContentTypeVariants) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  for (const char* ct : {"application/json", "application/json; charset=utf-8", "Application/JSON",
                         "application/fhir+json"}) {
    auto res = Send(*server, "POST", kSelectPath, HarmlessOrderSelect(), ct);
    ASSERT_TRUE(res) << ct;
    EXPECT_EQ(res->status, 200) << ct << ": " << res->body;
    EXPECT_EQ(CdsResponseViolations(res->body), "") << ct;
  }
}

int64_t CountRows(const std::string& db_path, const std::string& table);

// 412 in detail: the body names the data key; no card is issued or recorded.
TEST(HttpPreconditionTest, RituximabWithoutDataIs412NamingTheKeysAndIssuesNoCard) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto res = Send(*server, "POST", kSelectPath, RituximabOrderSelect("hi-412"));
  ASSERT_TRUE(IsOperationOutcome(res, 412, "incomplete", {"hbvSerology", "igm"}));
  EXPECT_EQ(res->body.find("cards"), std::string::npos) << res->body;
  EXPECT_EQ(CountRows(server->db_path(), "issued_card"), 0) << "a 412 records no card";
  // And with the same data sent as "no data" (null prefetch) the service answers 200 with the
  // serology card: the 412 was about availability, not about the request.
  HookResponse ok = CallHook(*server, kSelect,
                             RequestBuilder("order-select")
                                 .DraftOrder(RituximabDraft())
                                 .Build(PrefetchKeys(*server, kSelect)));
  ASSERT_EQ(ok.status, 200) << ok.body;
  const rapidjson::Value* card = ok.OnlyCard("hbv-serology-missing");
  ASSERT_NE(card, nullptr);
  EXPECT_STREQ((*card)["indicator"].GetString(), "warning");
  EXPECT_EQ(CountRows(server->db_path(), "issued_card"), static_cast<int64_t>(ok.CardCount()));
}

// ------------------------------------------------------------------------------------------
// CORS

void ExpectPreflightAllowed(const httplib::Result& res, const std::string& path,
                            bool expect_origin) {
  ASSERT_TRUE(res) << path;
  EXPECT_GE(res->status, 200) << path;
  EXPECT_LT(res->status, 300) << path << ": " << res->body;
  std::string methods = res->get_header_value("Access-Control-Allow-Methods");
  for (const char* m : {"GET", "POST", "OPTIONS"}) EXPECT_THAT(methods, HasSubstr(m)) << path;
  std::string headers = Lower(res->get_header_value("Access-Control-Allow-Headers"));
  EXPECT_THAT(headers, HasSubstr("authorization")) << path;
  EXPECT_THAT(headers, HasSubstr("content-type")) << path;
  if (expect_origin) {
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kOrigin) << path;
    EXPECT_THAT(res->get_header_value("Vary"), HasSubstr("Origin")) << path;
  } else {
    EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin")) << path;
  }
  EXPECT_FALSE(res->has_header("WWW-Authenticate")) << path;
}

httplib::Headers Preflight(const std::string& origin) {
  return {{"Origin", origin},
          {"Access-Control-Request-Method", "POST"},
          {"Access-Control-Request-Headers", "authorization, content-type"}};
}

const std::vector<std::string> kCorsPaths = {"/cds-services", kSelectPath,
                                             std::string(kSelectPath) + "/feedback"};

TEST(CorsTest, PreflightAnsweredForAllowListedOrigin) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  for (const std::string& path : kCorsPaths) {
    ExpectPreflightAllowed(server->Client().Options(path.c_str(), Preflight(kOrigin)), path, true);
  }
}

TEST(CorsTest, NoAllowOriginForAnOriginNotOnTheList) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  for (const std::string& path : kCorsPaths) {
    ExpectPreflightAllowed(
        server->Client().Options(path.c_str(), Preflight("https://evil.example.com")), path, false);
  }
  auto get = server->Client().Get("/cds-services", {{"Origin", "https://evil.example.com"}});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_FALSE(get->has_header("Access-Control-Allow-Origin"));
  // A prefix or suffix of an allowed origin is a different origin.
  auto near =
      server->Client().Get("/cds-services", {{"Origin", std::string(kOrigin) + ".evil.com"}});
  ASSERT_TRUE(near);
  EXPECT_FALSE(near->has_header("Access-Control-Allow-Origin"));
}

TEST(CorsTest, ActualRequestsCarryAllowOrigin) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto get = server->Client().Get("/cds-services", {{"Origin", kOrigin}});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->get_header_value("Access-Control-Allow-Origin"), kOrigin);
  auto post = Send(*server, "POST", kSelectPath, HarmlessOrderSelect(), "application/json",
                   {{"Origin", kOrigin}});
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 200);
  EXPECT_EQ(CdsResponseViolations(post->body), "") << post->body;
  EXPECT_EQ(post->get_header_value("Access-Control-Allow-Origin"), kOrigin);
}

// Rejects every caller and remembers what it was asked.
class RejectAll final : public app::CallerAuthenticator {
 public:
  Status Authenticate(std::string_view authorization_header, std::string_view audience) override {
    std::lock_guard<std::mutex> lock(mu_);
    headers_.emplace_back(authorization_header);
    audiences_.emplace_back(audience);
    return UnauthenticatedError("signature does not verify: secret detail");
  }
  size_t calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return headers_.size();
  }
  std::vector<std::string> headers() {
    std::lock_guard<std::mutex> lock(mu_);
    return headers_;
  }
  std::vector<std::string> audiences() {
    std::lock_guard<std::mutex> lock(mu_);
    return audiences_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> headers_, audiences_;
};

TEST(CorsTest, PreflightNeedsNoAuthenticationWhileCallsDo) {
  RejectAll auth;
  config::ServerConfig config = ProtocolConfig();
  config.public_base_url = "https://cds.example.org";
  auto server = StartServer(config, &auth);
  ASSERT_NE(server, nullptr);
  for (const std::string& path : kCorsPaths) {
    ExpectPreflightAllowed(server->Client().Options(path.c_str(), Preflight(kOrigin)), path, true);
  }
  EXPECT_EQ(auth.calls(), 0u) << "a preflight must never be authenticated";

  const std::string bearer = "Bearer eyJhbGciOiJFUzM4NCJ9.e30.c2ln";
  auto post = Send(*server, "POST", kSelectPath, HarmlessOrderSelect(), "application/json",
                   {{"Authorization", bearer}, {"Origin", kOrigin}});
  ASSERT_TRUE(IsOperationOutcome(post, 401, "login"));
  EXPECT_EQ(DiagnosticsOf(post->body), "") << "401 explains nothing: " << post->body;
  EXPECT_EQ(post->body.find("secret detail"), std::string::npos);
  EXPECT_EQ(post->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(post->get_header_value("Access-Control-Allow-Origin"), kOrigin);

  auto get = server->Client().Get("/cds-services");
  ASSERT_TRUE(IsOperationOutcome(get, 401, "login"));
  EXPECT_EQ(DiagnosticsOf(get->body), "");
  auto feedback = Send(
      *server, "POST", std::string(kSelectPath) + "/feedback",
      R"({"feedback":[{"card":"c","outcome":"overridden","outcomeTimestamp":"2026-01-01T00:00:00Z"}]})");
  ASSERT_TRUE(IsOperationOutcome(feedback, 401, "login"));

  auto health = server->Client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << "liveness is never authenticated";

  std::vector<std::string> headers = auth.headers();
  std::vector<std::string> audiences = auth.audiences();
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[0], bearer);
  EXPECT_EQ(headers[1], "");
  // The JWT audience is the exact URL the EHR called (public_base_url + path).
  EXPECT_EQ(audiences[0], std::string("https://cds.example.org") + kSelectPath);
  EXPECT_EQ(audiences[1], "https://cds.example.org/cds-services");
  EXPECT_EQ(audiences[2], std::string("https://cds.example.org") + kSelectPath + "/feedback");
}

// ------------------------------------------------------------------------------------------
// Feedback

// Read-only view of the service's SQLite file.
class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << (db_ ? sqlite3_errmsg(db_) : "?");
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  using Row = std::map<std::string, std::optional<std::string>>;
  std::vector<Row> Query(const std::string& sql, const std::vector<std::string>& args = {}) {
    std::vector<Row> rows;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return rows;
    }
    for (size_t i = 0; i < args.size(); ++i) {
      sqlite3_bind_text(st, static_cast<int>(i + 1), args[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      Row row;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const unsigned char* t = sqlite3_column_text(st, c);
        row[sqlite3_column_name(st, c)] =
            t == nullptr ? std::nullopt
                         : std::optional<std::string>(reinterpret_cast<const char*>(t));
      }
      rows.push_back(std::move(row));
    }
    EXPECT_EQ(rc, SQLITE_DONE) << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return rows;
  }
  int64_t Count(const std::string& where = "1", const std::vector<std::string>& args = {}) {
    auto rows = Query("SELECT COUNT(*) AS n FROM feedback WHERE " + where, args);
    return rows.size() == 1 && rows[0]["n"] ? std::stoll(*rows[0]["n"]) : -1;
  }

 private:
  sqlite3* db_ = nullptr;
};

int64_t CountRows(const std::string& db_path, const std::string& table) {
  Db db(db_path);
  auto rows = db.Query("SELECT COUNT(*) AS n FROM " + table);
  return rows.size() == 1 && rows[0]["n"] ? std::stoll(*rows[0]["n"]) : -1;
}

struct IssuedCard {
  std::string hook_instance, card_uuid, suggestion_uuid, rule_id;
};

class FeedbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer();
    ASSERT_NE(server_, nullptr);
  }

  // A hook call that issues the hbv-serology-missing card (rituximab selected, no serology).
  IssuedCard IssueCard(const std::string& hook_instance) {
    IssuedCard out;
    out.hook_instance = hook_instance;
    HookResponse r = CallHook(*server_, kSelect,
                              RequestBuilder("order-select")
                                  .HookInstance(hook_instance)
                                  .DraftOrder(RituximabDraft())
                                  .Build(PrefetchKeys(*server_, kSelect)));
    EXPECT_EQ(r.status, 200) << r.body;
    const rapidjson::Value* card = r.OnlyCard("hbv-serology-missing");
    if (card == nullptr) return out;
    out.rule_id = "hbv-serology-missing";
    out.card_uuid = (*card)["uuid"].GetString();
    EXPECT_TRUE(card->HasMember("suggestions")) << r.body;
    if (card->HasMember("suggestions"))
      out.suggestion_uuid = (*card)["suggestions"][0]["uuid"].GetString();
    return out;
  }

  httplib::Result PostFeedback(const std::string& body, const std::string& service = kSelect) {
    return Send(*server_, "POST", "/cds-services/" + service + "/feedback", body);
  }

  static std::string Accepted(const IssuedCard& c,
                              const std::string& when = "2026-11-25T12:05:00Z") {
    return R"({"feedback":[{"card":)" + JsonQuote(c.card_uuid) +
           R"(,"outcome":"accepted","acceptedSuggestions":[{"id":)" + JsonQuote(c.suggestion_uuid) +
           R"(}],"outcomeTimestamp":)" + JsonQuote(when) + "}]}";
  }
  static std::string Overridden(const std::string& card, const std::string& when,
                                const std::string& extra = "") {
    return R"({"feedback":[{"card":)" + JsonQuote(card) +
           R"(,"outcome":"overridden","outcomeTimestamp":)" + JsonQuote(when) + extra + "}]}";
  }

  void ExpectOk(const httplib::Result& res, const std::string& what) {
    ASSERT_TRUE(res) << what;
    EXPECT_EQ(res->status, 200) << what << ": " << res->body;
    EXPECT_THAT(res->get_header_value("Content-Type"), ::testing::StartsWith("application/json"))
        << what;
    rapidjson::Document d;
    d.Parse(res->body.c_str());
    EXPECT_TRUE(!d.HasParseError() && d.IsObject()) << what << ": " << res->body;
  }

  std::unique_ptr<TestServer> server_;
};

TEST_F(FeedbackTest, AcceptedFeedbackIsStoredWithTheCardsOrigin) {
  IssuedCard card = IssueCard("8f0e7e39-5f0e-4d43-9a1c-feedback0001");
  ASSERT_FALSE(card.card_uuid.empty());
  ExpectOk(PostFeedback(Accepted(card)), "accepted feedback");
  Db db(server_->db_path());
  auto rows = db.Query(
      "SELECT service_id, card_uuid, outcome, outcome_timestamp, accepted_suggestions, card_known, "
      "hook_instance, "
      "card_service_id, rule_id FROM feedback");
  ASSERT_EQ(rows.size(), 1u);
  auto& row = rows[0];
  EXPECT_EQ(row["service_id"], kSelect);
  EXPECT_EQ(row["card_uuid"], card.card_uuid);
  EXPECT_EQ(row["outcome"], "accepted");
  EXPECT_EQ(row["outcome_timestamp"], "2026-11-25T12:05:00Z");
  ASSERT_TRUE(row["accepted_suggestions"].has_value());
  EXPECT_THAT(*row["accepted_suggestions"], HasSubstr(card.suggestion_uuid));
  EXPECT_EQ(row["card_known"], "1");
  EXPECT_EQ(row["hook_instance"], card.hook_instance);
  EXPECT_EQ(row["card_service_id"], kSelect);
  EXPECT_EQ(row["rule_id"], "hbv-serology-missing");
}

TEST_F(FeedbackTest, OverrideReasonAndCommentAreStored) {
  IssuedCard card = IssueCard("8f0e7e39-5f0e-4d43-9a1c-feedback0002");
  ASSERT_FALSE(card.card_uuid.empty());
  ExpectOk(PostFeedback(Overridden(
               card.card_uuid, "2026-11-25T12:06:00Z",
               R"(,"overrideReason":{"reason":{"system":"urn:neuro-cds:override-reason",)"
               R"("code":"already-ordered","display":"Already ordered; awaiting result"},)"
               R"("userComment":"drawn this morning"})")),
           "overridden feedback");
  Db db(server_->db_path());
  auto rows = db.Query(
      "SELECT outcome, override_system, override_code, override_display, user_comment, rule_id "
      "FROM feedback");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["outcome"], "overridden");
  EXPECT_EQ(rows[0]["override_system"], "urn:neuro-cds:override-reason");
  EXPECT_EQ(rows[0]["override_code"], "already-ordered");
  EXPECT_EQ(rows[0]["override_display"], "Already ordered; awaiting result");
  EXPECT_EQ(rows[0]["user_comment"], "drawn this morning");
  EXPECT_EQ(rows[0]["rule_id"], "hbv-serology-missing");
}

TEST_F(FeedbackTest, SameFeedbackTwiceIsOneRowEvenWithTheTimestampWrittenDifferently) {
  IssuedCard card = IssueCard("8f0e7e39-5f0e-4d43-9a1c-feedback0003");
  ASSERT_FALSE(card.card_uuid.empty());
  ExpectOk(PostFeedback(Accepted(card, "2026-11-25T12:05:00Z")), "first");
  ExpectOk(PostFeedback(Accepted(card, "2026-11-25T12:05:00Z")), "verbatim repeat");
  ExpectOk(PostFeedback(Accepted(card, "2026-11-25T12:05:00.000Z")), "with milliseconds");
  ExpectOk(PostFeedback(Accepted(card, "2026-11-25T13:05:00+01:00")), "with an offset");
  Db db(server_->db_path());
  EXPECT_EQ(db.Count(), 1);
  EXPECT_EQ(db.Count("card_uuid = ?", {card.card_uuid}), 1);
}

TEST_F(FeedbackTest, DifferentOutcomeOrTimestampIsAnotherRow) {
  IssuedCard card = IssueCard("8f0e7e39-5f0e-4d43-9a1c-feedback0004");
  ASSERT_FALSE(card.card_uuid.empty());
  ExpectOk(PostFeedback(Accepted(card, "2026-11-25T12:05:00Z")), "accepted");
  ExpectOk(PostFeedback(Overridden(card.card_uuid, "2026-11-25T12:05:00Z")),
           "overridden, same time");
  ExpectOk(PostFeedback(Accepted(card, "2026-11-25T12:05:01Z")), "accepted, a second later");
  Db db(server_->db_path());
  EXPECT_EQ(db.Count(), 3);
  EXPECT_EQ(db.Count("outcome = 'accepted'"), 2);
  EXPECT_EQ(db.Count("outcome = 'overridden'"), 1);
}

TEST_F(FeedbackTest, FeedbackForACardNeverIssuedIsStoredAsUnknown) {
  const std::string uuid = "00000000-0000-4000-8000-00000000dead";
  ExpectOk(PostFeedback(Overridden(uuid, "2026-11-25T12:00:00Z")), "unknown card");
  Db db(server_->db_path());
  auto rows = db.Query(
      "SELECT card_known, hook_instance, rule_id, service_id FROM feedback WHERE card_uuid = ?",
      {uuid});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["card_known"], "0");
  EXPECT_EQ(rows[0]["hook_instance"], std::nullopt);
  EXPECT_EQ(rows[0]["rule_id"], std::nullopt);
  EXPECT_EQ(rows[0]["service_id"], kSelect);
}

TEST_F(FeedbackTest, FeedbackThroughAnotherServiceOfTheSameCardKeepsTheIssuingService) {
  IssuedCard card = IssueCard("8f0e7e39-5f0e-4d43-9a1c-feedback0005");
  ASSERT_FALSE(card.card_uuid.empty());
  ExpectOk(PostFeedback(Overridden(card.card_uuid, "2026-11-25T12:00:00Z"), kSign),
           "via order-sign");
  Db db(server_->db_path());
  auto rows = db.Query("SELECT service_id, card_service_id, hook_instance FROM feedback");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["service_id"], kSign);
  EXPECT_EQ(rows[0]["card_service_id"], kSelect);
  EXPECT_EQ(rows[0]["hook_instance"], card.hook_instance);
}

struct BadFeedback {
  BadFeedback(std::string n, std::string b, std::string d)
      : name(std::move(n)), body(std::move(b)), diagnostics{std::move(d)} {}
  BadFeedback(std::string n, std::string b, std::vector<std::string> d)
      : name(std::move(n)), body(std::move(b)), diagnostics(std::move(d)) {}
  std::string name;
  std::string body;
  std::vector<std::string> diagnostics;  // each must appear
};

TEST_F(FeedbackTest, InvalidShapesAre400NamingTheProblemAndStoreNothing) {
  const std::string ts = R"("outcomeTimestamp":"2026-11-25T12:00:00Z")";
  const std::vector<BadFeedback> cases = {
      {"MissingCard", R"({"feedback":[{"outcome":"overridden",)" + ts + "}]}",
       "feedback[0].card is required"},
      {"CardNotAString", R"({"feedback":[{"card":7,"outcome":"overridden",)" + ts + "}]}",
       "feedback[0].card must be a non-empty string"},
      {"BadOutcome", R"({"feedback":[{"card":"c1","outcome":"ignored",)" + ts + "}]}",
       "feedback[0].outcome must be \"accepted\" or \"overridden\""},
      {"MissingOutcome", R"({"feedback":[{"card":"c1",)" + ts + "}]}",
       "feedback[0].outcome is required"},
      {"AcceptedWithoutSuggestions",
       R"({"feedback":[{"card":"c1","outcome":"accepted",)" + ts + "}]}",
       "feedback[0].acceptedSuggestions is required when outcome is accepted"},
      {"AcceptedWithEmptySuggestions",
       R"({"feedback":[{"card":"c1","outcome":"accepted","acceptedSuggestions":[],)" + ts + "}]}",
       "feedback[0].acceptedSuggestions must be a non-empty array"},
      {"BadTimestamp",
       R"({"feedback":[{"card":"c1","outcome":"overridden","outcomeTimestamp":"yesterday"}]})",
       "feedback[0].outcomeTimestamp must be an RFC 3339 date-time"},
      {"DateOnlyTimestamp",
       R"({"feedback":[{"card":"c1","outcome":"overridden","outcomeTimestamp":"2026-11-25"}]})",
       "feedback[0].outcomeTimestamp must be an RFC 3339 date-time"},
      {"MissingTimestamp", R"({"feedback":[{"card":"c1","outcome":"overridden"}]})",
       "feedback[0].outcomeTimestamp is required"},
      {"OverrideReasonNotAnObject",
       R"({"feedback":[{"card":"c1","outcome":"overridden","overrideReason":"x",)" + ts + "}]}",
       "feedback[0].overrideReason must be an object"},
      {"EmptyFeedbackArray", R"({"feedback":[]})", "feedback must be a non-empty array"},
      {"FeedbackNotAnArray", R"({"feedback":{}})", "feedback must be a non-empty array"},
      {"NoFeedbackMember", R"({"card":"c1"})", "feedback is required"},
      {"BodyNotAnObject", R"([{"card":"c1"}])", "feedback body must be a JSON object"},
      {"ItemNotAnObject", R"({"feedback":["c1"]})", "feedback[0] must be an object"},
      {"InvalidJson", R"({"feedback":[)", "invalid JSON"},
  };
  for (const BadFeedback& c : cases) {
    auto res = PostFeedback(c.body);
    ASSERT_TRUE(IsOperationOutcome(res, 400, "invalid")) << c.name;
    for (const std::string& want : c.diagnostics)
      EXPECT_THAT(DiagnosticsOf(res->body), HasSubstr(want)) << c.name;
  }
  Db db(server_->db_path());
  EXPECT_EQ(db.Count(), 0);
  ExpectStillServing(*server_, "bad feedback");
}

TEST_F(FeedbackTest, ABatchWithOneBadItemStoresNothing) {
  IssuedCard card = IssueCard("8f0e7e39-5f0e-4d43-9a1c-feedback0006");
  ASSERT_FALSE(card.card_uuid.empty());
  std::string body =
      R"({"feedback":[{"card":)" + JsonQuote(card.card_uuid) +
      R"(,"outcome":"overridden","outcomeTimestamp":"2026-11-25T12:00:00Z"},)"
      R"({"card":"c2","outcome":"accepted","outcomeTimestamp":"2026-11-25T12:00:00Z"}]})";
  ASSERT_TRUE(
      IsOperationOutcome(PostFeedback(body), 400, "invalid", {"feedback[1].acceptedSuggestions"}));
  Db db(server_->db_path());
  EXPECT_EQ(db.Count(), 0);
  // The good item alone is then stored.
  ExpectOk(PostFeedback(Overridden(card.card_uuid, "2026-11-25T12:00:00Z")), "good item alone");
  EXPECT_EQ(db.Count(), 1);
}

TEST_F(FeedbackTest, UnknownServiceIs404AndStoresNothing) {
  auto res = PostFeedback(Overridden("c1", "2026-11-25T12:00:00Z"), "no-such-service");
  ASSERT_TRUE(IsOperationOutcome(res, 404, "not-found", {"no CDS service"}));
  Db db(server_->db_path());
  EXPECT_EQ(db.Count(), 0);
}

// ------------------------------------------------------------------------------------------
// The spec's own examples (../shared/spec/cds-hooks/examples/) are accepted.

std::string SharedDir() { return CDS_SHARED_DIR; }

// Discovered service ids by hook.
std::map<std::string, std::vector<std::string>> ServicesByHook(TestServer& s) {
  std::map<std::string, std::vector<std::string>> out;
  for (const hooks::CdsService& svc : s.service().registry()->services())
    out[svc.def->hook].push_back(svc.id());
  return out;
}

// The request with each of the service's prefetch keys that it does not carry added as null
// ("the EHR has no data").
std::string WithNullPrefetch(const std::string& request, const std::vector<std::string>& keys) {
  return Edit(request, [&](rapidjson::Document& d) {
    if (!d.HasMember("prefetch") || !d["prefetch"].IsObject()) {
      d.RemoveMember("prefetch");
      d.AddMember("prefetch", rapidjson::Value(rapidjson::kObjectType), d.GetAllocator());
    }
    for (const std::string& k : keys) {
      if (!d["prefetch"].HasMember(k.c_str()))
        d["prefetch"].AddMember(Str(k, d), rapidjson::Value(), d.GetAllocator());
    }
  });
}

// A full request around a `{"context": ...}` fragment.
std::string WrapContext(const std::string& fragment, const std::string& hook,
                        const std::string& hook_instance) {
  return Edit(fragment, [&](rapidjson::Document& d) {
    d.AddMember("hook", Str(hook, d), d.GetAllocator());
    d.AddMember("hookInstance", Str(hook_instance, d), d.GetAllocator());
  });
}

// The hook whose context a fragment carries: selections -> order-select, draftOrders ->
// order-sign, otherwise patient-view.
std::string HookForContext(const std::string& fragment) {
  rapidjson::Document d;
  d.Parse(fragment.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("context") || !d["context"].IsObject())
    return "";
  if (d["context"].HasMember("selections")) return "order-select";
  if (d["context"].HasMember("draftOrders")) return "order-sign";
  return "patient-view";
}

// Sends `request` to `service` as is and with null prefetch. As is, the answer is 200, or 412
// naming a prefetch key of the service the request did not carry (the data is neither sent nor
// fetchable: no FHIR server is allow-listed); with the keys sent as null it must be 200.
void ExpectAccepted(TestServer& s, const std::string& service, const std::string& request,
                    const std::string& what) {
  std::vector<std::string> keys = PrefetchKeys(s, service);
  HookResponse as_is = CallHook(s, service, request);
  if (as_is.status == 412) {
    std::string diag = DiagnosticsOf(as_is.body);
    bool names_a_key = std::any_of(keys.begin(), keys.end(), [&](const std::string& k) {
      return diag.find(k) != std::string::npos;
    });
    EXPECT_TRUE(names_a_key) << what << " -> " << service
                             << ": 412 does not name a prefetch key: " << as_is.body;
  } else {
    EXPECT_EQ(as_is.status, 200) << what << " -> " << service << ": " << as_is.body;
  }
  HookResponse with_null = CallHook(s, service, WithNullPrefetch(request, keys));
  EXPECT_EQ(with_null.status, 200)
      << what << " (null prefetch) -> " << service << ": " << with_null.body;
}

class HttpSpecExamplesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = SharedDir() + "/spec/cds-hooks/examples";
    if (!fs::is_directory(dir_)) GTEST_SKIP() << "CDS Hooks spec examples not found at " << dir_;
    server_ = StartServer();
    ASSERT_NE(server_, nullptr);
  }
  std::string dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(HttpSpecExamplesTest, FullRequestsAreAccepted) {
  auto by_hook = ServicesByHook(*server_);
  for (const char* name : {"request-patient-view.json", "extension-request.json"}) {
    std::string body = ReadFileOrFail(dir_ + "/" + name);
    ASSERT_FALSE(body.empty()) << name;
    ASSERT_FALSE(by_hook["patient-view"].empty());
    for (const std::string& service : by_hook["patient-view"])
      ExpectAccepted(*server_, service, body, name);
  }
  // The patient-view example names a patient but carries none of our data, and its fhirServer
  // is not allow-listed: rituximab-safety-patient-view cannot tell exposure, so 412 naming it.
  HookResponse r = CallHook(*server_, kView, ReadFileOrFail(dir_ + "/request-patient-view.json"));
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_THAT(DiagnosticsOf(r.body), HasSubstr("medicationRequests"));
  // The extension example has no patientId: nothing patient-specific to say, {"cards": []}.
  HookResponse ext = CallHook(*server_, kView, ReadFileOrFail(dir_ + "/extension-request.json"));
  EXPECT_EQ(ext.status, 200) << ext.body;
  EXPECT_EQ(ext.CardCount(), 0u) << ext.body;
}

TEST_F(HttpSpecExamplesTest, ContextFragmentsWrappedIntoRequestsAreAccepted) {
  auto by_hook = ServicesByHook(*server_);
  std::vector<std::string> files = {
      "patient-view-context-1.json",     "patient-view-context-2.json",
      "order-select-context-dstu2.json", "order-select-context-stu3.json",
      "order-select-context-r4.json",    "order-sign-context-dstu2.json",
      "order-sign-context-stu3.json",    "order-sign-context-r4.json"};
  for (const auto& entry : fs::directory_iterator(dir_)) {
    std::string n = entry.path().filename();
    if (n.rfind("context-fragment-prefetch-token-", 0) == 0) files.push_back(n);
  }
  ASSERT_EQ(files.size(), 11u) << "expected 3 context-fragment-prefetch-token-*.json files";
  int n = 0;
  for (const std::string& name : files) {
    std::string fragment = ReadFileOrFail(dir_ + "/" + name);
    std::string hook = HookForContext(fragment);
    ASSERT_FALSE(hook.empty()) << name;
    if (name.rfind("order-select", 0) == 0) {
      EXPECT_EQ(hook, "order-select") << name;
    }
    if (name.rfind("order-sign", 0) == 0) {
      EXPECT_EQ(hook, "order-sign") << name;
    }
    if (name.rfind("patient-view", 0) == 0) {
      EXPECT_EQ(hook, "patient-view") << name;
    }
    std::string request = WrapContext(
        fragment, hook, "d1577c69-dfbe-44ad-ba6d-3e05e953b2" + std::to_string(10 + n++));
    ASSERT_FALSE(by_hook[hook].empty()) << hook;
    for (const std::string& service : by_hook[hook])
      ExpectAccepted(*server_, service, request, name);
  }
  // The Hook Library's orders are NutritionOrder and a MedicationRequest for another drug: no
  // rituximab, so the order services answer with no card at all.
  for (const char* name : {"order-select-context-r4.json", "order-sign-context-r4.json",
                           "order-sign-context-dstu2.json"}) {
    std::string fragment = ReadFileOrFail(dir_ + "/" + name);
    std::string hook = HookForContext(fragment);
    std::string service = hook == "order-select" ? kSelect : kSign;
    HookResponse r = CallHook(*server_, service,
                              WrapContext(fragment, hook, "e0c0f5c2-0000-4000-8000-000000000001"));
    EXPECT_EQ(r.status, 200) << name << ": " << r.body;
    EXPECT_EQ(r.CardCount(), 0u) << name << ": " << r.body;
  }
}

TEST_F(HttpSpecExamplesTest, FeedbackExamplesAreAcceptedAndStored) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    std::string n = entry.path().filename();
    if (n.rfind("feedback-", 0) == 0 && entry.path().extension() == ".json") files.push_back(n);
  }
  ASSERT_EQ(files.size(), 3u);
  for (const std::string& name : files) {
    std::string body = ReadFileOrFail(dir_ + "/" + name);
    for (const hooks::CdsService& svc : server_->service().registry()->services()) {
      auto res = Send(*server_, "POST", "/cds-services/" + svc.id() + "/feedback", body);
      ASSERT_TRUE(res) << name;
      EXPECT_EQ(res->status, 200) << name << " -> " << svc.id() << ": " << res->body;
    }
  }
  // One row per distinct (card, outcome, outcomeTimestamp), however often it was sent.
  Db db(server_->db_path());
  EXPECT_EQ(db.Count(), 3);
  EXPECT_EQ(db.Count("card_known = 0"), 3);
  EXPECT_EQ(
      db.Count(
          "card_uuid = '9368d37b-283f-44a0-93ea-547cebab93ed' AND override_code = 'd7ecf885' AND "
          "override_display IS NULL AND user_comment = 'A comment entered by the clinician.'"),
      1);
}

// ------------------------------------------------------------------------------------------
// Real-world requests (../shared/fhir-samples/cds-hooks-requests/): 2xx or a clear 4xx.

// Counts TCP connections to a loopback port that never answers; proves nobody called it.
class ConnectionCounter {
 public:
  ConnectionCounter() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        ::listen(fd_, 64) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
      return;
    }
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~ConnectionCounter() {
    if (fd_ >= 0) ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/fhir"; }
  // Accepts (and closes) whatever is pending; returns how many connections arrived.
  int Drain() {
    int n = 0;
    pollfd p{fd_, POLLIN, 0};
    while (::poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) break;
      ::close(c);
      ++n;
    }
    return n;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

struct SampleOutcome {
  std::string file;
  std::string service;
  int status = 0;
  std::string diagnostics;
};

class FhirSamplesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = SharedDir() + "/fhir-samples/cds-hooks-requests";
    if (!fs::is_directory(dir_)) GTEST_SKIP() << "fhir-samples not found at " << dir_;
    server_ = StartServer();  // no FHIR server allow-listed
    ASSERT_NE(server_, nullptr);
    ASSERT_TRUE(server_->config().fhir.allowed_servers.empty());
  }

  std::vector<std::string> Files() {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().extension() == ".json") files.push_back(e.path().filename());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  // How each file is sent: its own hook's services; a {"context"} fragment wrapped with the
  // hook its context implies; anything else (unknown or legacy hook, no hook at all) as is
  // to every service, which must refuse it with a 400 naming "hook".
  std::vector<std::pair<std::string, std::string>> Plan(const std::string& name,
                                                        const std::string& body) {
    std::vector<std::pair<std::string, std::string>> sends;  // service, body
    rapidjson::Document d;
    d.Parse(body.c_str());
    EXPECT_FALSE(d.HasParseError()) << name;
    auto by_hook = ServicesByHook(*server_);
    std::string hook =
        d.IsObject() && d.HasMember("hook") && d["hook"].IsString() ? d["hook"].GetString() : "";
    std::string request = body;
    if (hook.empty() && d.IsObject() && d.HasMember("context") && !d.HasMember("hook")) {
      hook = HookForContext(body);
      request = WrapContext(body, hook, "0d9f6a0e-1111-4222-8333-444455556666");
    }
    if (by_hook.count(hook)) {
      for (const std::string& svc : by_hook[hook]) sends.emplace_back(svc, request);
    } else {
      for (const hooks::CdsService& svc : server_->service().registry()->services())
        sends.emplace_back(svc.id(), body);
    }
    return sends;
  }

  std::string dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(FhirSamplesTest, EveryFileGets2xxOrAClear4xxNever5xx) {
  std::vector<std::string> files = Files();
  ASSERT_GE(files.size(), 20u);
  std::vector<SampleOutcome> outcomes;
  for (const std::string& name : files) {
    std::string body = ReadFileOrFail(dir_ + "/" + name);
    for (const auto& [service, request] : Plan(name, body)) {
      HookResponse r = CallHook(*server_, service, request);
      SampleOutcome o{name, service, r.status, DiagnosticsOf(r.body)};
      EXPECT_TRUE(r.status == 200 || (r.status >= 400 && r.status < 500))
          << name << " -> " << service << ": " << r.body;
      if (r.status != 200) {
        auto res = Send(*server_, "POST", "/cds-services/" + service, request);
        EXPECT_TRUE(IsOperationOutcome(res, r.status, r.status == 412 ? "incomplete" : "invalid"))
            << name << " -> " << service;
        EXPECT_FALSE(o.diagnostics.empty())
            << name << " -> " << service << ": a 4xx must say why: " << r.body;
      }
      outcomes.push_back(o);
    }
  }
  auto find = [&](const std::string& file, const std::string& service) -> const SampleOutcome* {
    for (const SampleOutcome& o : outcomes) {
      if (o.file == file && o.service == service) return &o;
    }
    return nullptr;
  };
  // Specific expectations for the rituximab services (the neuropathy services' rules change
  // independently; they are held to "2xx or a clear 4xx" above).
  struct Expect {
    std::string file, service;
    int status;
    std::string diagnostics;
  };
  const std::vector<Expect> expected = {
      // Unknown and legacy hooks: refused, naming the hook.
      {"hapi-CdsServiceRequestJson.json", kView, 400, "hook \"Hook Name\" does not match"},
      {"davinci-crd-medicationRequestPrefetch.json", kSelect, 400,
       "hook \"medication-prescribe\" does not match"},
      // Only prefetch, no hook or context: refused.
      {"cds-hooks-docs-spec-prefetch-data-example.json", kSign, 400, "hook is required"},
      // Order hooks without rituximab: accepted, no card (patientId "Patient/x" tolerated,
      // draftOrders without type, doseAndRate as an object, DeviceRequest/ServiceRequest).
      {"cqf-ruler-opioidcds-01-request.json", kSelect, 200, ""},
      {"cqf-ruler-opioidcds-04-request-prefetch.json", kSelect, 200, ""},
      {"davinci-crd-requestWithHydratedPrefetchBundle.json", kSign, 200, ""},
      {"cds-hooks-docs-order-select-context-example.json", kSelect, 200, ""},
      {"cds-hooks-docs-order-sign-context-example.json", kSign, 200, ""},
      // patient-view with a patient but none of our data and no allow-listed FHIR server: 412
      // naming the data (the cqf-ruler item1.. keys are not ours and are ignored).
      {"cqf-ruler-request-HelloWorld.json", kView, 412, "medicationRequests"},
      {"cds-hooks-docs-spec-request-patient-view.json", kView, 412, "medicationRequests"},
      {"cqf-ruler-unicode-request.json", kView, 412, "medicationRequests"},
      // order-sign whose only order names its drug by a Medication reference that is neither in
      // the request nor fetchable: whether it is rituximab cannot be told, so 412 naming it.
      {"cqf-ruler-opioidcds-08-request-prefetch.json", kSign, 412,
       "Medication/eAfgatAovleK4GXF4MnFNxg3"},
      {"cqf-ruler-opioidcds-08-request.json", kSign, 412, "Medication/eAfgatAovleK4GXF4MnFNxg3"},
      // Orders for Patient/positive while context.patientId is Patient/123: refused, not guessed.
      {"hapi-ASLPCrdServiceRequest.json", kSign, 400, "different patient than context.patientId"},
      // patient-view without patientId: nothing to say.
      {"cds-hooks-docs-spec-request-example-2.json", kView, 200, ""},
  };
  for (const Expect& e : expected) {
    const SampleOutcome* o = find(e.file, e.service);
    ASSERT_NE(o, nullptr) << e.file << " was not sent to " << e.service;
    EXPECT_EQ(o->status, e.status) << e.file << " -> " << e.service << ": " << o->diagnostics;
    if (!e.diagnostics.empty()) {
      EXPECT_THAT(o->diagnostics, HasSubstr(e.diagnostics)) << e.file;
    }
  }
}

// Files naming a fhirServer: with no server allow-listed, none is ever called. Each such
// request is re-pointed at a loopback listener that counts connections.
TEST_F(FhirSamplesTest, NoFhirServerIsCalledWhenNoneIsAllowListed) {
  ConnectionCounter listener;
  int sent = 0;
  for (const std::string& name : Files()) {
    std::string body = ReadFileOrFail(dir_ + "/" + name);
    for (auto [service, request] : Plan(name, body)) {
      rapidjson::Document d;
      d.Parse(request.c_str());
      if (!d.IsObject() || !d.HasMember("fhirServer")) continue;
      request = Edit(request, [&](rapidjson::Document& doc) {
        doc["fhirServer"].SetString(listener.url().c_str(), doc.GetAllocator());
      });
      HookResponse r = CallHook(*server_, service, request);
      EXPECT_LT(r.status, 500) << name << " -> " << service;
      ++sent;
    }
  }
  EXPECT_GT(sent, 20);
  EXPECT_EQ(listener.Drain(), 0) << "the service called a FHIR server that is not allow-listed";
}

// Optional context fields sent as JSON null, as Da Vinci CRD does ("encounterId": null), mean
// absent, as "fhirServer": null and "fhirAuthorization": null do (fhir-samples/README.md).
TEST_F(FhirSamplesTest, NullOptionalContextFieldsAreTreatedAsAbsent) {
  for (const char* name : {"davinci-crd-deviceRequestNoPrefetch.json",
                           "davinci-crd-deviceRequestFullPrefetchWithCoverage_r4.json"}) {
    HookResponse r = CallHook(*server_, kSign, ReadFileOrFail(dir_ + "/" + name));
    EXPECT_EQ(r.status, 200) << name << ": " << r.body;
    EXPECT_EQ(r.CardCount(), 0u) << name << ": " << r.body;
  }
  HookResponse view =
      CallHook(*server_, kView,
               R"({"hook":"patient-view","hookInstance":"a0b1c2d3-0000-4000-8000-000000000009",)"
               R"("context":{"userId":"Practitioner/1","patientId":"p1","encounterId":null},)"
               R"("prefetch":{"medicationRequests":null,"medicationStatements":null,)"
               R"("medicationAdministrations":null,"hbvSerology":null,"igm":null}})");
  EXPECT_EQ(view.status, 200) << view.body;
}

// ------------------------------------------------------------------------------------------
// A client that sends half a request and then stalls holds neither the server nor other
// callers: they are served at once, and the stalled connection is closed at the deadline.
TEST(HttpSlowClientTest, HalfSentRequestDoesNotStallTheServer) {
  config::ServerConfig config = ProtocolConfig();
  config.limits.request_timeout_ms = 2000;
  config.limits.read_timeout_ms = 2000;
  auto server = StartServer(config);
  ASSERT_NE(server, nullptr);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(server->port()));
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  const std::string partial = std::string("POST ") + kSelectPath +
                              " HTTP/1.1\r\nHost: x\r\nContent-Type: "
                              "application/json\r\nContent-Length: 500\r\n\r\n{\"hook\"";
  ASSERT_EQ(::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(partial.size()));

  auto t0 = std::chrono::steady_clock::now();
  ExpectStillServing(*server, "a stalled client");
  auto served_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_LT(served_ms, 1000) << "another caller waited for the stalled one";

  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 8000), 1) << "the stalled connection was never closed";
  char buf[512];
  ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
  auto closed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_GE(closed_ms, 1500) << "closed before the 2 s request deadline";
  EXPECT_LT(closed_ms, 5000) << "not closed at the 2 s request deadline";
  EXPECT_GE(n, 0);
  if (n > 0) {
    EXPECT_THAT(std::string(buf, static_cast<size_t>(n)),
                ::testing::StartsWith("HTTP/1.1 4"));  // never a 2xx or 5xx
  }
  ::close(fd);
  ExpectStillServing(*server, "the stalled client was dropped");
}

}  // namespace
}  // namespace cds::testing
