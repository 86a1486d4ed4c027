// Secrets and patient data never reach the logs:
// hook calls carrying distinctive access tokens, JWTs and patient names go through the
// server with every log line captured at debug level -- on success, on FHIR fetch
// failures (redirect, next link elsewhere, connection refused), on 401s and on 400s --
// and no line contains any of them. The lines are echoed to stderr as well, so CI can
// grep a whole test run for the same markers (docs/security.md).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/security/secure_server_fixture.h"

namespace cds::security_test {
namespace {

constexpr char kPath[] = "/cds-services/rituximab-safety-patient-view";

std::string Patient() {
  return std::string(R"({"resourceType":"Patient","id":"p1","name":[{"family":")") +
         kPatientNameMarker + R"(","given":["Zebulon"]}],"birthDate":"1961-02-03"})";
}

std::string MedicationBundleWithNote() {
  return std::string(
             R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1657864"}],"text":"rituximab for )") +
         kPatientNameMarker +
         R"("},"subject":{"reference":"Patient/p1"},"note":[{"text":"patient )" +
         kPatientNameMarker + R"( asked"}]}}]})";
}

// A fhirServer with no listener behind it: every fetch is refused.
int ClosedPort() {
  ConnectionCounter c;
  return c.port();  // closed again when `c` goes
}

TEST(LogSecretsTest, TokensAndPatientDataNeverLogged) {
  JoseIssuer issuer(6);
  ASSERT_EQ(issuer.error(), "");
  const bool with_jwt = issuer.skip_reason().empty();
  ServerSetup setup;
  if (with_jwt) issuer.Configure(setup);
  int closed = ClosedPort();
  // An allow-listed server that answers every search with a page linking elsewhere.
  httplib::Server fhir;
  fhir.Get(".*", [](const httplib::Request& req, httplib::Response& res) {
    if (req.path.find("/Patient/") != std::string::npos) {
      res.set_content(Patient(), "application/fhir+json");
      return;
    }
    res.status = 302;
    res.set_header("Location", "http://127.0.0.1:1/elsewhere");
  });
  int fhir_port = fhir.bind_to_any_port("127.0.0.1");
  std::thread fhir_thread([&] { fhir.listen_after_bind(); });
  const std::string fhir_base = "http://127.0.0.1:" + std::to_string(fhir_port) + "/fhir";
  const std::string closed_base = "http://127.0.0.1:" + std::to_string(closed) + "/fhir";
  setup.settings.fhir.allowed_servers = {fhir_base, closed_base};
  setup.settings.log_level = "debug";

  LogCapture logs(LogLevel::kDebug, /*echo=*/true);
  {
    auto server = SecureServer::Start(std::move(setup));
    ASSERT_NE(server, nullptr);
    auto c = LoopbackClient(server->port());
    int next_jwt = 0;
    auto jwt = [&]() -> httplib::Headers {
      if (!with_jwt) return {};
      return {{"Authorization", "Bearer " + issuer.Token("valid_" + std::to_string(next_jwt++))}};
    };
    const std::string at = std::string(kAccessTokenMarker) + "-log-1";
    std::map<std::string, std::string> data = {{"patient", Patient()},
                                               {"medicationRequests", MedicationBundleWithNote()}};

    // Success, with the patient's name in prefetch and a token the service never needs.
    auto ok = c->Post(kPath, jwt(), server->RequestBody(data, fhir_base, at, "log-ok"),
                      "application/json");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200) << ok->body;
    // FHIR fetches that fail: redirect (the patient read succeeds), and connection refused.
    std::string fetch_all =
        R"({"hook":"patient-view","hookInstance":"log-fetch","fhirServer":")" + fhir_base +
        R"(","fhirAuthorization":{"access_token":")" + at +
        R"(","token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"s"},"context":{"userId":"Practitioner/pr1","patientId":"p1"}})";
    auto redirect = c->Post(kPath, jwt(), fetch_all, "application/json");
    ASSERT_TRUE(redirect);
    EXPECT_EQ(redirect->status, 412) << redirect->body;
    std::string refused = fetch_all;
    refused.replace(refused.find(fhir_base), fhir_base.size(), closed_base);
    auto down = c->Post(kPath, jwt(), refused, "application/json");
    ASSERT_TRUE(down);
    EXPECT_EQ(down->status, 412) << down->body;
    // 401s: a forged JWT, a replayed one, none at all.
    if (with_jwt) {
      for (const char* bad : {"tampered_payload", "expired", "alg_none", "hs256_with_public_key"}) {
        auto r = c->Post(kPath, {{"Authorization", "Bearer " + issuer.Token(bad)}},
                         server->RequestBody(data, fhir_base, at), "application/json");
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 401) << bad;
      }
      auto replay = c->Post(kPath, {{"Authorization", "Bearer " + issuer.Token("valid_0")}},
                            server->RequestBody(data, fhir_base, at), "application/json");
      ASSERT_TRUE(replay);
      EXPECT_EQ(replay->status, 401);
      auto none = c->Post(kPath, server->RequestBody(data, fhir_base, at), "application/json");
      ASSERT_TRUE(none);
      EXPECT_EQ(none->status, 401);
    }
    // 400s whose bodies carry the secrets.
    std::string truncated = server->RequestBody(data, fhir_base, at);
    truncated.resize(truncated.size() - 3);
    auto bad_json = c->Post(kPath, jwt(), truncated, "application/json");
    ASSERT_TRUE(bad_json);
    EXPECT_EQ(bad_json->status, 400);
    std::string bad_auth = R"({"hook":"patient-view","hookInstance":"log-400","fhirServer":")" +
                           fhir_base + R"(","fhirAuthorization":{"access_token":")" + at +
                           R"(","token_type":"MAC"},"context":{"patientId":")" +
                           kPatientNameMarker + R"("}})";
    auto bad_req = c->Post(kPath, jwt(), bad_auth, "application/json");
    ASSERT_TRUE(bad_req);
    EXPECT_EQ(bad_req->status, 400);
  }
  fhir.stop();
  fhir_thread.join();

  std::vector<std::string> lines = logs.lines();
  ASSERT_FALSE(lines.empty());
  std::vector<std::string> needles = {kAccessTokenMarker, kPatientNameMarker, kJwtMarker, "Zebulon",
                                      "1961-02-03"};
  for (const auto& [name, token] : issuer.tokens())
    needles.push_back(token.substr(token.rfind('.') + 1));
  for (const std::string& line : lines) {
    for (const std::string& n : needles) {
      if (n.size() < 8) continue;
      EXPECT_EQ(line.find(n), std::string::npos) << "log line leaks '" << n << "': " << line;
    }
  }
  // What the logs are for is there: hookInstance, service, status and timing.
  EXPECT_FALSE(
      logs.Grep(
              R"("event":"hook_evaluated","service":"rituximab-safety-patient-view","hookInstance":"log-ok")")
          .empty());
  EXPECT_FALSE(logs.Grep(R"("hookInstance":"log-fetch","status":412)").empty());
  if (with_jwt) {
    EXPECT_GE(logs.Grep("caller_rejected").size(), 6u);
  }
}

}  // namespace
}  // namespace cds::security_test
