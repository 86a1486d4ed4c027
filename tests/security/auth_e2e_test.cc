// Caller authentication end to end, through the real server (every request authenticated,
// aud = the endpoint URL, the iss/jku allow-list and the JWT checks, CORS preflight without
// a token): the spec's own example token against the spec's
// example JWK Set, and tokens minted by npm `jose` whose keys the server fetches over
// HTTPS from a loopback JWKS endpoint on the issuer's jku allow-list.
//
// Every refusal is a 401 whose body says nothing; the log says why (the verifier's
// "[CDS-AUTH-nn]" id) and never carries the token.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "base/json.h"

#include "app/http_status.h"
#include "tests/security/secure_server_fixture.h"

namespace cds::security_test {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path SpecExamples() { return fs::path(CDS_SHARED_DIR) / "spec/cds-hooks/examples"; }

// The exact body of every 401: an OperationOutcome with no diagnostics.
const std::string& Bare401() {
  static const std::string body = app::OperationOutcomeJson(401, "");
  return body;
}

httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// The bundled config with one more service, "some-service", the id the spec's example
// token names in its aud (rules: none, so a call answers 200 {"cards": []}).
std::string ConfigWithSomeService(const TempDir& dir) {
  fs::path root = fs::path(dir.path()) / "config";
  fs::copy(fs::path(CDS_SOURCE_DIR) / "config", root, fs::copy_options::recursive);
  std::ofstream(root / "knowledge/services/zz-spec-example.json") << R"({
  "services": [{"id": "some-service", "hook": "patient-view", "title": "Spec example service",
                "description": "The service the CDS Hooks 2.0 example JWT is addressed to.",
                "rules": []}]
})";
  return root.string();
}

TEST(AuthEndToEndTest, SpecExampleTokenThroughTheServer) {
  fs::path header_file = SpecExamples() / "jwt-authorization-header.json";
  fs::path jwks_file = SpecExamples() / "jwks-public.json";
  if (!fs::exists(header_file) || !fs::exists(jwks_file)) GTEST_SKIP() << "spec examples not found";
  auto doc = json::ParseJson(ReadFile(header_file), json::JsonLimits{});
  ASSERT_TRUE(doc.ok());
  std::string authorization(json::GetString(**doc, "Authorization").value_or(""));
  ASSERT_EQ(authorization.rfind("Bearer ", 0), 0u);

  TempDir dir;
  ServerSetup setup;
  setup.config_dir = ConfigWithSomeService(dir);
  setup.settings.public_base_url = kPublicBase;
  config::IssuerConfig issuer;
  issuer.iss = "https://fhir-ehr.example.com/";
  issuer.jwks_file = jwks_file.string();
  issuer.tenants = {"2ddd6c3a-8e9a-44c6-a305-52111ad302a2"};
  setup.settings.auth.issuers = {issuer};
  // The example lives 3.5 years (iat 2011-07-21, exp 2015-01-29); only this vector needs it.
  setup.settings.auth.max_token_lifetime_s = 1422568860 - 1311280970;
  setup.auth_now = (1311280970 + 3600) * int64_t{1000};
  LogCapture logs(LogLevel::kDebug);
  auto server = SecureServer::Start(std::move(setup));
  ASSERT_NE(server, nullptr);
  auto c = LoopbackClient(server->port());
  httplib::Headers h = {{"Authorization", authorization}};

  auto ok =
      c->Post("/cds-services/some-service", h, server->NormalRequestBody(), "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(ok->body, R"({"cards":[]})");

  auto replay =
      c->Post("/cds-services/some-service", h, server->NormalRequestBody(), "application/json");
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, 401);
  EXPECT_EQ(replay->body, Bare401());
  EXPECT_EQ(logs.Grep("[CDS-AUTH-17]").size(), 1u) << "the replay is logged as such";

  // The same token names one endpoint; anywhere else it is refused.
  auto elsewhere = c->Post("/cds-services/" + std::string(kService), h, server->NormalRequestBody(),
                           "application/json");
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 401);
  const std::string signature = authorization.substr(authorization.rfind('.') + 1);
  for (const std::string& line : logs.lines()) {
    EXPECT_EQ(line.find(signature), std::string::npos) << line;
    EXPECT_EQ(line.find(kJwtMarker), std::string::npos) << line;
  }
}

class JoseEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(issuer_.error(), "");
    if (!issuer_.skip_reason().empty()) GTEST_SKIP() << issuer_.skip_reason();
    ServerSetup setup;
    issuer_.Configure(setup);
    server_ = SecureServer::Start(std::move(setup));
    ASSERT_NE(server_, nullptr);
  }

  const std::string& Token(const std::string& name) { return issuer_.Token(name); }

  httplib::Result CallService(const httplib::Headers& h) {
    return LoopbackClient(server_->port())
        ->Post("/cds-services/" + std::string(kService), h, server_->NormalRequestBody(),
               "application/json");
  }

  JoseIssuer issuer_;
  std::unique_ptr<SecureServer> server_;
};

TEST_F(JoseEndToEndTest, ValidTokensAreServed) {
  LogCapture logs(LogLevel::kDebug);
  for (const char* name : {"valid_es384", "valid_rs384"}) {
    auto res = CallService(Bearer(Token(name)));
    ASSERT_TRUE(res) << name;
    EXPECT_EQ(res->status, 200) << name << ": " << res->body;
    EXPECT_NE(res->body.find(kNormalRule), std::string::npos) << name;
  }
  EXPECT_GE(issuer_.jwks_hits(), 1) << "keys come from the allow-listed jku";
  EXPECT_EQ(logs.Grep("caller_authenticated").size(), 2u);
}

TEST_F(JoseEndToEndTest, EveryBadTokenGetsABare401AndALoggedReason) {
  struct Row {
    const char* token;
    const char* reason_id;
  };
  const std::vector<Row> rows = {
      {"expired", "[CDS-AUTH-11]"},
      {"not_yet_valid", "[CDS-AUTH-12]"},
      {"wrong_aud", "[CDS-AUTH-10]"},
      {"unknown_iss", "[CDS-AUTH-06]"},
      {"unknown_kid", "[CDS-AUTH-07]"},
      {"alg_none", "[CDS-AUTH-03]"},
      {"hs256_with_public_key", "[CDS-AUTH-03]"},
      {"tampered_payload", "[CDS-AUTH-09]"},
      {"jku_not_allowlisted", "[CDS-AUTH-08]"},
      {"feedback", "[CDS-AUTH-10]"},
  };
  // The replay: first use passes, the second is refused.
  auto first = CallService(Bearer(Token("replay")));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  LogCapture logs(LogLevel::kDebug);
  auto again = CallService(Bearer(Token("replay")));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 401);
  EXPECT_EQ(logs.Grep("[CDS-AUTH-17]").size(), 1u);
  for (const Row& row : rows) {
    size_t before = logs.Grep(row.reason_id).size();
    auto res = CallService(Bearer(Token(row.token)));
    ASSERT_TRUE(res) << row.token;
    EXPECT_EQ(res->status, 401) << row.token << ": " << res->body;
    EXPECT_EQ(res->body, Bare401()) << row.token;
    EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer") << row.token;
    EXPECT_EQ(logs.Grep(row.reason_id).size(), before + 1)
        << row.token << " is logged with its reason";
  }
  for (const char* header : {"", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt"}) {
    httplib::Headers h;
    if (*header != '\0') h.emplace("Authorization", header);
    auto res = CallService(h);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << "'" << header << "'";
    EXPECT_EQ(res->body, Bare401());
  }
  EXPECT_EQ(issuer_.evil_jku_connections(), 0) << "a jku off the allow-list must never be fetched";
  // No log line carries a token, or any part of one.
  for (const std::string& line : logs.lines()) {
    EXPECT_EQ(line.find(kJwtMarker), std::string::npos) << line;
    for (const auto& [name, token] : issuer_.tokens()) {
      std::string signature = token.substr(token.rfind('.') + 1);
      if (signature.size() > 16) {
        EXPECT_EQ(line.find(signature), std::string::npos) << name << ": " << line;
      }
    }
  }
}

TEST_F(JoseEndToEndTest, DiscoveryAndFeedbackNeedTheirOwnToken) {
  auto c = LoopbackClient(server_->port());
  auto anonymous = c->Get("/cds-services");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto discovery = c->Get("/cds-services", Bearer(Token("discovery")));
  ASSERT_TRUE(discovery);
  EXPECT_EQ(discovery->status, 200);
  EXPECT_NE(discovery->body.find(kService), std::string::npos);

  std::string feedback_path = "/cds-services/" + std::string(kService) + "/feedback";
  auto wrong =
      c->Post(feedback_path, Bearer(Token("valid_0")), FeedbackBody(1, 1), "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401) << "a service-call token is not a feedback token";
  auto anon_feedback = c->Post(feedback_path, FeedbackBody(1, 1), "application/json");
  ASSERT_TRUE(anon_feedback);
  EXPECT_EQ(anon_feedback->status, 401);
  auto feedback =
      c->Post(feedback_path, Bearer(Token("feedback")), FeedbackBody(1, 1), "application/json");
  ASSERT_TRUE(feedback);
  EXPECT_EQ(feedback->status, 200) << feedback->body;
  EXPECT_EQ(CountRows(server_->db_path(), "feedback"), 1);

  // An unauthenticated caller learns nothing, not even that its Content-Type is wrong.
  auto wrong_type = c->Post("/cds-services/" + std::string(kService), "{}", "text/plain");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 401);
}

TEST_F(JoseEndToEndTest, PreflightAndHealthNeedNoToken) {
  auto c = LoopbackClient(server_->port());
  const std::string service = "/cds-services/" + std::string(kService);
  for (const std::string& path : {std::string("/cds-services"), service, service + "/feedback"}) {
    auto res =
        c->Options(path, {{"Origin", "https://sandbox.cds-hooks.org"},
                          {"Access-Control-Request-Method", "POST"},
                          {"Access-Control-Request-Headers", "authorization, content-type"}});
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 204) << path;
    EXPECT_NE(res->get_header_value("Access-Control-Allow-Headers").find("Authorization"),
              std::string::npos);
  }
  auto health = c->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

}  // namespace
}  // namespace cds::security_test
