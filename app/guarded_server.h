// GuardedServer: httplib::Server with its own per-connection loop, so that every request
// -- over plain TCP or TLS -- passes the same guards before cpp-httplib parses it:
//  - a connection cap (ConnectionPool): beyond limits.max_connections a new connection is
//    answered 503 at once (plain TCP) or closed (TLS, no handshake on the acceptor thread);
//  - the TLS handshake, when enabled, under the request deadline (tls.h);
//  - a deadline per request (limits.request_timeout_ms, 408) on top of the read timeout;
//  - the header block read in full, at most limits.max_header_bytes, and checked
//    (request_head.h: 431, 414, 413, 400, 501) before cpp-httplib sees it; refusals are
//    answered here with an OperationOutcome and the connection closed after a short drain,
//    so the client reads the answer rather than a reset;
//  - a byte budget per request (head plus Content-Length, or a bounded chunked body);
//  - a body the handlers did not read ends the connection instead of being parsed as the
//    next request.
// cpp-httplib 0.11.4 on its own reads and discards an oversized body before answering 413,
// reads a POST without Content-Length until the client closes, and accepts any number of
// header fields; these guards exist because of that.
//
// Thread-safety: configure (UseConnectionPool, EnableTls, handlers) before listening;
// afterwards connections run concurrently on the pool's threads.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include <httplib.h>

#include "base/status.h"

#include "config/server_config.h"

#include "app/tls.h"

namespace cds::app {

class ConnectionPool;

class GuardedServer final : public httplib::Server {
 public:
  // `limits` must outlive the server.
  explicit GuardedServer(const config::LimitsConfig& limits) : limits_(limits) {}

  // Serves connections on `threads` workers, at most `max_connections` in service or waiting.
  void UseConnectionPool(size_t threads, size_t max_connections);
  // From now on every connection is TLS with this certificate chain and key.
  Status EnableTls(const std::string& cert_file, const std::string& key_file);
  bool tls_enabled() const { return tls_ != nullptr; }
  // Debian's cpp-httplib listens with a backlog of 5, so a burst of connects has SYNs
  // dropped and retried a second later. Linux lets listen() be called again to raise it.
  void RaiseBacklog();
  size_t refused_connections() const;

 private:
  // A private virtual of httplib::Server; overriding it is intended.
  bool process_and_close_socket(socket_t sock) override;

  const config::LimitsConfig& limits_;
  std::atomic<ConnectionPool*> pool_{nullptr};  // owned by httplib once created
  std::unique_ptr<TlsContext> tls_;
};

// A complete HTTP/1.1 response with an OperationOutcome body and "Connection: close", for
// answers given beneath cpp-httplib.
std::string CannedResponse(int status, std::string_view diagnostics);

}  // namespace cds::app
