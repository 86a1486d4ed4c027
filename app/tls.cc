#include "app/tls.h"

#include <cerrno>

#include <openssl/err.h>

#include <fcntl.h>
#include <poll.h>

namespace cds::app {
namespace {

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

}  // namespace

StatusOr<std::unique_ptr<TlsContext>> TlsContext::Create(const std::string& cert_file,
                                                         const std::string& key_file) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return InternalError("tls: cannot create an OpenSSL context");
  std::unique_ptr<TlsContext> c(new TlsContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                               SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    return InvalidArgumentError("tls.cert_file '" + cert_file + "': " + OpenSslError());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return InvalidArgumentError("tls.key_file '" + key_file + "': " + OpenSslError());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return InvalidArgumentError("tls.key_file '" + key_file + "' does not match tls.cert_file");
  }
  return c;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

std::unique_ptr<TlsSession> TlsContext::Accept(int sock,
                                               std::chrono::steady_clock::time_point deadline,
                                               std::string* why) const {
  int flags = ::fcntl(sock, F_GETFL, 0);
  if (flags < 0 || ::fcntl(sock, F_SETFL, flags | O_NONBLOCK) < 0) {
    *why = "cannot make the socket non-blocking";
    return nullptr;
  }
  ERR_clear_error();
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr) {
    *why = "SSL_new failed";
    return nullptr;
  }
  auto session = std::make_unique<TlsSession>(ssl);
  if (SSL_set_fd(ssl, sock) != 1) {
    *why = "SSL_set_fd failed";
    return nullptr;
  }
  for (;;) {
    ERR_clear_error();
    int r = SSL_accept(ssl);
    if (r == 1) return session;
    int e = SSL_get_error(ssl, r);
    short events = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (events == 0) {
      *why = e == SSL_ERROR_SSL ? "handshake failed: " + OpenSslError() : "handshake aborted";
      return nullptr;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      *why = "handshake not completed within the request timeout";
      return nullptr;
    }
    pollfd p{sock, events, 0};
    int n;
    do {
      n = ::poll(&p, 1, static_cast<int>(left.count()));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
      *why = "handshake not completed within the request timeout";
      return nullptr;
    }
  }
}

}  // namespace cds::app
