// HttpFhirClient against real cpp-httplib servers on 127.0.0.1 (ephemeral ports) acting as
// FHIR servers. Every test counts what each server received, so "refused" means "never sent".
#include "fhir/http_fhir_client.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "base/json.h"

#include "fhir/bundle.h"
#include "fhir/resource.h"

#include "tests/support/status_matchers.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cds::fhir {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr char kToken[] = "tok-3f9a.secret";
constexpr char kJson[] = "application/fhir+json";

struct Recorded {
  std::string method;
  std::string target;  // path and query as sent
  std::string authorization;
  std::string accept;
};

// A stand-in FHIR server. Register handlers on server(), then Start().
class FakeFhirServer {
 public:
  FakeFhirServer() {
    server_.set_keep_alive_timeout(1);
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back({req.method, req.target, req.get_header_value("Authorization"),
                           req.get_header_value("Accept")});
      return httplib::Server::HandlerResponse::Unhandled;
    });
  }
  ~FakeFhirServer() { Stop(); }
  FakeFhirServer(const FakeFhirServer&) = delete;
  FakeFhirServer& operator=(const FakeFhirServer&) = delete;

  httplib::Server& server() { return server_; }

  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    ASSERT_TRUE(server_.is_running());
  }

  void Stop() {
    stopping_ = true;
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
  }

  int port() const { return port_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string base() const { return origin() + "/fhir"; }

  size_t request_count() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_.size();
  }
  std::vector<Recorded> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  // Sleeps up to `ms`, returning early once the server is being torn down.
  void Sleep(int ms) {
    auto until = SteadyClock::now() + milliseconds(ms);
    while (!stopping_ && SteadyClock::now() < until) std::this_thread::sleep_for(milliseconds(5));
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<Recorded> requests_;
};

std::string PatientJson(const std::string& id) {
  return R"({"resourceType":"Patient","id":")" + id + R"("})";
}

// A searchset page with one Observation, and a `next` link when `next_url` is not empty.
std::string Page(int page, const std::string& next_url) {
  std::string s =
      R"({"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"x"})";
  if (!next_url.empty()) s += R"(,{"relation":"next","url":")" + next_url + R"("})";
  s += R"(],"entry":[{"resource":{"resourceType":"Observation","id":"o)" + std::to_string(page) +
       R"("}}]})";
  return s;
}

HttpFhirClientOptions OptionsFor(const std::vector<std::string>& allowed) {
  HttpFhirClientOptions o;
  o.allowed_base_urls = allowed;
  o.connect_timeout_ms = 1000;
  // cpp-httplib 0.11.4 listens with a backlog of 5: more simultaneous connects than that can
  // have their SYN dropped and retried a second later. Four workers stay below it.
  o.worker_threads = 4;
  return o;
}

Deadline In(int ms) { return SteadyClock::now() + milliseconds(ms); }

int64_t MsSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start).count();
}

// A local port with nothing listening: bind an ephemeral port, then close it.
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return 0;
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class HttpFhirClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.server().Get(R"(/fhir/Patient/([A-Za-z0-9\-.]+))",
                         [](const httplib::Request& req, httplib::Response& res) {
                           res.set_content(PatientJson(req.matches[1]), kJson);
                         });
  }
  FakeFhirServer server_;
};

TEST_F(HttpFhirClientTest, ReadSendsBearerTokenAndAcceptHeader) {
  server_.Start();
  HttpFhirClient client(OptionsFor({server_.base()}));
  auto out = client.FetchAll({server_.base(), kToken}, {"Patient/123"}, In(5000));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_THAT(out[0].status, IsOk());
  ASSERT_EQ(out[0].pages.size(), 1u);
  EXPECT_TRUE(IsResourceOfType(*out[0].pages[0], "Patient"));
  EXPECT_EQ(ResourceView(*out[0].pages[0]).id(), "123");
  EXPECT_FALSE(out[0].truncated);

  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].target, "/fhir/Patient/123");
  EXPECT_EQ(reqs[0].authorization, std::string("Bearer ") + kToken);
  EXPECT_THAT(reqs[0].accept, HasSubstr("application/fhir+json"));
}

TEST_F(HttpFhirClientTest, UrlShapesUnderTheBase) {
  server_.server().Get("/fhir/Observation",
                       [](const httplib::Request& req, httplib::Response& res) {
                         EXPECT_EQ(req.get_param_value("patient"), "p1");
                         res.set_content(Page(1, ""), kJson);
                       });
  server_.Start();
  HttpFhirClient client(OptionsFor({server_.base()}));
  std::vector<std::string> urls = {"Patient/1", "/Patient/2", server_.base() + "/Patient/3",
                                   "Observation?patient=p1", server_.base() + "/Patient/4/"};
  auto out = client.FetchAll({server_.base() + "/", ""}, urls, In(5000));
  ASSERT_EQ(out.size(), urls.size());
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_THAT(out[i].status, IsOk()) << urls[i];
    EXPECT_EQ(out[i].pages.size(), 1u) << urls[i];
  }
  EXPECT_EQ(ResourceView(*out[2].pages[0]).id(), "3");
  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), urls.size());
  for (const Recorded& r : reqs) {
    EXPECT_EQ(r.authorization, "") << "no token, no Authorization header";
  }
}

TEST_F(HttpFhirClientTest, EmptyUrlListMakesNoCalls) {
  server_.Start();
  HttpFhirClient client(OptionsFor({server_.base()}));
  EXPECT_TRUE(client.FetchAll({server_.base(), kToken}, {}, In(5000)).empty());
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(HttpFhirClientTest, ServerNotOnAllowListIsNeverCalled) {
  server_.Start();
  struct Row {
    std::string allowed;
    std::string fhir_server;
  } rows[] = {
      {"https://ehr.example.org/fhir", server_.base()},
      {server_.base() + "x", server_.base()},    // /fhirx does not cover /fhir
      {server_.base() + "/R4", server_.base()},  // the base is above the allowed
      {"http://localhost:" + std::to_string(server_.port()) + "/fhir", server_.base()},   // host
      {"https://127.0.0.1:" + std::to_string(server_.port()) + "/fhir", server_.base()},  // scheme
      {server_.base(), server_.base() + "/../admin"},  // dot segments
      {server_.base(), "not a url"},
  };
  for (const Row& r : rows) {
    HttpFhirClient client(OptionsFor({r.allowed}));
    EXPECT_FALSE(client.IsAllowed(r.fhir_server)) << r.allowed << " vs " << r.fhir_server;
    auto out = client.FetchAll({r.fhir_server, kToken}, {"Patient/1", "Observation?x=1"}, In(5000));
    ASSERT_EQ(out.size(), 2u);
    for (const FhirResponse& resp : out) {
      EXPECT_THAT(resp.status, StatusIs(StatusCode::kPermissionDenied, HasSubstr("allow-list")));
      EXPECT_TRUE(resp.pages.empty());
    }
  }
  EXPECT_EQ(server_.request_count(), 0u);
  HttpFhirClient allowed(OptionsFor({server_.base()}));
  EXPECT_TRUE(allowed.IsAllowed(server_.base()));
  EXPECT_TRUE(allowed.IsAllowed(server_.base() + "/"));
  EXPECT_TRUE(allowed.IsAllowed(server_.base() + "/R4"));
}

TEST_F(HttpFhirClientTest, UrlsOutsideTheFhirServerAreRefused) {
  FakeFhirServer other;
  other.server().Get(R"(/.*)", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(PatientJson("stolen"), kJson);
  });
  other.Start();
  server_.server().Get(R"(/other/.*)", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(PatientJson("other-path"), kJson);
  });
  server_.Start();
  // Both servers are on the allow-list: the request's own fhirServer still bounds every URL.
  HttpFhirClient client(OptionsFor({server_.origin(), other.origin()}));
  std::vector<std::string> urls = {
      server_.origin() + "/other/Patient/1",  // same origin, outside the base path
      server_.origin() + "/fhirx/Patient/1",  // segment-aware prefix
      other.base() + "/Patient/1",            // another origin
      "https://127.0.0.1:" + std::to_string(server_.port()) + "/fhir/Patient/1",  // other scheme
      "../other/Patient/1",                                                       // dot segments
      "Patient/%2e%2e/x",                  // encoded dot segments
      server_.base() + "/Patient/1#frag",  // fragment
  };
  auto out = client.FetchAll({server_.base(), kToken}, urls, In(5000));
  ASSERT_EQ(out.size(), urls.size());
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_THAT(out[i].status, StatusIs(StatusCode::kPermissionDenied, ::testing::_)) << urls[i];
    EXPECT_TRUE(out[i].pages.empty());
  }
  EXPECT_EQ(server_.request_count(), 0u);
  EXPECT_EQ(other.request_count(), 0u);
}

// Serves /fhir/Observation?page=N (N from 1) with `total_pages` pages linked by absolute
// `next` URLs.
void ServePages(FakeFhirServer& s, int total_pages) {
  s.server().Get("/fhir/Observation", [&s, total_pages](const httplib::Request& req,
                                                        httplib::Response& res) {
    int page = req.has_param("page") ? std::stoi(req.get_param_value("page")) : 1;
    std::string next = page < total_pages
                           ? s.base() + "/Observation?patient=p1&page=" + std::to_string(page + 1)
                           : "";
    res.set_content(Page(page, next), kJson);
  });
}

TEST(HttpFhirClientPagingTest, FollowsNextLinksUpToTheCap) {
  struct Row {
    int total_pages;
    int max_pages;
    size_t want_pages;
    bool truncated;
  } rows[] = {
      {1, 10, 1, false}, {3, 10, 3, false}, {3, 3, 3, false}, {5, 2, 2, true}, {5, 1, 1, true}};
  for (const Row& r : rows) {
    FakeFhirServer s;
    ServePages(s, r.total_pages);
    s.Start();
    HttpFhirClientOptions o = OptionsFor({s.base()});
    o.max_pages = r.max_pages;
    HttpFhirClient client(o);
    auto out = client.FetchAll({s.base(), kToken}, {"Observation?patient=p1"}, In(5000));
    ASSERT_EQ(out.size(), 1u);
    ASSERT_THAT(out[0].status, IsOk());
    EXPECT_EQ(out[0].pages.size(), r.want_pages) << r.total_pages << "/" << r.max_pages;
    EXPECT_EQ(out[0].truncated, r.truncated) << r.total_pages << "/" << r.max_pages;
    for (size_t i = 0; i < out[0].pages.size(); ++i) {
      std::string id;
      Bundle(*out[0].pages[i]).ForEachEntry([&](const json::Value& res, std::string_view) {
        id = std::string(ResourceView(res).id());
      });
      EXPECT_EQ(id, "o" + std::to_string(i + 1));
    }
    auto reqs = s.requests();
    EXPECT_EQ(reqs.size(), r.want_pages);  // nothing fetched past the cap
    for (const Recorded& req : reqs) {
      EXPECT_EQ(req.authorization, std::string("Bearer ") + kToken);
    }
  }
}

TEST(HttpFhirClientPagingTest, NextLinkToAnotherOriginIsNotFetched) {
  FakeFhirServer other;
  ServePages(other, 5);
  other.Start();
  FakeFhirServer s;
  s.server().Get("/fhir/Observation", [&other](const httplib::Request&, httplib::Response& res) {
    res.set_content(Page(1, other.base() + "/Observation?page=2"), kJson);
  });
  s.Start();
  HttpFhirClient client(OptionsFor({s.base(), other.base()}));  // both allowed, still refused
  auto out = client.FetchAll({s.base(), kToken}, {"Observation?patient=p1"}, In(5000));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_THAT(out[0].status, StatusIs(StatusCode::kUnavailable, HasSubstr("next link")));
  EXPECT_TRUE(out[0].pages.empty());
  EXPECT_EQ(s.request_count(), 1u);
  EXPECT_EQ(other.request_count(), 0u);
}

TEST(HttpFhirClientPagingTest, NextLinkOutsideTheBasePathOrMalformed) {
  for (std::string next : {std::string("/fhir/Observation?page=2"),  // relative: not allowed
                           std::string("{origin}/admin/Observation?page=2"),
                           std::string("{origin}/fhir/../admin"), std::string("not a url")}) {
    FakeFhirServer s;
    s.server().Get("/fhir/Observation",
                   [&s, next](const httplib::Request&, httplib::Response& res) {
                     std::string url = next;
                     if (url.rfind("{origin}", 0) == 0) url = s.origin() + url.substr(8);
                     res.set_content(Page(1, url), kJson);
                   });
    s.Start();
    HttpFhirClient client(OptionsFor({s.origin()}));
    auto out = client.FetchAll({s.base(), kToken}, {"Observation"}, In(5000));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_THAT(out[0].status, StatusIs(StatusCode::kUnavailable, HasSubstr("next link"))) << next;
    EXPECT_EQ(s.request_count(), 1u) << next;
  }
}

TEST(HttpFhirClientErrorTest, RedirectIsNotFollowed) {
  FakeFhirServer target;
  target.server().Get(R"(/.*)", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(PatientJson("redirected"), kJson);
  });
  target.Start();
  FakeFhirServer s;
  s.server().Get("/fhir/Patient/1", [&target](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(target.base() + "/Patient/1", 302);
  });
  s.server().Get("/fhir/Patient/2", [&s](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(s.base() + "/Patient/3", 301);  // even to the same server
  });
  s.Start();
  HttpFhirClient client(OptionsFor({s.base(), target.base()}));
  auto out = client.FetchAll({s.base(), kToken}, {"Patient/1", "Patient/2"}, In(5000));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_THAT(out[0].status, StatusIs(StatusCode::kUnavailable, HasSubstr("redirect")));
  EXPECT_THAT(out[1].status, StatusIs(StatusCode::kUnavailable, HasSubstr("HTTP 301")));
  EXPECT_TRUE(out[0].pages.empty());
  EXPECT_EQ(target.request_count(), 0u);
  EXPECT_EQ(s.request_count(), 2u);
}

TEST(HttpFhirClientErrorTest, HttpStatusMapping) {
  FakeFhirServer s;
  s.server().Get(R"(/fhir/Status/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.status = std::stoi(req.matches[1]);
    res.set_content(
        R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":"patient Jane Doe"}]})",
        kJson);
  });
  s.Start();
  struct Row {
    int http;
    StatusCode code;
  } rows[] = {{401, StatusCode::kPermissionDenied}, {403, StatusCode::kPermissionDenied},
              {404, StatusCode::kNotFound},         {410, StatusCode::kNotFound},
              {400, StatusCode::kUnavailable},      {429, StatusCode::kUnavailable},
              {500, StatusCode::kUnavailable},      {502, StatusCode::kUnavailable},
              {503, StatusCode::kUnavailable},      {204, StatusCode::kUnavailable}};
  std::vector<std::string> urls;
  for (const Row& r : rows) urls.push_back("Status/" + std::to_string(r.http));
  HttpFhirClient client(OptionsFor({s.base()}));
  auto out = client.FetchAll({s.base(), kToken}, urls, In(5000));
  ASSERT_EQ(out.size(), urls.size());
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_THAT(out[i].status,
                StatusIs(rows[i].code, HasSubstr("HTTP " + std::to_string(rows[i].http))))
        << urls[i];
    EXPECT_THAT(out[i].status.message(), Not(HasSubstr("Jane")));
    EXPECT_THAT(out[i].status.message(), Not(HasSubstr(kToken)));
    EXPECT_TRUE(out[i].pages.empty());
  }
}

TEST(HttpFhirClientErrorTest, MessagesCarryNeitherIdsNorQueries) {
  FakeFhirServer s;
  s.Start();  // no routes: everything is 404
  HttpFhirClient client(OptionsFor({s.base()}));
  auto out = client.FetchAll({s.base(), kToken},
                             {"Patient/secret-id-42", "Observation?patient=secret-id-42&code=x"},
                             In(5000));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_THAT(out[0].status, StatusIs(StatusCode::kNotFound, HasSubstr("Patient")));
  EXPECT_THAT(out[1].status, StatusIs(StatusCode::kNotFound, HasSubstr("Observation")));
  for (const FhirResponse& r : out) {
    EXPECT_THAT(r.status.message(), Not(HasSubstr("secret-id-42")));
    EXPECT_THAT(r.status.message(), Not(HasSubstr(kToken)));
  }
}

TEST(HttpFhirClientErrorTest, OperationOutcomeBodyIsUnavailable) {
  FakeFhirServer s;
  s.server().Get("/fhir/Observation", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"too-costly",
            "diagnostics":"Patient Jane Doe has too many results"}]})",
        kJson);
  });
  s.Start();
  HttpFhirClient client(OptionsFor({s.base()}));
  auto out = client.FetchAll({s.base(), kToken}, {"Observation?patient=1"}, In(5000));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_THAT(out[0].status,
              StatusIs(StatusCode::kUnavailable, HasSubstr("OperationOutcome (error/too-costly)")));
  EXPECT_THAT(out[0].status.message(), Not(HasSubstr("Jane")));
  EXPECT_TRUE(out[0].pages.empty());
}

TEST(HttpFhirClientErrorTest, UnusableBodies) {
  FakeFhirServer s;
  s.server().Get("/fhir/Patient/bad", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"resourceType\":\"Patient\",", kJson);
  });
  s.server().Get("/fhir/Patient/html", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html>login</html>", "text/html");
  });
  s.server().Get("/fhir/Patient/empty", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("", kJson);
  });
  s.server().Get("/fhir/Patient/deep", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(100, '[') + std::string(100, ']'), kJson);
  });
  s.Start();
  HttpFhirClient client(OptionsFor({s.base()}));
  auto out =
      client.FetchAll({s.base(), kToken},
                      {"Patient/bad", "Patient/html", "Patient/empty", "Patient/deep"}, In(5000));
  ASSERT_EQ(out.size(), 4u);
  for (const FhirResponse& r : out) {
    EXPECT_THAT(r.status, StatusIs(StatusCode::kUnavailable, HasSubstr("not usable JSON")));
    EXPECT_TRUE(r.pages.empty());
  }
}

TEST(HttpFhirClientErrorTest, BodyOverTheByteCap) {
  FakeFhirServer s;
  std::string big =
      R"({"resourceType":"Patient","id":"big","text":")" + std::string(64 * 1024, 'x') + R"("})";
  std::string small = PatientJson("small");
  s.server().Get("/fhir/Patient/big", [&big](const httplib::Request&, httplib::Response& res) {
    res.set_content(big, kJson);
  });
  s.server().Get("/fhir/Patient/chunked", [&big](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider(kJson, [&big](size_t offset, httplib::DataSink& sink) {
      if (offset >= big.size()) {
        sink.done();
        return true;
      }
      size_t n = std::min<size_t>(4096, big.size() - offset);
      return sink.write(big.data() + offset, n);
    });
  });
  s.server().Get("/fhir/Patient/small", [&small](const httplib::Request&, httplib::Response& res) {
    res.set_content(small, kJson);
  });
  s.Start();
  HttpFhirClientOptions o = OptionsFor({s.base()});
  o.max_response_bytes = 16 * 1024;
  HttpFhirClient client(o);
  auto out = client.FetchAll({s.base(), kToken},
                             {"Patient/big", "Patient/chunked", "Patient/small"}, In(5000));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_THAT(out[0].status, StatusIs(StatusCode::kUnavailable, HasSubstr("larger than 16384")));
  EXPECT_THAT(out[1].status, StatusIs(StatusCode::kUnavailable, HasSubstr("larger than 16384")));
  EXPECT_THAT(out[2].status, IsOk());
}

TEST(HttpFhirClientDeadlineTest, SlowServerHitsTheDeadline) {
  FakeFhirServer s;
  s.server().Get("/fhir/Patient/slow", [&s](const httplib::Request&, httplib::Response& res) {
    s.Sleep(2000);
    res.set_content(PatientJson("slow"), kJson);
  });
  s.server().Get("/fhir/Patient/fast", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(PatientJson("fast"), kJson);
  });
  s.Start();
  HttpFhirClient client(OptionsFor({s.base()}));
  auto start = SteadyClock::now();
  auto out = client.FetchAll({s.base(), kToken}, {"Patient/slow", "Patient/fast"}, In(300));
  int64_t elapsed = MsSince(start);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_THAT(out[0].status, StatusIs(StatusCode::kDeadlineExceeded, HasSubstr("deadline")));
  EXPECT_TRUE(out[0].pages.empty());
  EXPECT_THAT(out[1].status, IsOk());  // the fast one is not held hostage
  EXPECT_GE(elapsed, 250);
  EXPECT_LT(elapsed, 1500) << "FetchAll must return close to its deadline";
}

TEST(HttpFhirClientDeadlineTest, SlowPagingHitsTheDeadline) {
  FakeFhirServer s;
  s.server().Get("/fhir/Observation", [&s](const httplib::Request& req, httplib::Response& res) {
    int page = req.has_param("page") ? std::stoi(req.get_param_value("page")) : 1;
    s.Sleep(150);
    res.set_content(Page(page, s.base() + "/Observation?page=" + std::to_string(page + 1)), kJson);
  });
  s.Start();
  HttpFhirClient client(OptionsFor({s.base()}));
  auto start = SteadyClock::now();
  auto out = client.FetchAll({s.base(), kToken}, {"Observation"}, In(400));
  EXPECT_LT(MsSince(start), 1500);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_THAT(out[0].status, StatusIs(StatusCode::kDeadlineExceeded, ::testing::_));
  EXPECT_TRUE(out[0].pages.empty());  // a partial search is not handed out as complete
  EXPECT_LE(s.request_count(), 3u);
}

TEST(HttpFhirClientDeadlineTest, PassedDeadlineMakesNoCalls) {
  FakeFhirServer s;
  s.server().Get(R"(/.*)", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(PatientJson("x"), kJson);
  });
  s.Start();
  HttpFhirClient client(OptionsFor({s.base()}));
  auto out = client.FetchAll({s.base(), kToken}, {"Patient/1", "Patient/2"},
                             SteadyClock::now() - milliseconds(1));
  ASSERT_EQ(out.size(), 2u);
  for (const FhirResponse& r : out) {
    EXPECT_THAT(r.status, StatusIs(StatusCode::kDeadlineExceeded, ::testing::_));
  }
  EXPECT_EQ(s.request_count(), 0u);
}

TEST(HttpFhirClientConcurrencyTest, UrlsAreFetchedConcurrently) {
  FakeFhirServer s;
  s.server().Get(R"(/fhir/Patient/([0-9]+))",
                 [&s](const httplib::Request& req, httplib::Response& res) {
                   s.Sleep(300);
                   res.set_content(PatientJson(req.matches[1]), kJson);
                 });
  s.Start();
  HttpFhirClient client(OptionsFor({s.base()}));
  auto start = SteadyClock::now();
  auto out = client.FetchAll({s.base(), kToken},
                             {"Patient/1", "Patient/2", "Patient/3", "Patient/4"}, In(5000));
  int64_t elapsed = MsSince(start);
  ASSERT_EQ(out.size(), 4u);
  for (size_t i = 0; i < out.size(); ++i) {
    ASSERT_THAT(out[i].status, IsOk());
    // Results come back in the order of the URLs.
    EXPECT_EQ(ResourceView(*out[i].pages[0]).id(), std::to_string(i + 1));
  }
  EXPECT_GE(elapsed, 290);
  EXPECT_LT(elapsed, 900) << "4 x 300 ms sequentially would take 1200 ms";
}

TEST(HttpFhirClientConcurrencyTest, ManyCallersShareOneClient) {
  FakeFhirServer s;
  s.server().Get(R"(/fhir/Patient/([0-9]+))",
                 [&s](const httplib::Request& req, httplib::Response& res) {
                   s.Sleep(20);
                   res.set_content(PatientJson(req.matches[1]), kJson);
                 });
  s.Start();
  HttpFhirClientOptions o = OptionsFor({s.base()});
  o.worker_threads = 4;
  HttpFhirClient client(o);
  std::atomic<int> ok{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 6; ++t) {
    callers.emplace_back([&, t] {
      std::vector<std::string> urls;
      for (int i = 0; i < 3; ++i) urls.push_back("Patient/" + std::to_string(t * 10 + i));
      auto out = client.FetchAll({s.base(), kToken}, urls, In(10000));
      for (size_t i = 0; i < out.size(); ++i) {
        if (out[i].status.ok() &&
            ResourceView(*out[i].pages[0]).id() == std::to_string(t * 10 + static_cast<int>(i))) {
          ++ok;
        }
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(ok.load(), 18);
  EXPECT_EQ(s.request_count(), 18u);
}

TEST(HttpFhirClientErrorTest, ConnectionRefusedIsUnavailable) {
  int port = ClosedPort();
  ASSERT_GT(port, 0);
  std::string base = "http://127.0.0.1:" + std::to_string(port) + "/fhir";
  HttpFhirClient client(OptionsFor({base}));
  auto start = SteadyClock::now();
  auto out = client.FetchAll({base, kToken}, {"Patient/1"}, In(3000));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_THAT(out[0].status, StatusIs(StatusCode::kUnavailable, HasSubstr("request failed")));
  EXPECT_LT(MsSince(start), 2000);
}

TEST(HttpFhirClientErrorTest, ServerStoppedMidwayIsUnavailable) {
  FakeFhirServer s;
  s.Start();
  std::string base = s.base();
  s.Stop();
  HttpFhirClient client(OptionsFor({base}));
  auto out = client.FetchAll({base, kToken}, {"Patient/1"}, In(3000));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_THAT(out[0].status, StatusIs(StatusCode::kUnavailable, ::testing::_));
}

}  // namespace
}  // namespace cds::fhir
