#include "tests/support/test_server.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/log.h"

#include "fhir/datetime.h"

#include "app/runtime.h"
#include <stdlib.h>

namespace cds::testing {

std::unique_ptr<TestServer> TestServer::Start(TestServerOptions options) {
  std::unique_ptr<TestServer> s(new TestServer);
  char dir[] = "/tmp/cds-integ-XXXXXX";
  if (::mkdtemp(dir) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return nullptr;
  }
  s->data_dir_ = dir;
  s->config_ = std::move(options.config);
  s->config_.listen_host = "127.0.0.1";
  s->config_.listen_port = 0;
  s->config_.data_dir = s->data_dir_;
  if (options.now.empty()) {
    s->clock_ = std::make_unique<SystemClock>();
  } else {
    auto t = fhir::ParseFhirDateTime(options.now);
    if (!t.ok()) {
      ADD_FAILURE() << "bad TestServerOptions::now " << options.now;
      return nullptr;
    }
    s->clock_ = std::make_unique<FixedClock>(t->begin);
  }
  std::string config_dir =
      options.config_dir.empty() ? std::string(CDS_SOURCE_DIR "/config") : options.config_dir;
  if (std::getenv("CDS_TEST_VERBOSE") == nullptr) SetLogLevel(LogLevel::kError);
  auto service = app::CreateService(s->config_, config_dir, *s->clock_, /*record_cards=*/true);
  if (!service.ok()) {
    ADD_FAILURE() << "service did not start: " << service.status().message();
    return nullptr;
  }
  s->service_ = std::move(service).value();
  s->server_ = std::make_unique<app::HttpServer>(*s->service_, s->config_, options.auth);
  auto port = s->server_->Bind();
  if (!port.ok()) {
    ADD_FAILURE() << "bind failed: " << port.status().message();
    return nullptr;
  }
  s->port_ = *port;
  app::HttpServer* server = s->server_.get();
  s->thread_ = std::thread([server] { (void)server->Listen(); });
  // httplib's stop() is a no-op until listen() has started, so wait for it.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server->IsRunning()) {
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "HttpServer did not start listening within 10 s";
      return nullptr;  // the destructor cannot stop it; the thread is detached below
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return s;
}

void TestServer::Stop() {
  if (!server_) return;
  if (thread_.joinable()) {
    server_->Stop();
    thread_.join();
  }
}

TestServer::~TestServer() {
  if (server_ && thread_.joinable() && !server_->IsRunning()) {
    thread_.detach();  // Start() gave up waiting; stopping is impossible
    (void)server_.release();
    (void)service_.release();
    return;
  }
  Stop();
  server_.reset();
  service_.reset();
  if (!data_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }
}

httplib::Client TestServer::Client() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_connection_timeout(std::chrono::seconds(5));
  c.set_read_timeout(std::chrono::seconds(30));
  c.set_write_timeout(std::chrono::seconds(10));
  return c;
}

std::string DiagnosticsOf(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("issue") || !d["issue"].IsArray() ||
      d["issue"].Empty()) {
    return "";
  }
  const auto& issue = d["issue"][0];
  if (!issue.IsObject() || !issue.HasMember("diagnostics") || !issue["diagnostics"].IsString())
    return "";
  return issue["diagnostics"].GetString();
}

::testing::AssertionResult IsOperationOutcome(const httplib::Result& res, int status,
                                              std::string_view issue_code,
                                              std::initializer_list<std::string_view> diagnostics) {
  if (!res)
    return ::testing::AssertionFailure() << "no HTTP answer: " << httplib::to_string(res.error());
  auto fail = [&]() {
    return std::move(::testing::AssertionFailure()
                     << "HTTP " << res->status << " body " << res->body << ": ");
  };
  if (res->status != status) return fail() << "expected status " << status;
  std::string ct = res->get_header_value("Content-Type");
  if (ct.rfind("application/fhir+json", 0) != 0) return fail() << "Content-Type is '" << ct << "'";
  rapidjson::Document d;
  d.Parse(res->body.c_str(), res->body.size());
  if (d.HasParseError() || !d.IsObject()) return fail() << "body is not a JSON object";
  if (!d.HasMember("resourceType") || !d["resourceType"].IsString() ||
      std::string_view(d["resourceType"].GetString()) != "OperationOutcome") {
    return fail() << "resourceType is not OperationOutcome";
  }
  if (!d.HasMember("issue") || !d["issue"].IsArray() || d["issue"].Empty() ||
      !d["issue"][0].IsObject()) {
    return fail() << "no issue[0]";
  }
  const auto& issue = d["issue"][0];
  if (!issue.HasMember("severity") || !issue["severity"].IsString() ||
      std::string_view(issue["severity"].GetString()) != "error") {
    return fail() << "issue[0].severity is not \"error\"";
  }
  if (!issue.HasMember("code") || !issue["code"].IsString() ||
      std::string_view(issue["code"].GetString()) != issue_code) {
    return fail() << "issue[0].code is not \"" << issue_code << "\"";
  }
  std::string diag = DiagnosticsOf(res->body);
  for (std::string_view want : diagnostics) {
    if (diag.find(want) == std::string::npos)
      return fail() << "diagnostics do not mention '" << want << "'";
  }
  return ::testing::AssertionSuccess();
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string ReadFileOrFail(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace cds::testing
