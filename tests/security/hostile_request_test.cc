// Hostile requests against the running server (issue 4 §3). Each case gets its answer
// within a time bound; after each, a normal request still gets its right answer; feedback
// stored before a test is all still in the SQLite file after it.
//
// The server runs open (loopback, no issuer) so that every hostile body reaches the
// parsers; auth_e2e_test.cc shows that with an issuer none of it gets past a 401.
// Each case's status and time are printed as "HOSTILE | case | status | ms" lines.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/security/secure_server_fixture.h"
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cds::security_test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::string_literals;

constexpr char kPath[] = "/cds-services/rituximab-safety-patient-view";

std::string Post(std::string_view path, std::string_view body,
                 std::string_view content_type = "application/json") {
  std::string r = "POST " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!content_type.empty()) r += "Content-Type: " + std::string(content_type) + "\r\n";
  return r + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

void Report(const std::string& what, int status, Ms elapsed) {
  std::printf("HOSTILE | %-55s | %3d | %5lld ms\n", what.c_str(), status,
              static_cast<long long>(elapsed.count()));
  std::fflush(stdout);
}

class HostileRequestTest : public ::testing::Test {
 protected:
  void StartServer(config::ServerConfig settings = TestSettings()) {
    ServerSetup setup;
    setup.settings = std::move(settings);
    server_ = SecureServer::Start(std::move(setup));
    ASSERT_NE(server_, nullptr);
    auto c = LoopbackClient(server_->port());
    auto res = c->Post("/cds-services/rituximab-safety-patient-view/feedback", FeedbackBody(3, 1),
                       "application/json");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    ASSERT_EQ(res->status, 200) << res->body;
    ASSERT_EQ(CountRows(server_->db_path(), "feedback"), 3);
  }

  void SetUp() override { StartServer(); }

  void TearDown() override {
    if (server_ == nullptr) return;
    ExpectNormalRequestServed("after the test");
    EXPECT_EQ(CountRows(server_->db_path(), "feedback"), 3) << "stored feedback was lost";
  }

  void ExpectNormalRequestServed(const std::string& after) {
    auto c = LoopbackClient(server_->port());
    auto res = c->Post(kPath, server_->NormalRequestBody(), "application/json");
    ASSERT_TRUE(res) << after << ": " << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200) << after << ": " << res->body;
    EXPECT_NE(res->body.find(kNormalRule), std::string::npos) << after << ": " << res->body;
  }

  // Sends `request`, expects one of `statuses` within `within`, then a normal request.
  void Expect(const std::string& what, const std::string& request, std::vector<int> statuses,
              Ms within = Ms(2000)) {
    RawResponse r = Exchange(server_->port(), request, Ms(8000));
    Report(what, r.status, r.elapsed);
    EXPECT_TRUE(std::find(statuses.begin(), statuses.end(), r.status) != statuses.end())
        << what << ": got " << r.status << "\n"
        << r.head << "\n"
        << r.body.substr(0, 500);
    EXPECT_LE(r.elapsed, within) << what;
    if (r.status >= 400) {
      EXPECT_NE(r.body.find("OperationOutcome"), std::string::npos)
          << what << ": " << r.body.substr(0, 300);
    }
    ExpectNormalRequestServed(what);
  }

  std::unique_ptr<SecureServer> server_;
};

TEST_F(HostileRequestTest, MalformedBodies) {
  const std::string ok_start =
      R"({"hook":"patient-view","hookInstance":"h1","context":{"userId":"Practitioner/1","patientId":")";
  Expect("truncated JSON", Post(kPath, R"({"hook":"patient-view","hookInstance":"h1",)"), {400});
  Expect("empty body", Post(kPath, ""), {400});
  for (const char* top : {"[]", "\"patient-view\"", "42", "null", "true"}) {
    Expect(std::string("top-level ") + top, Post(kPath, top), {400});
  }
  Expect("feedback top-level array", Post(std::string(kPath) + "/feedback", "[]"), {400});
  Expect("hook is a number", Post(kPath, R"({"hook":5,"hookInstance":"h1","context":{}})"), {400});
  Expect("context is an array",
         Post(kPath, R"({"hook":"patient-view","hookInstance":"h1","context":[]})"), {400});
  Expect("duplicate keys",
         Post(kPath,
              R"({"hook":"patient-view","hook":"order-sign","hookInstance":"h1","context":{}})"),
         {400});
  Expect("100,000 nested arrays", Post(kPath, std::string(100000, '[') + std::string(100000, ']')),
         {400});
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(100000, '}');
  Expect("100,000 nested objects", Post(kPath, objects), {400});
  Expect("raw NUL inside a string", Post(kPath, ok_start + std::string("p\0", 2) + "1\"}}"), {400});
  Expect("raw NUL between tokens", Post(kPath, std::string("{\0}", 3)), {400});
  Expect("\\u0000 in hookInstance",
         Post(kPath,
              R"({"hook":"patient-view","hookInstance":"a\u0000b","context":{"patientId":"p1"}})"),
         {400});
  Expect("\\u0000 in patientId", Post(kPath, ok_start + R"(p\u00001"}})"), {400});
  Expect("overlong UTF-8 (C0 AF)", Post(kPath, ok_start + "\xC0\xAF\"}}"), {400});
  Expect("overlong UTF-8 (E0 80 AF)", Post(kPath, ok_start + "\xE0\x80\xAF\"}}"), {400});
  Expect("UTF-16 surrogate in UTF-8 (ED A0 80)", Post(kPath, ok_start + "\xED\xA0\x80\"}}"), {400});
  Expect("invalid byte FF", Post(kPath, ok_start + "\xFF\"}}"), {400});
  Expect("lone surrogate escape", Post(kPath, ok_start + R"(\ud800"}})"), {400});
}

TEST_F(HostileRequestTest, SizeLimits) {
  // Body over limits.max_body_bytes (8 MiB): refused from Content-Length, 413.
  std::string ten_mb =
      R"({"hook":"patient-view","hookInstance":")" + std::string(10 << 20, 'a') + "\"}";
  Expect("10 MB string (body over max_body_bytes)", Post(kPath, ten_mb), {413});
  // Under the body limit, over max_string_bytes (1 MiB).
  std::string two_mb =
      R"({"hook":"patient-view","hookInstance":")" + std::string(2 << 20, 'a') + "\"}";
  Expect("2 MB string (over max_string_bytes)", Post(kPath, two_mb), {413});
  // 200,000 tiny resources in one prefetch Bundle: max_resources (50,000).
  std::string bundle = R"({"resourceType":"Bundle","type":"searchset","entry":[)";
  for (int i = 0; i < 200000; ++i)
    bundle += i ? R"(,{"resource":{"resourceType":"Basic"}})"
                : R"({"resource":{"resourceType":"Basic"}})";
  bundle += "]}";
  std::string request = server_->RequestBody({{"medicationRequests", bundle}});
  ASSERT_LT(request.size(), size_t{8} << 20);
  RawResponse r = Exchange(server_->port(), Post(kPath, request), Ms(8000));
  Report("prefetch Bundle of 200,000 entries", r.status, r.elapsed);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 400);
  EXPECT_NE(r.body.find("50000"), std::string::npos) << "the message names the limit: " << r.body;
  ExpectNormalRequestServed("200,000 entries");
}

TEST_F(HostileRequestTest, ContentTypes) {
  std::string body = server_->NormalRequestBody();
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/jsonx", "application/xml"}) {
    Expect(std::string("Content-Type ") + type, Post(kPath, body, type), {415});
  }
  Expect("no Content-Type", Post(kPath, body, ""), {415});
  Expect("application/json; charset=utf-8 is fine",
         Post(kPath, body, "application/json; charset=utf-8"), {200});
}

TEST_F(HostileRequestTest, MethodsAndPaths) {
  Expect("unknown method FOO", "FOO /cds-services HTTP/1.1\r\nHost: a\r\n\r\n", {501});
  Expect("TRACE", "TRACE /cds-services HTTP/1.1\r\nHost: a\r\n\r\n", {501});
  Expect("CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: a\r\n\r\n", {501});
  Expect("GET unknown path", "GET /nope HTTP/1.1\r\nHost: a\r\n\r\n", {404});
  Expect("GET a service", std::string("GET ") + kPath + " HTTP/1.1\r\nHost: a\r\n\r\n", {405});
  Expect("DELETE a service", std::string("DELETE ") + kPath + " HTTP/1.1\r\nHost: a\r\n\r\n",
         {405});
  Expect("PUT discovery", "PUT /cds-services HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
         {405});
  Expect("POST unknown service",
         Post("/cds-services/no-such-service", server_->NormalRequestBody()), {404});
  Expect("service id with dot segments", Post("/cds-services/../admin/reload", "{}"), {400, 404});
  Expect("encoded traversal",
         "GET /cds-services/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n", {404, 405});
  Expect("absolute-form target", "GET http://evil.example/ HTTP/1.1\r\nHost: a\r\n\r\n",
         {400, 404});
  Expect("HTTP/0.9 style", "GET /\r\n\r\n", {400});
  Expect("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", {400});
  Expect("garbage bytes", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"s, {400});
  Expect("POST without Content-Length (empty body, no hang)",
         std::string("POST ") + kPath +
             " HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n\r\n",
         {400}, Ms(1000));
  Expect("Content-Length with Transfer-Encoding (smuggling)",
         std::string("POST ") + kPath +
             " HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
             "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         {400});
  Expect("unsupported Transfer-Encoding",
         std::string("POST ") + kPath + " HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
         {501});
}

// A body the handlers never read (here: 415 before routing) must not be parsed as the next
// request on the same connection.
TEST_F(HostileRequestTest, UnreadBodyIsNotASecondRequest) {
  std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
  int fd = ConnectLoopback(server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, Post(kPath, smuggled, "text/plain")));
  RawResponse first = ReadResponse(fd, Ms(3000), Ms(2000));
  EXPECT_EQ(first.status, 415);
  EXPECT_NE(first.head.find("Connection: close"), std::string::npos) << first.head;
  EXPECT_TRUE(first.closed) << "the server must close instead of reading the body as a request";
  ::close(fd);
}

TEST_F(HostileRequestTest, HugeBodyRefusedFromContentLength) {
  // Only the head is sent: the answer must not wait for the 100 MB.
  std::string head =
      std::string("POST ") + kPath +
      " HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n";
  Expect("100 MB body, head only", head, {413}, Ms(500));

  // A client that streams the 100 MB regardless: it gets 413 at once and cannot push the
  // body into the server (the server stops reading after a bounded drain).
  int fd = ConnectLoopback(server_->port());
  ASSERT_GE(fd, 0);
  std::atomic<size_t> sent{0};
  std::thread writer([&] {
    std::string chunk(1 << 16, 'x');
    if (!SendAll(fd, head)) return;
    for (size_t total = 0; total < (size_t{100} << 20); total += chunk.size()) {
      ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  });
  RawResponse r = ReadResponse(fd, Ms(3000));
  Report("100 MB body, streamed", r.status, r.elapsed);
  writer.join();
  ::close(fd);
  EXPECT_EQ(r.status, 413);
  EXPECT_LT(r.elapsed, Ms(1000));
  std::printf(
      "HOSTILE | 100 MB body, streamed: client got %zu bytes into the socket before the close\n",
      sent.load());
  EXPECT_LT(sent.load(), size_t{40} << 20) << "the server kept reading the refused body";
  ExpectNormalRequestServed("100 MB streamed");
}

TEST_F(HostileRequestTest, HugeChunkedBodyIsCut) {
  int fd = ConnectLoopback(server_->port());
  ASSERT_GE(fd, 0);
  std::string head = std::string("POST ") + kPath +
                     " HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: "
                     "chunked\r\n\r\n";
  std::atomic<size_t> sent{0};
  std::thread writer([&] {
    char size_line[16];
    std::snprintf(size_line, sizeof(size_line), "%x\r\n", 1 << 16);
    std::string chunk = std::string(size_line) + std::string(1 << 16, ' ') + "\r\n";
    if (!SendAll(fd, head)) return;
    for (size_t total = 0; total < (size_t{100} << 20); total += chunk.size()) {
      ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  });
  RawResponse r = ReadResponse(fd, Ms(8000));
  Report("100 MB chunked body", r.status, r.elapsed);
  writer.join();
  ::close(fd);
  EXPECT_EQ(r.status, 413) << r.body;
  std::printf("HOSTILE | 100 MB chunked body: client got %zu bytes in before the close\n",
              sent.load());
  // Budget: 1.25 x max_body_bytes + 64 KiB, plus the drain (max_body_bytes) and socket buffers.
  EXPECT_LT(sent.load(), size_t{32} << 20);
  ExpectNormalRequestServed("100 MB chunked");
}

TEST_F(HostileRequestTest, ChunkedBodyWithinLimitsIsServed) {
  std::string body = server_->NormalRequestBody();
  char size_line[16];
  std::snprintf(size_line, sizeof(size_line), "%zx\r\n", body.size());
  std::string req = std::string("POST ") + kPath +
                    " HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: "
                    "chunked\r\n\r\n" +
                    size_line + body + "\r\n0\r\n\r\n";
  RawResponse r = Exchange(server_->port(), req);
  Report("chunked normal request", r.status, r.elapsed);
  EXPECT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_NE(r.head.find("Connection: close"), std::string::npos) << r.head;
}

TEST_F(HostileRequestTest, HeaderFlood) {
  std::string many = "GET /healthz HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < 1000; ++i) many += "X-Flood-" + std::to_string(i) + ": v\r\n";
  Expect("1,000 header fields", many + "\r\n", {431}, Ms(500));
  Expect("one 1 MB header field",
         "GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n",
         {431}, Ms(1000));
  Expect("one 9 KB header field",
         "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n", {431});
  Expect("9 KB request line", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", {414});
  Expect("101 header fields",
         [] {
           std::string h = "GET /healthz HTTP/1.1\r\n";
           for (int i = 0; i < 101; ++i) h += "X-" + std::to_string(i) + ": v\r\n";
           return h + "\r\n";
         }(),
         {431});
  Expect("header with NUL", "GET /healthz HTTP/1.1\r\nX: a\0b\r\n\r\n"s, {400});
  Expect("bare LF line endings", "GET /healthz HTTP/1.1\nHost: a\n\n", {400});

  // An endless header block streamed at full speed: answered after the first 32 KiB,
  // the server does not keep reading.
  int fd = ConnectLoopback(server_->port());
  ASSERT_GE(fd, 0);
  std::atomic<size_t> sent{0};
  std::thread writer([&] {
    if (!SendAll(fd, "GET /healthz HTTP/1.1\r\n")) return;
    std::string line = "X-Endless: " + std::string(100, 'z') + "\r\n";
    std::string block;
    for (int i = 0; i < 600; ++i) block += line;
    while (sent < (size_t{200} << 20)) {
      ssize_t n = ::send(fd, block.data(), block.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  });
  RawResponse r = ReadResponse(fd, Ms(3000));
  writer.join();
  ::close(fd);
  Report("endless header block", r.status, r.elapsed);
  EXPECT_EQ(r.status, 431);
  EXPECT_LT(sent.load(), size_t{40} << 20);
  ExpectNormalRequestServed("endless header block");
}

TEST(HostileConnectionTest, SlowlorisIsCutOffWhileOthersAreServed) {
  config::ServerConfig s = TestSettings();
  s.limits.request_timeout_ms = 1500;
  s.limits.read_timeout_ms = 1200;  // each byte arrives within it; only the deadline cuts
  ServerSetup setup;
  setup.settings = s;
  auto server = SecureServer::Start(std::move(setup));
  ASSERT_NE(server, nullptr);

  struct Slow {
    std::string what;
    std::string prefix;   // sent at once
    std::string trickle;  // then one byte per 500 ms
  };
  const std::vector<Slow> slows = {
      {"slowloris head", "",
       "POST /cds-services/rituximab-safety-patient-view HTTP/1.1\r\nHost: a\r\n"},
      {"slow body",
       std::string("POST ") + kPath +
           " HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n",
       std::string(500, ' ')},
  };
  std::vector<std::thread> threads;
  std::vector<RawResponse> results(slows.size());
  std::atomic<bool> stop{false};
  for (size_t i = 0; i < slows.size(); ++i) {
    threads.emplace_back([&, i] {
      int fd = ConnectLoopback(server->port());
      auto t0 = Clock::now();
      SendAll(fd, slows[i].prefix);
      for (char c : slows[i].trickle) {
        if (stop || !SendAll(fd, std::string(1, c))) break;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 500) > 0) break;  // the server answered or closed
      }
      results[i] = ReadResponse(fd, Ms(3000));
      results[i].elapsed = std::chrono::duration_cast<Ms>(Clock::now() - t0);
      ::close(fd);
    });
  }
  // Meanwhile, normal clients are served.
  int served = 0;
  auto t0 = Clock::now();
  while (Clock::now() - t0 < Ms(1400)) {
    auto c = LoopbackClient(server->port());
    auto res = c->Post(kPath, server->NormalRequestBody(), "application/json");
    if (res && res->status == 200) ++served;
    std::this_thread::sleep_for(Ms(100));
  }
  for (auto& t : threads) t.join();
  stop = true;
  EXPECT_GE(served, 5) << "normal clients were not served during the slow ones";
  for (size_t i = 0; i < slows.size(); ++i) {
    Report(slows[i].what, results[i].status, results[i].elapsed);
    EXPECT_EQ(results[i].status, 408) << slows[i].what << ": " << results[i].head;
    EXPECT_GE(results[i].elapsed, Ms(1300)) << slows[i].what;
    EXPECT_LE(results[i].elapsed, Ms(3000)) << slows[i].what;
  }
  // A connection that never sends a byte is closed silently at the deadline.
  int idle = ConnectLoopback(server->port());
  RawResponse quiet = ReadResponse(idle, Ms(3000));
  ::close(idle);
  Report("silent connection", quiet.status, quiet.elapsed);
  EXPECT_TRUE(quiet.closed);
  EXPECT_LE(quiet.elapsed, Ms(2500));
}

TEST(HostileConnectionTest, TooManyConnectionsGet503AndServiceContinues) {
  config::ServerConfig s = TestSettings();
  s.http_threads = 2;
  s.limits.max_connections = 4;
  ServerSetup setup;
  setup.settings = s;
  auto server = SecureServer::Start(std::move(setup));
  ASSERT_NE(server, nullptr);
  std::vector<int> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(ConnectLoopback(server->port()));
  std::this_thread::sleep_for(Ms(200));  // accepted and queued
  RawResponse busy = Exchange(server->port(), "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n", Ms(2000));
  Report("connection over max_connections", busy.status, busy.elapsed);
  EXPECT_EQ(busy.status, 503);
  EXPECT_NE(busy.head.find("Retry-After"), std::string::npos);
  EXPECT_LT(busy.elapsed, Ms(500));
  EXPECT_GE(server->http().refused_connections(), 1u);
  for (int fd : idle) ::close(fd);
  // The idle connections end; service resumes.
  bool ok = false;
  for (int attempt = 0; attempt < 30 && !ok; ++attempt) {
    auto c = LoopbackClient(server->port());
    auto res = c->Post(kPath, server->NormalRequestBody(), "application/json");
    ok = res && res->status == 200;
    if (!ok) std::this_thread::sleep_for(Ms(100));
  }
  EXPECT_TRUE(ok) << "the server did not recover after refusing connections";
}

}  // namespace
}  // namespace cds::security_test
