#include "tests/security/secure_server_fixture.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sqlite3.h>

#include "base/json.h"

#include "fhir/datetime.h"

#include "app/runtime.h"
#include "tests/support/hook_harness.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cds::security_test {
namespace {

using Clock = std::chrono::steady_clock;

EpochMillis ParseNow(const char* text) {
  auto t = fhir::ParseFhirDateTime(text);
  return t.ok() ? t->begin : 0;
}

bool AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

int ListenOn(int family, int port) {
  int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  int rc;
  if (family == AF_INET) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  } else {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(static_cast<uint16_t>(port));
    a.sin6_addr = in6addr_loopback;
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  }
  if (rc != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int LocalPort(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

std::string RunCommand(const std::string& command, int* exit_code) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *exit_code = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  *exit_code = pclose(pipe);
  return out;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "cds-sec-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  if (made == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return;
  }
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

TestCertificate MakeSelfSignedCertificate(const std::string& dir) {
  TestCertificate out{dir + "/cert.pem", dir + "/key.pem"};
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  bool ok = key != nullptr && cert != nullptr;
  if (ok) {
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), static_cast<long>(::getpid()) + 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    ok = AddExtension(cert, NID_basic_constraints, "critical,CA:TRUE") &&
         AddExtension(cert, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") &&
         AddExtension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign") &&
         AddExtension(cert, NID_ext_key_usage, "serverAuth") &&
         X509_sign(cert, key, EVP_sha256()) > 0;
  }
  if (ok) {
    FILE* c = fopen(out.cert_file.c_str(), "w");
    FILE* k = fopen(out.key_file.c_str(), "w");
    ok = c != nullptr && k != nullptr && PEM_write_X509(c, cert) == 1 &&
         PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    if (c != nullptr) fclose(c);
    if (k != nullptr) fclose(k);
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!ok) ADD_FAILURE() << "could not create a self-signed test certificate";
  return out;
}

config::ServerConfig TestSettings() {
  config::ServerConfig c;
  c.listen_host = "127.0.0.1";
  c.listen_port = 0;
  c.http_threads = 8;
  c.log_level = "info";
  c.limits.read_timeout_ms = 1000;
  c.limits.write_timeout_ms = 2000;
  c.limits.request_timeout_ms = 3000;
  c.limits.keep_alive_timeout_s = 1;
  c.limits.max_connections = 64;
  c.fhir.deadline_ms = 1500;
  c.fhir.connect_timeout_ms = 500;
  c.fhir.worker_threads = 2;
  return c;
}

std::unique_ptr<SecureServer> SecureServer::Start(ServerSetup setup) {
  std::unique_ptr<SecureServer> s(new SecureServer());
  s->settings_ = std::move(setup.settings);
  if (s->settings_.data_dir == config::ServerConfig().data_dir) {
    s->data_dir_ = std::make_unique<TempDir>();
    s->settings_.data_dir = s->data_dir_->path();
  }
  Status valid = config::ValidateServerConfig(s->settings_);
  if (!valid.ok()) {
    ADD_FAILURE() << "test settings invalid: " << valid.message();
    return nullptr;
  }
  std::string dir =
      setup.config_dir.empty() ? std::string(CDS_SOURCE_DIR "/config") : setup.config_dir;
  s->service_clock_.Set(ParseNow(kServiceNow));
  s->auth_clock_.Set(setup.auth_now);
  auto service = app::CreateService(s->settings_, dir, s->service_clock_, /*record_cards=*/true);
  if (!service.ok()) {
    ADD_FAILURE() << "service did not start: " << service.status().message();
    return nullptr;
  }
  s->service_ = std::move(service).value();
  if (!s->settings_.auth.issuers.empty()) {
    auto auth = app::JwtAuthenticator::Create(s->settings_, s->auth_clock_, s->service_->store());
    if (!auth.ok()) {
      ADD_FAILURE() << "authenticator did not start: " << auth.status().message();
      return nullptr;
    }
    s->auth_ = std::move(auth).value();
  }
  s->http_ = std::make_unique<app::HttpServer>(*s->service_, s->settings_, s->auth_.get());
  auto port = s->http_->Bind();
  if (!port.ok()) {
    ADD_FAILURE() << "bind failed: " << port.status().message();
    return nullptr;
  }
  s->port_ = *port;
  app::HttpServer* http = s->http_.get();
  s->thread_ = std::thread([http] { http->Listen(); });
  // Bound and listening already; wait until the accept loop runs so Stop() is orderly.
  for (int i = 0; i < 200 && !http->IsRunning(); ++i) std::this_thread::sleep_for(Ms(5));
  return s;
}

SecureServer::~SecureServer() {
  if (http_) http_->Stop();
  if (thread_.joinable()) thread_.join();
  http_.reset();
}

std::vector<std::string> SecureServer::PrefetchKeys() const {
  const hooks::CdsService* svc = service_->registry()->Find(kService);
  return svc == nullptr ? std::vector<std::string>{} : svc->PrefetchKeys();
}

std::string SecureServer::RequestBody(const std::map<std::string, std::string>& prefetch,
                                      std::string_view fhir_server, std::string_view token,
                                      std::string_view hook_instance) const {
  testing::RequestBuilder b("patient-view", "p1");
  if (!hook_instance.empty()) b.HookInstance(std::string(hook_instance));
  b.Prefetch("medicationRequests", {testing::RxMedicationRequest("m1", "1657864", "active")});
  for (const auto& [key, json] : prefetch) b.PrefetchRaw(key, json);
  if (!fhir_server.empty()) b.FhirServer(std::string(fhir_server), std::string(token));
  return b.Build(PrefetchKeys());
}

std::unique_ptr<httplib::Client> LoopbackClient(int port) {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
  c->set_connection_timeout(Ms(2000));
  c->set_read_timeout(Ms(10000));
  c->set_write_timeout(Ms(5000));
  return c;
}

int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

RawResponse ReadResponse(int fd, Ms timeout, Ms close_wait) {
  RawResponse r;
  auto t0 = Clock::now();
  auto until = t0 + timeout;
  std::string buf;
  size_t need = std::string::npos;  // total bytes of head + body once known
  char chunk[16384];
  for (;;) {
    if (need != std::string::npos && buf.size() >= need) break;
    auto left = std::chrono::duration_cast<Ms>(until - Clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      r.closed = true;
      break;
    }
    buf.append(chunk, static_cast<size_t>(n));
    size_t end = buf.find("\r\n\r\n");
    if (end != std::string::npos && need == std::string::npos) {
      std::string head = buf.substr(0, end);
      size_t length = 0;
      for (const char* key : {"Content-Length: ", "content-length: "}) {
        size_t at = head.find(key);
        if (at != std::string::npos) length = std::strtoul(head.c_str() + at + 16, nullptr, 10);
      }
      need = end + 4 + length;
    }
  }
  r.elapsed = std::chrono::duration_cast<Ms>(Clock::now() - t0);
  size_t end = buf.find("\r\n\r\n");
  if (end != std::string::npos) {
    r.head = buf.substr(0, end);
    r.body = buf.substr(end + 4);
    if (r.head.rfind("HTTP/1.", 0) == 0 && r.head.size() > 12)
      r.status = std::atoi(r.head.c_str() + 9);
  }
  if (!r.closed && close_wait.count() > 0) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(close_wait.count())) > 0) {
      r.closed = ::recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT) <= 0;
    }
  }
  return r;
}

RawResponse Exchange(int port, std::string_view request, Ms timeout) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return {};
  SendAll(fd, request);
  RawResponse r = ReadResponse(fd, timeout);
  ::close(fd);
  return r;
}

ConnectionCounter::ConnectionCounter() {
  fd4_ = ListenOn(AF_INET, 0);
  if (fd4_ < 0) {
    ADD_FAILURE() << "ConnectionCounter: cannot listen";
    return;
  }
  port_ = LocalPort(fd4_);
  fd6_ = ListenOn(AF_INET6, port_);
  if (::pipe(wake_) != 0) ADD_FAILURE() << "pipe failed";
  thread_ = std::thread([this] { Loop(); });
}

ConnectionCounter::~ConnectionCounter() {
  if (wake_[1] >= 0) (void)::write(wake_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  for (int fd : {fd4_, fd6_, wake_[0], wake_[1]}) {
    if (fd >= 0) ::close(fd);
  }
}

void ConnectionCounter::Loop() {
  for (;;) {
    pollfd p[3] = {{wake_[0], POLLIN, 0}, {fd4_, POLLIN, 0}, {fd6_, POLLIN, 0}};
    if (::poll(p, fd6_ >= 0 ? 3 : 2, -1) < 0) continue;
    if (p[0].revents != 0) return;
    for (int i = 1; i < 3; ++i) {
      if (p[i].fd < 0 || (p[i].revents & POLLIN) == 0) continue;
      int c = ::accept(p[i].fd, nullptr, nullptr);
      if (c >= 0) {
        ++count_;
        ::close(c);
      }
    }
  }
}

JoseTokens MintWithJose(int64_t now_s, const std::string& iss, const std::string& base,
                        const std::string& service, const std::string& jku,
                        const std::string& evil_jku, int extra) {
  JoseTokens m;
  const std::filesystem::path dir = std::filesystem::path(CDS_SOURCE_DIR) / "tests/security/jose";
  int rc = 0;
  RunCommand("command -v node >/dev/null 2>&1", &rc);
  if (rc != 0) {
    m.skip_reason = "node not on PATH; the jose end-to-end tests need Node.js";
  } else if (!std::filesystem::exists(dir / "node_modules/jose/package.json")) {
    m.skip_reason = "jose not installed; run `npm ci --prefix tests/security/jose`";
  }
  if (!m.skip_reason.empty()) {
    if (const char* req = std::getenv("CDS_REQUIRE_JOSE");
        req != nullptr && std::string(req) != "0") {
      m.error = m.skip_reason + " (CDS_REQUIRE_JOSE is set)";
    }
    return m;
  }
  std::string args = "{\"now\":" + std::to_string(now_s) + ",\"iss\":\"" + iss + "\",\"base\":\"" +
                     base + "\",\"service\":\"" + service + "\",\"jku\":\"" + jku +
                     "\",\"evil_jku\":\"" + evil_jku + "\",\"extra\":" + std::to_string(extra) +
                     "}";
  std::string out = RunCommand(
      "cd " + ShellQuote(dir.string()) + " && node mint.mjs " + ShellQuote(args) + " 2>&1", &rc);
  auto doc = json::ParseJson(out, json::JsonLimits{});
  if (rc != 0 || !doc.ok()) {
    m.error = "mint.mjs failed (exit " + std::to_string(rc) + "): " + out.substr(0, 2000);
    return m;
  }
  if (const json::Value* jwks = json::GetObject(**doc, "jwks")) m.jwks = json::Serialize(*jwks);
  if (const json::Value* t = json::GetObject(**doc, "tokens")) {
    for (auto it = t->MemberBegin(); it != t->MemberEnd(); ++it) {
      if (it->value.IsString()) m.tokens[it->name.GetString()] = json::AsStringView(it->value);
    }
  }
  return m;
}

JoseIssuer::JoseIssuer(int extra_tokens) {
  cert_ = MakeSelfSignedCertificate(dir_.path());
  jwks_server_ =
      std::make_unique<httplib::SSLServer>(cert_.cert_file.c_str(), cert_.key_file.c_str());
  int port = jwks_server_->is_valid() ? jwks_server_->bind_to_any_port("127.0.0.1") : -1;
  if (port <= 0) {
    minted_.error = "cannot start the loopback JWKS endpoint";
    return;
  }
  jwks_server_->Get("/jwks.json", [this](const httplib::Request&, httplib::Response& res) {
    ++jwks_hits_;
    std::lock_guard<std::mutex> lock(mu_);
    res.set_content(jwks_, "application/json");
  });
  jwks_thread_ = std::thread([this] { jwks_server_->listen_after_bind(); });
  jku_ = "https://127.0.0.1:" + std::to_string(port) + "/jwks.json";
  std::string evil_jku = "https://127.0.0.1:" + std::to_string(evil_.port()) + "/jwks.json";
  minted_ = MintWithJose(kJoseNow, kJoseIss, kPublicBase, kService, jku_, evil_jku, extra_tokens);
  std::lock_guard<std::mutex> lock(mu_);
  jwks_ = minted_.jwks;
}

JoseIssuer::~JoseIssuer() {
  if (jwks_server_) jwks_server_->stop();
  if (jwks_thread_.joinable()) jwks_thread_.join();
}

void JoseIssuer::Configure(ServerSetup& setup) const {
  setup.settings.public_base_url = kPublicBase;
  config::IssuerConfig issuer;
  issuer.iss = kJoseIss;
  issuer.jku_allow_list = {jku_};
  setup.settings.auth.issuers = {issuer};
  setup.settings.fhir.ca_file = cert_.cert_file;  // HttpJwksFetcher verifies the endpoint with it
  setup.auth_now = kJoseNow * 1000;
}

const std::string& JoseIssuer::Token(const std::string& name) const {
  static const std::string kNone;
  auto it = minted_.tokens.find(name);
  if (it == minted_.tokens.end()) {
    ADD_FAILURE() << "mint.mjs made no token " << name;
    return kNone;
  }
  return it->second;
}

LogCapture::LogCapture(LogLevel level, bool echo) : old_level_(GetLogLevel()) {
  SetLogLevel(level);
  SetLogSink([this, echo](std::string_view line) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    }
    if (echo) {
      std::fwrite(line.data(), 1, line.size(), stderr);
      std::fflush(stderr);
    }
  });
}

LogCapture::~LogCapture() {
  SetLogSink(nullptr);
  SetLogLevel(old_level_);
}

std::vector<std::string> LogCapture::lines() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

std::vector<std::string> LogCapture::Grep(std::string_view needle) const {
  std::vector<std::string> out;
  for (const std::string& l : lines()) {
    if (l.find(needle) != std::string::npos) out.push_back(l);
  }
  return out;
}

int64_t CountRows(const std::string& path, const std::string& table) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return -1;
  }
  sqlite3_busy_timeout(db, 2000);
  int64_t n = -1;
  sqlite3_stmt* st = nullptr;
  std::string sql = "SELECT count(*) FROM " + table;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    n = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

std::string FeedbackBody(int n, int first_id) {
  std::string items;
  for (int i = 0; i < n; ++i) {
    char uuid[64];
    std::snprintf(uuid, sizeof(uuid), "9b1f2c3d-0000-4000-8000-%012d", first_id + i);
    items += std::string(i ? "," : "") + R"({"card":")" + uuid +
             R"(","outcome":"overridden","outcomeTimestamp":"2026-11-25T12:00:00Z"})";
  }
  return R"({"feedback":[)" + items + "]}";
}

}  // namespace cds::security_test
