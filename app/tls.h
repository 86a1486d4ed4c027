// TLS for the service's own listener (tls.cert_file / tls.key_file), for deployments with
// no terminating proxy in front.
//
// httplib::SSLServer is not used: it runs its own connection loop, which would bypass
// GuardedServer's connection cap, request deadline and header limits. Instead
// GuardedServer accepts the TCP connection as usual, runs the handshake here under the
// request deadline, and serves the session through DeadlineSocketStream (connection.h).
//
// Settings: TLS 1.2 or later, OpenSSL's default cipher list, no renegotiation, a client
// that closes without close_notify is an ordinary close. Client certificates are not
// requested (SEC-4's mutual TLS is left to a proxy).
//
// Thread-safety: a TlsContext is immutable after Create and may be shared by all
// connection threads; a TlsSession belongs to one connection.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "base/status.h"

namespace cds::app {

class TlsSession {
 public:
  explicit TlsSession(SSL* ssl) : ssl_(ssl) {}
  ~TlsSession() { SSL_free(ssl_); }
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;
  SSL* ssl() const { return ssl_; }

 private:
  SSL* ssl_;
};

class TlsContext {
 public:
  // Errors (kInvalidArgument) name the file that could not be used.
  static StatusOr<std::unique_ptr<TlsContext>> Create(const std::string& cert_file,
                                                      const std::string& key_file);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // Makes `sock` non-blocking and completes the server handshake before `deadline`.
  // nullptr on failure, with a short reason (no key material) in *why.
  std::unique_ptr<TlsSession> Accept(int sock, std::chrono::steady_clock::time_point deadline,
                                     std::string* why) const;

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

}  // namespace cds::app
