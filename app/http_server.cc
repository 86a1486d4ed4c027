#include "app/http_server.h"

#include <chrono>

#include "base/log.h"

#include "app/connection.h"
#include "app/guarded_server.h"
#include "app/http_status.h"

namespace cds::app {
namespace {

constexpr char kJson[] = "application/json";
constexpr char kFhirJson[] = "application/fhir+json";

void SendError(httplib::Response& res, const Status& s) {
  res.status = HttpStatusFor(s);
  res.set_content(OperationOutcomeFor(s), kFhirJson);
}

void SendReply(httplib::Response& res, const Reply& r) {
  res.status = r.status;
  if (r.retry_after_s > 0) res.set_header("Retry-After", std::to_string(r.retry_after_s));
  res.set_content(r.body, r.status < 400 ? kJson : kFhirJson);
}

bool IsJsonContentType(const std::string& value) {
  std::string v = value.substr(0, value.find(';'));
  while (!v.empty() && v.back() == ' ') v.pop_back();
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == kJson || v == kFhirJson;
}

void MethodNotAllowed(httplib::Response& res, const char* allow) {
  res.set_header("Allow", allow);
  res.status = 405;
  res.set_content(OperationOutcomeJson(405, std::string("use ") + allow), kFhirJson);
}

bool IsLoopbackPeer(const std::string& addr) {
  return addr == "127.0.0.1" || addr == "::1" || addr.rfind("127.", 0) == 0 ||
         addr == "::ffff:127.0.0.1";
}

// A request answered before its body was read: the connection closes after the answer
// (GuardedServer will not parse an unread body as the next request), so say so.
void RefuseBeforeBody(httplib::Response& res, const Status& s) {
  res.set_header("Connection", "close");
  SendError(res, s);
}

}  // namespace

HttpServer::HttpServer(CdsHooksService& service, const config::ServerConfig& config,
                       CallerAuthenticator* auth)
    : service_(service),
      config_(config),
      auth_(auth),
      server_(std::make_unique<GuardedServer>(config.limits)) {
  server_->UseConnectionPool(static_cast<size_t>(config_.http_threads),
                             static_cast<size_t>(config_.limits.max_connections));
  server_->set_payload_max_length(config_.limits.max_body_bytes);
  server_->set_read_timeout(std::chrono::milliseconds(config_.limits.read_timeout_ms));
  server_->set_write_timeout(std::chrono::milliseconds(config_.limits.write_timeout_ms));
  server_->set_keep_alive_timeout(config_.limits.keep_alive_timeout_s);
  server_->set_keep_alive_max_count(static_cast<size_t>(config_.limits.keep_alive_max_requests));
  server_->set_tcp_nodelay(true);
  InstallRoutes();
}

HttpServer::~HttpServer() { Stop(); }

StatusOr<int> HttpServer::Bind() {
  if (config_.tls.enabled() && !server_->tls_enabled()) {
    Status tls = server_->EnableTls(config_.tls.cert_file, config_.tls.key_file);
    if (!tls.ok()) return tls;
  }
  int port = config_.listen_port;
  if (port == 0) {
    port = server_->bind_to_any_port(config_.listen_host);
    if (port < 0) return UnavailableError("cannot bind " + config_.listen_host);
  } else if (!server_->bind_to_port(config_.listen_host, port)) {
    return UnavailableError("cannot bind " + config_.listen_host + ":" + std::to_string(port));
  }
  server_->RaiseBacklog();
  return port;
}

bool HttpServer::Listen() { return server_->listen_after_bind(); }
void HttpServer::Stop() {
  if (server_) server_->stop();
}
bool HttpServer::IsRunning() const { return server_->is_running(); }
size_t HttpServer::refused_connections() const { return server_->refused_connections(); }

void HttpServer::InstallRoutes() {
  httplib::Server& s = *server_;
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    using HR = httplib::Server::HandlerResponse;
    if (req.method == "OPTIONS" || req.path == "/healthz") return HR::Unhandled;
    // The caller first: an unauthenticated caller learns nothing, not even a 415.
    if (auth_ != nullptr && req.path.rfind("/cds-services", 0) == 0) {
      Status verdict =
          auth_->Authenticate(req.get_header_value("Authorization"), config_.BaseUrl() + req.path);
      if (!verdict.ok()) {
        CDS_LOG(kWarn, "caller_rejected")
            .Field("path", req.path.substr(0, 160))
            .Field("reason", verdict.message())
            .Field("peer", req.remote_addr);
        if (verdict.code() == StatusCode::kUnavailable) {
          // The token could not be checked for replay: refused, but the caller may retry.
          res.set_header("Retry-After", std::to_string(kRetryAfterSeconds));
          RefuseBeforeBody(res, UnavailableError("caller authentication is unavailable; retry"));
          return HR::Handled;
        }
        res.set_header("WWW-Authenticate", "Bearer");
        RefuseBeforeBody(res, UnauthenticatedError(""));
        return HR::Handled;
      }
    }
    if (req.method == "POST" && !IsJsonContentType(req.get_header_value("Content-Type"))) {
      RefuseBeforeBody(res, UnsupportedMediaTypeError("Content-Type must be application/json"));
      return HR::Handled;
    }
    return HR::Unhandled;
  });
  s.Get("/cds-services", [this](const httplib::Request&, httplib::Response& res) {
    SendReply(res, service_.Discovery());
  });
  // A chunked body is bounded by the stream's byte budget, not by Content-Length, so its
  // decoded size is checked here.
  const size_t max_body = config_.limits.max_body_bytes;
  s.Post(R"(/cds-services/([A-Za-z0-9._-]{1,128})/feedback)",
         [this, max_body](const httplib::Request& req, httplib::Response& res) {
           if (req.body.size() > max_body)
             return SendError(
                 res, ResourceExhaustedError("request body is larger than the configured limit"));
           SendReply(res, service_.Feedback(req.matches[1].str(), req.body));
         });
  s.Post(R"(/cds-services/([A-Za-z0-9._-]{1,128}))",
         [this, max_body](const httplib::Request& req, httplib::Response& res) {
           if (req.body.size() > max_body)
             return SendError(
                 res, ResourceExhaustedError("request body is larger than the configured limit"));
           SendReply(res, service_.Call(req.matches[1].str(), req.body));
         });
  s.Options(R"(/cds-services(/.*)?)", [](const httplib::Request&, httplib::Response& res) {
    res.status = 204;
    res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
    res.set_header("Access-Control-Max-Age", "600");
  });
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", kJson);
  });
  s.Post("/admin/reload", [this](const httplib::Request& req, httplib::Response& res) {
    if (!IsLoopbackPeer(req.remote_addr)) {
      SendError(res, PermissionDeniedError("knowledge reload is only accepted from loopback"));
      return;
    }
    Status reloaded = service_.ReloadKnowledge();
    if (!reloaded.ok()) {
      res.status = 422;
      res.set_content(
          OperationOutcomeJson(
              400, "new knowledge rejected, old knowledge still served: " + reloaded.message()),
          kFhirJson);
      return;
    }
    res.set_content(
        R"({"reloaded":true,"version":")" + service_.registry()->knowledge().version + "\"}",
        kJson);
  });
  // Wrong methods on known paths: 405 with Allow.
  s.Post("/cds-services", [](const httplib::Request&, httplib::Response& res) {
    MethodNotAllowed(res, "GET, OPTIONS");
  });
  s.Get(R"(/cds-services/.+)", [](const httplib::Request&, httplib::Response& res) {
    MethodNotAllowed(res, "POST, OPTIONS");
  });
  httplib::Server::Handler wrong_method = [](const httplib::Request& req, httplib::Response& res) {
    MethodNotAllowed(res, req.path == "/cds-services" ? "GET, OPTIONS" : "POST, OPTIONS");
  };
  s.Put(R"(/cds-services(/.*)?)", wrong_method);
  s.Patch(R"(/cds-services(/.*)?)", wrong_method);
  s.Delete(R"(/cds-services(/.*)?)", wrong_method);
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    // cpp-httplib answers 400 for any failed read; say what actually happened.
    StreamFault fault = CurrentStreamFault();
    if (fault != StreamFault::kNone && (res.status == 400 || res.status == 413)) {
      res.status = fault == StreamFault::kTimeout ? 408 : 413;
      res.body.clear();
      res.set_header("Connection", "close");
    }
    if (!res.body.empty()) return;
    std::string_view why = res.status == 404 ? "no such path"
                           : res.status == 408
                               ? "request not received within limits.request_timeout_ms"
                           : res.status == 413 ? "request body is larger than the configured limit"
                           : res.status == 414 ? "request line is too long"
                           : res.status == 400 ? "malformed HTTP request"
                                               : "";
    res.set_content(OperationOutcomeJson(res.status, why), kFhirJson);
  });
  s.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
        CDS_LOG(kError, "unhandled_exception").Field("path", req.path);
        res.status = 500;
        res.set_content(OperationOutcomeJson(500, ""), kFhirJson);
      });
  s.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-store");
    std::string origin = req.get_header_value("Origin");
    if (origin.empty()) return;
    for (const std::string& allowed : config_.cors_allowed_origins) {
      if (allowed == "*" || allowed == origin) {
        res.set_header("Access-Control-Allow-Origin", allowed == "*" ? "*" : origin);
        res.set_header("Vary", "Origin");
        break;
      }
    }
  });
  s.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    CDS_LOG(kInfo, "http")
        .Field("method", req.method)
        .Field("path", req.path.substr(0, 160))
        .Field("status", res.status)
        .Field("peer", req.remote_addr);
  });
}

}  // namespace cds::app
