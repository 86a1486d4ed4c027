// Calling FHIR servers safely (issue 4 §2): a request naming a fhirServer that is not
// allow-listed -- cloud metadata, localhost, an IPv6 literal, the right host under another
// path, a host that redirects, a next link to another origin -- produces no connection to
// the listener at all and is answered 412, as the spec says for data that cannot be
// obtained. The bearer token goes only to the fhirServer it came with.
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/security/secure_server_fixture.h"

namespace cds::security_test {
namespace {

constexpr char kPath[] = "/cds-services/rituximab-safety-patient-view";

// A hook call with no prefetch at all, so the service must fetch everything it needs.
std::string FetchingRequest(const std::string& fhir_server, const std::string& token,
                            const std::string& prefetch = "") {
  std::string r =
      R"({"hook":"patient-view","hookInstance":"ssrf-1","fhirServer":")" + fhir_server +
      R"(","fhirAuthorization":{"access_token":")" + token +
      R"(","token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"cds-service"},)"
      R"("context":{"userId":"Practitioner/pr1","patientId":"p1"})";
  if (!prefetch.empty()) r += R"(,"prefetch":)" + prefetch;
  return r + "}";
}

// An allow-listed FHIR server that misbehaves: under /redirect every answer is a 302 to
// the listener; under /paging every search answers a page whose next link leaves for the
// listener. Records the Authorization header of every request.
class MisbehavingFhirServer {
 public:
  explicit MisbehavingFhirServer(int listener_port) {
    std::string target = "http://127.0.0.1:" + std::to_string(listener_port);
    server_.Get("/redirect/.*",
                [this, target](const httplib::Request& req, httplib::Response& res) {
                  Record(req);
                  res.status = 302;
                  res.set_header("Location", target + "/stolen" + req.path);
                });
    server_.Get("/paging/.*", [this, target](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      res.set_content(
          R"({"resourceType":"Bundle","type":"searchset","link":[{"relation":"next","url":")" +
              target + R"(/fhir/R4/Observation?page=2"}],"entry":[]})",
          "application/fhir+json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~MisbehavingFhirServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> authorizations() {
    std::lock_guard<std::mutex> lock(mu_);
    return authorizations_;
  }

 private:
  void Record(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    authorizations_.push_back(req.get_header_value("Authorization"));
  }
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<std::string> authorizations_;
};

TEST(SsrfTest, NonAllowListedFhirServersAreNeverContacted) {
  ConnectionCounter listener;
  MisbehavingFhirServer fhir(listener.port());
  const std::string l = std::to_string(listener.port());
  const std::string r = "http://127.0.0.1:" + std::to_string(fhir.port());
  ServerSetup setup;
  setup.settings.fhir.allowed_servers = {"http://127.0.0.1:" + l + "/fhir/R4", r + "/redirect",
                                         r + "/paging"};
  auto server = SecureServer::Start(std::move(setup));
  ASSERT_NE(server, nullptr);
  auto c = LoopbackClient(server->port());

  struct Row {
    std::string what;
    std::string fhir_server;
    std::vector<int> statuses;  // 412 if the URL is well-formed, else 400
    std::string says;           // expected in the OperationOutcome
  };
  const std::vector<Row> rows = {
      {"cloud metadata", "http://169.254.169.254/", {412}, "not on the allow-list"},
      {"cloud metadata path",
       "http://169.254.169.254/latest/meta-data/iam",
       {412},
       "not on the allow-list"},
      {"localhost name for the listener",
       "http://localhost:" + l + "/fhir/R4",
       {412},
       "not on the allow-list"},
      {"IPv6 loopback literal", "http://[::1]:" + l + "/fhir/R4", {412}, "not on the allow-list"},
      {"listener under another path",
       "http://127.0.0.1:" + l + "/other",
       {412},
       "not on the allow-list"},
      {"listener, path prefix lookalike",
       "http://127.0.0.1:" + l + "/fhir/R4x",
       {412},
       "not on the allow-list"},
      {"listener, path case", "http://127.0.0.1:" + l + "/FHIR/R4", {412}, "not on the allow-list"},
      {"listener over https",
       "https://127.0.0.1:" + l + "/fhir/R4",
       {412},
       "not on the allow-list"},
      {"dot segments", "http://127.0.0.1:" + l + "/fhir/R4/../../admin", {400, 412}, ""},
      {"encoded dot segments", "http://127.0.0.1:" + l + "/fhir/R4/%2e%2e/x", {400, 412}, ""},
      {"userinfo", "http://127.0.0.1:" + l + "@169.254.169.254/fhir/R4", {400, 412}, ""},
      {"decimal IPv4", "http://2130706433:" + l + "/fhir/R4", {400, 412}, ""},
      {"hex IPv4", "http://0x7f.0.0.1:" + l + "/fhir/R4", {400, 412}, ""},
      {"non-http scheme", "file:///etc/passwd", {400, 412}, ""},
      {"allow-listed host answering 302 to the listener", r + "/redirect", {412}, "redirect"},
      {"allow-listed host whose next link leaves for the listener",
       r + "/paging",
       {412},
       "outside the fhirServer"},
  };
  int i = 0;
  for (const Row& row : rows) {
    std::string token = std::string(kAccessTokenMarker) + "-ssrf-" + std::to_string(i++);
    auto res = c->Post(kPath, FetchingRequest(row.fhir_server, token), "application/json");
    ASSERT_TRUE(res) << row.what;
    EXPECT_TRUE(std::find(row.statuses.begin(), row.statuses.end(), res->status) !=
                row.statuses.end())
        << row.what << ": " << res->status << " " << res->body;
    if (!row.says.empty()) {
      EXPECT_NE(res->body.find(row.says), std::string::npos) << row.what << ": " << res->body;
    }
    EXPECT_EQ(listener.count(), 0) << row.what << " reached the listener";
  }

  // A prefetch Bundle whose next link points at another allow-listed server is not
  // followed with this request's token either.
  std::string prefetch =
      R"({"medicationRequests":{"resourceType":"Bundle","type":"searchset","link":[{"relation":"next","url":"http://127.0.0.1:)" +
      l + R"(/fhir/R4/MedicationRequest?page=2"}],"entry":[]}})";
  auto res = c->Post(
      kPath, FetchingRequest(r + "/paging", std::string(kAccessTokenMarker) + "-next", prefetch),
      "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 412) << res->body;
  EXPECT_EQ(listener.count(), 0) << "a prefetch next link to another origin was followed";

  // Only the misbehaving server saw tokens, and each request's own.
  std::vector<std::string> seen = fhir.authorizations();
  EXPECT_FALSE(seen.empty());
  for (const std::string& a : seen) {
    EXPECT_EQ(a.rfind("Bearer " + std::string(kAccessTokenMarker) + "-", 0), 0u) << a;
  }

  // Control: the listener is reachable once the request names its allow-listed base, so
  // the zero counts above are real. It closes at once, so the data is unavailable: 412.
  auto control = c->Post(kPath, FetchingRequest("http://127.0.0.1:" + l + "/fhir/R4", "control"),
                         "application/json");
  ASSERT_TRUE(control);
  EXPECT_EQ(control->status, 412) << control->body;
  EXPECT_GT(listener.count(), 0);
}

}  // namespace
}  // namespace cds::security_test
