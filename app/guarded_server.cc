#include "app/guarded_server.h"

#include <chrono>
#include <optional>

#include "base/log.h"

#include "app/connection.h"
#include "app/http_status.h"
#include "app/request_head.h"
#include <sys/socket.h>
#include <unistd.h>

namespace cds::app {
namespace {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

// Chunk-size lines and CRLFs around a chunked body's data, beyond a quarter of the limit.
constexpr size_t kChunkFramingSlack = 64 * 1024;
// How long a refused client may keep sending before we close (so it reads our answer).
constexpr Ms kLinger{1000};

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

std::string PeerOf(const DeadlineSocketStream& strm) {
  std::string ip;
  int port = 0;
  strm.get_remote_ip_and_port(ip, port);
  return ip;
}

// Serves one accepted connection: every request through the guards, then cpp-httplib.
class ConnectionServer {
 public:
  ConnectionServer(httplib::Server& server, const config::LimitsConfig& limits,
                   DeadlineSocketStream& strm,
                   std::function<bool(httplib::Stream&, bool, bool&)> process)
      : server_(server), limits_(limits), strm_(strm), process_(std::move(process)) {}

  bool Run() {
    bool ok = true;
    bool linger = false;
    for (int i = 0; i < limits_.keep_alive_max_requests && server_.is_running(); ++i) {
      if (i > 0 && !strm_.WaitReadable(Ms(limits_.keep_alive_timeout_s * 1000))) break;
      strm_.StartRequest(Clock::now() + Ms(limits_.request_timeout_ms));
      std::optional<HeadVerdict> v = AdmitRequest(&linger);
      if (!v) break;
      const size_t head_len = strm_.head().size();
      // A chunked body may spend a quarter of the body limit on framing; one chopped into
      // smaller pieces than that is refused (413) like an oversized one.
      strm_.SetBudget(v->body == HeadVerdict::Body::kChunked
                          ? head_len + limits_.max_body_bytes + limits_.max_body_bytes / 4 +
                                kChunkFramingSlack
                          : head_len + static_cast<size_t>(v->content_length));
      bool closed = false;
      bool close = i + 1 == limits_.keep_alive_max_requests || !server_.is_running();
      ok = process_(strm_, close, closed);
      // A body the handlers never read (a request refused before routing) must not be
      // parsed as the next request; a chunked body's end is not tracked here.
      bool body_left = v->body == HeadVerdict::Body::kChunked ||
                       strm_.consumed() < head_len + v->content_length ||
                       CurrentStreamFault() != StreamFault::kNone;
      if (body_left) linger = true;
      if (!ok || closed || body_left) break;
    }
    if (linger) strm_.ShutdownAndDrain(kLinger, limits_.max_body_bytes + kChunkFramingSlack);
    return ok;
  }

 private:
  // Reads and checks the next request's header block. nullopt: stop serving the
  // connection (any answer is already written; *linger says whether to drain first).
  std::optional<HeadVerdict> AdmitRequest(bool* linger) {
    using R = DeadlineSocketStream::HeadResult;
    R r = strm_.ReadHead(limits_.max_header_bytes, limits_.max_header_lines);
    if (r == R::kIdleClose || r == R::kTruncated) return std::nullopt;
    *linger = true;
    if (r == R::kTimeout) {
      Refuse(408, "request not received within limits.request_timeout_ms");
      return std::nullopt;
    }
    if (r == R::kTooLarge) {
      Refuse(431, "request header block exceeds " + std::to_string(limits_.max_header_bytes) +
                      " bytes or " + std::to_string(limits_.max_header_lines) + " fields");
      return std::nullopt;
    }
    HeadVerdict v = InspectRequestHead(
        strm_.head(),
        HeadLimits{limits_.max_header_bytes, limits_.max_header_lines, limits_.max_body_bytes});
    if (v.status != 0) {
      Refuse(v.status, v.reason);
      return std::nullopt;
    }
    *linger = false;
    if (v.add_zero_length) strm_.AppendHeaderField("Content-Length: 0");
    if (v.body == HeadVerdict::Body::kChunked && !v.has_connection_field) {
      strm_.AppendHeaderField("Connection: close");  // so the answer says we will close
    }
    return v;
  }

  void Refuse(int status, const std::string& reason) {
    CDS_LOG(kInfo, "http_refused")
        .Field("status", status)
        .Field("reason", reason)
        .Field("peer", PeerOf(strm_));
    (void)strm_.WriteAll(CannedResponse(status, reason));
  }

  httplib::Server& server_;
  const config::LimitsConfig& limits_;
  DeadlineSocketStream& strm_;
  std::function<bool(httplib::Stream&, bool, bool&)> process_;
};

}  // namespace

std::string CannedResponse(int status, std::string_view diagnostics) {
  std::string body = OperationOutcomeJson(status, diagnostics);
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + " " + std::string(ReasonPhrase(status)) +
      "\r\nContent-Type: application/fhir+json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\nCache-Control: no-store\r\n"
      "X-Content-Type-Options: nosniff\r\n";
  if (status == 503) out += "Retry-After: 1\r\n";
  return out + "\r\n" + body;
}

void GuardedServer::UseConnectionPool(size_t threads, size_t max_connections) {
  new_task_queue = [this, threads, max_connections] {
    auto* pool = new ConnectionPool(threads, max_connections);  // owned and deleted by httplib
    pool_ = pool;
    return pool;
  };
}

Status GuardedServer::EnableTls(const std::string& cert_file, const std::string& key_file) {
  auto tls = TlsContext::Create(cert_file, key_file);
  if (!tls.ok()) return tls.status();
  tls_ = std::move(tls).value();
  return OkStatus();
}

void GuardedServer::RaiseBacklog() { ::listen(svr_sock_, SOMAXCONN); }

size_t GuardedServer::refused_connections() const {
  ConnectionPool* p = pool_.load();
  return p == nullptr ? 0 : p->refused();
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  bool ok = true;
  if (ConnectionRefusedByPool()) {
    // Runs on the acceptor thread: one non-blocking write, never a TLS handshake.
    if (tls_ == nullptr) {
      static const std::string kBusy = CannedResponse(503, "too many connections; retry shortly");
      (void)::send(sock, kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
  } else {
    std::unique_ptr<TlsSession> session;
    std::string why;
    if (tls_ != nullptr) {
      session = tls_->Accept(sock, Clock::now() + Ms(limits_.request_timeout_ms), &why);
    }
    DeadlineSocketStream strm(sock, session ? session->ssl() : nullptr, Ms(limits_.read_timeout_ms),
                              Ms(limits_.write_timeout_ms));
    if (tls_ != nullptr && session == nullptr) {
      CDS_LOG(kInfo, "tls_handshake_failed").Field("reason", why).Field("peer", PeerOf(strm));
      ok = false;
    } else {
      ConnectionServer connection(*this, limits_, strm,
                                  [this](httplib::Stream& s, bool close, bool& closed) {
                                    return process_request(s, close, closed, nullptr);
                                  });
      ok = connection.Run();
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace cds::app
