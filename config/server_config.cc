#include "config/server_config.h"

#include <charconv>
#include <limits>

#include "base/status_macros.h"
#include "base/url.h"

namespace cds::config {

Status ParseListen(std::string_view text, std::string* host, int* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgumentError("listen address must be HOST:PORT, got '" + std::string(text) +
                                "'");
  }
  int p = -1;
  std::string_view port_text = text.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || p < 0 || p > 65535) {
    return InvalidArgumentError("listen port must be 0-65535, got '" + std::string(port_text) +
                                "'");
  }
  std::string_view h = text.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  } else if (h.find_first_of(":[]") != std::string_view::npos) {
    // "::1:8080" is ambiguous, and "::1" alone would read as host ":" port 1.
    return InvalidArgumentError(
        "an IPv6 listen address must be in brackets, e.g. [::1]:8080; got '" + std::string(text) +
        "'");
  }
  *host = std::string(h);
  *port = p;
  return OkStatus();
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  // 127.0.0.0/8 as a dotted quad; "127.example.com" is a DNS name that may resolve anywhere.
  if (host.rfind("127.", 0) != 0 || host.back() == '.' ||
      host.find("..") != std::string_view::npos) {
    return false;
  }
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

std::string ServerConfig::BaseUrl() const {
  if (!public_base_url.empty()) {
    std::string b = public_base_url;
    while (!b.empty() && b.back() == '/') b.pop_back();
    return b;
  }
  std::string host =
      listen_host.find(':') != std::string::npos ? "[" + listen_host + "]" : listen_host;
  return std::string(tls.enabled() ? "https" : "http") + "://" + host + ":" +
         std::to_string(listen_port);
}

namespace {

Schema<LimitsConfig> LimitsSchema() {
  Schema<LimitsConfig> s;
  s.Field("max_body_bytes", &LimitsConfig::max_body_bytes, "larger request bodies get 413")
      .Optional()
      .Positive();
  s.Field("max_json_depth", &LimitsConfig::json, &json::JsonLimits::max_depth,
          "deeper JSON nesting gets 400")
      .Optional()
      .Positive();
  s.Field("max_string_bytes", &LimitsConfig::json, &json::JsonLimits::max_string_length,
          "longer JSON strings get 413")
      .Optional()
      .Positive();
  s.Field("max_json_values", &LimitsConfig::json, &json::JsonLimits::max_values,
          "JSON values per body")
      .Optional()
      .Positive();
  s.Field("max_resources", &LimitsConfig::max_resources,
          "FHIR resources per request (context, prefetch and fetched)")
      .Optional()
      .Positive();
  // The three timeouts are checked together by ValidateServerConfig.
  s.Field("read_timeout_ms", &LimitsConfig::read_timeout_ms, "per socket read").Optional();
  s.Field("write_timeout_ms", &LimitsConfig::write_timeout_ms, "per socket write").Optional();
  s.Field("request_timeout_ms", &LimitsConfig::request_timeout_ms,
          "a whole request must arrive within this (slow clients are cut off)")
      .Optional();
  s.Field("keep_alive_timeout_s", &LimitsConfig::keep_alive_timeout_s, "idle keep-alive")
      .Optional()
      .AtLeast(0);
  // A connection serves at most this many requests: 0 would answer none.
  s.Field("keep_alive_max_requests", &LimitsConfig::keep_alive_max_requests,
          "requests per connection")
      .Optional()
      .Positive();
  s.Field("max_connections", &LimitsConfig::max_connections,
          "connections in service or waiting; more get 503")
      .Optional()
      .Positive();
  // 1 KiB..1 MiB: below, an ordinary request with a JWT does not fit; above, no limit is left.
  s.Field("max_header_bytes", &LimitsConfig::max_header_bytes,
          "request line and header fields; more get 431")
      .Optional()
      .Range(1024, 1 << 20);
  s.Field("max_header_lines", &LimitsConfig::max_header_lines, "header fields; more get 431")
      .Optional()
      .Range(8, 1000);
  return s;
}

Schema<FhirConfig> FhirSchema() {
  Schema<FhirConfig> s;
  s.Field("allowed_servers", &FhirConfig::allowed_servers,
          "FHIR base URLs the service may call (none: it never calls one)")
      .Optional()
      .Check([](const std::string& url) { return ParseUrl(url).has_value(); },
             "is not an http(s) base URL");
  s.Field("deadline_ms", &FhirConfig::deadline_ms, "one deadline for all fetches of a hook call")
      .Optional()
      .Positive();
  s.Field("connect_timeout_ms", &FhirConfig::connect_timeout_ms, "per connection")
      .Optional()
      .Positive();
  s.Field("max_pages", &FhirConfig::max_pages, "next links followed per search")
      .Optional()
      .Positive();
  // A negative cap would wrap to "no limit".
  s.Field("max_response_bytes", &FhirConfig::max_response_bytes, "per response")
      .Optional()
      .Positive();
  s.Field("verify_tls", &FhirConfig::verify_tls, "verify FHIR and JWKS server certificates")
      .Optional();
  s.Field("ca_file", &FhirConfig::ca_file, "CA bundle (\"\": the system store)")
      .Optional()
      .AllowEmpty();
  s.Field("worker_threads", &FhirConfig::worker_threads, "concurrent FHIR requests")
      .Optional()
      .Positive();
  s.Field("fetch_without_token", &FhirConfig::fetch_without_token,
          "call fhirServer even without fhirAuthorization")
      .Optional();
  return s;
}

Schema<AuthConfig> AuthSchema() {
  Schema<IssuerConfig> issuer;
  issuer.Field("iss", &IssuerConfig::iss, "the issuer, as in the JWT's iss");
  issuer.Field("jku_allow_list", &IssuerConfig::jku_allow_list, "JWK Set URLs it may name")
      .Optional();
  issuer.Field("jwks_file", &IssuerConfig::jwks_file, "its JWK Set, configured out of band")
      .Optional()
      .AllowEmpty();
  issuer.Field("tenants", &IssuerConfig::tenants, "tenants it may name").Optional();
  issuer.Check(
      [](const Node& n, IssuerConfig& i) {
        if (i.jku_allow_list.empty() && i.jwks_file.empty()) {
          return n.Error(
              "an issuer needs jku_allow_list or jwks_file, or its tokens cannot be checked");
        }
        return OkStatus();
      },
      "needs jku_allow_list or jwks_file");
  Schema<AuthConfig> s;
  s.Object("issuers", &AuthConfig::issuers, issuer, "trusted callers (none: no authentication)")
      .Optional();
  s.Field("algorithms", &AuthConfig::algorithms, "accepted JWS algorithms").Optional();
  s.Field("leeway_s", &AuthConfig::leeway_s, "clock skew allowed").Optional();
  s.Field("max_token_lifetime_s", &AuthConfig::max_token_lifetime_s, "longest exp - iat")
      .Optional();
  s.Field("jwks_min_refresh_s", &AuthConfig::jwks_min_refresh_s, "JWKS refetch rate limit")
      .Optional();
  s.Field("insecure_no_auth", &AuthConfig::insecure_no_auth,
          "allow a non-loopback listener without issuers")
      .Optional();
  return s;
}

Schema<TlsConfig> TlsSchema() {
  Schema<TlsConfig> s;
  s.Field("cert_file", &TlsConfig::cert_file, "PEM certificate chain").Optional().AllowEmpty();
  s.Field("key_file", &TlsConfig::key_file, "PEM private key").Optional().AllowEmpty();
  return s;
}

Status ReadListen(const Node& n, const BindContext&, ServerConfig& c) {
  if (!n.value().IsString()) return n.Error("must be a string");
  if (n.value().GetStringLength() == 0) return n.Error("must not be empty");
  Status s = ParseListen(json::AsStringView(n.value()), &c.listen_host, &c.listen_port);
  if (!s.ok()) return n.Error(s.message());
  return OkStatus();
}

}  // namespace

const Schema<ServerConfig>& ServerConfigSchema() {
  static const Schema<ServerConfig> schema = [] {
    Schema<ServerConfig> s;
    s.Custom("listen", &ReadListen, "HOST:PORT", "address to serve on (port 0: any free port)",
             "127.0.0.1:8080");
    s.Field("public_base_url", &ServerConfig::public_base_url,
            "the base URL EHRs call; JWT aud is checked against it (\"\": from listen)")
        .Optional()
        .AllowEmpty()
        .Check([](const std::string& url) { return url.empty() || ParseUrl(url).has_value(); },
               "is not an http(s) URL");
    s.Field("data_dir", &ServerConfig::data_dir, "where the SQLite feedback database lives")
        .Optional()
        .AllowEmpty();
    s.Field("log_level", &ServerConfig::log_level, "least level logged")
        .Optional()
        .OneOf({"debug", "info", "warn", "error"});
    s.Field("http_threads", &ServerConfig::http_threads, "worker threads")
        .Optional()
        .Range(1, 1024);
    s.Enum("on_data_unavailable", &ServerConfig::on_data_unavailable,
           {{"fail", DataUnavailablePolicy::kFail}, {"card", DataUnavailablePolicy::kCard}},
           "answer when rule data cannot be read: 412, or 200 with an info card",
           "must be \"fail\" (412) or \"card\"")
        .Optional();
    s.Field("cors_allowed_origins", &ServerConfig::cors_allowed_origins,
            "origins allowed to call from a browser; \"*\" for any")
        .Optional();
    s.Field("issued_card_retention_days", &ServerConfig::issued_card_retention_days,
            "how long issued cards are kept for feedback correlation")
        .Optional()
        .Positive();
    s.Object("limits", &ServerConfig::limits, LimitsSchema(), "request limits").Optional();
    s.Object("fhir", &ServerConfig::fhir, FhirSchema(), "the FHIR client").Optional();
    s.Object("auth", &ServerConfig::auth, AuthSchema(), "caller authentication").Optional();
    s.Object("tls", &ServerConfig::tls, TlsSchema(), "serve HTTPS directly").Optional();
    s.Object("storage", &ServerConfig::storage, StorageConfigSchema(), "where state is kept")
        .Optional();
    return s;
  }();
  return schema;
}

StatusOr<ServerConfig> ParseServerConfig(const Node& root) {
  return ServerConfigSchema().Read(root);
}

Status ValidateServerConfig(const ServerConfig& c) {
  Status fields = ServerConfigSchema().Validate(c);
  if (!fields.ok()) return fields;
  if (c.limits.read_timeout_ms < 1 || c.limits.write_timeout_ms < 1 ||
      c.limits.request_timeout_ms < 1) {
    return InvalidArgumentError("limits: timeouts must be > 0");
  }
  if (c.tls.cert_file.empty() != c.tls.key_file.empty()) {
    return InvalidArgumentError("tls: cert_file and key_file must be given together");
  }
  for (const std::string& a : c.auth.algorithms) {
    if (a != "ES384" && a != "RS384") {
      return InvalidArgumentError("auth.algorithms: '" + a +
                                  "' is not supported (ES384 and RS384 are; none and HMAC never)");
    }
  }
  if (c.auth.issuers.empty() && !IsLoopbackHost(c.listen_host) && !c.auth.insecure_no_auth) {
    return InvalidArgumentError(
        "refusing to listen on " + c.listen_host +
        " without a trusted issuer (auth.issuers); configure one, or pass --insecure-no-auth");
  }
  return OkStatus();
}

}  // namespace cds::config
