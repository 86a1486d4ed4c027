#include "config/server_config.h"

#include <charconv>
#include <limits>

#include "base/status_macros.h"
#include "base/url.h"

namespace cds::config {
namespace {

// Reads optional integer member `key` into an int, refusing values an int cannot hold
// (narrowing would silently turn 4294967297 threads into 1).
Status IntSetting(const Node& n, std::string_view key, int* out) {
  CDS_ASSIGN_OR_RETURN(int64_t v, n.IntOr(key, *out));
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    return n.ErrorAt(key, "is out of range");
  }
  *out = static_cast<int>(v);
  return OkStatus();
}

Status ParseLimits(const Node& n, LimitsConfig* l) {
  CDS_RETURN_IF_ERROR(n.CheckKnownKeys(
      {"max_body_bytes", "max_json_depth", "max_string_bytes", "max_json_values", "max_resources",
       "read_timeout_ms", "write_timeout_ms", "request_timeout_ms", "keep_alive_timeout_s",
       "keep_alive_max_requests", "max_connections", "max_header_bytes", "max_header_lines"}));
  CDS_ASSIGN_OR_RETURN(int64_t body, n.IntOr("max_body_bytes", int64_t(l->max_body_bytes)));
  CDS_ASSIGN_OR_RETURN(int64_t depth, n.IntOr("max_json_depth", int64_t(l->json.max_depth)));
  CDS_ASSIGN_OR_RETURN(int64_t str,
                       n.IntOr("max_string_bytes", int64_t(l->json.max_string_length)));
  CDS_ASSIGN_OR_RETURN(int64_t vals, n.IntOr("max_json_values", int64_t(l->json.max_values)));
  CDS_ASSIGN_OR_RETURN(int64_t res, n.IntOr("max_resources", int64_t(l->max_resources)));
  CDS_RETURN_IF_ERROR(IntSetting(n, "read_timeout_ms", &l->read_timeout_ms));
  CDS_RETURN_IF_ERROR(IntSetting(n, "write_timeout_ms", &l->write_timeout_ms));
  CDS_RETURN_IF_ERROR(IntSetting(n, "request_timeout_ms", &l->request_timeout_ms));
  CDS_RETURN_IF_ERROR(IntSetting(n, "keep_alive_timeout_s", &l->keep_alive_timeout_s));
  CDS_RETURN_IF_ERROR(IntSetting(n, "keep_alive_max_requests", &l->keep_alive_max_requests));
  CDS_RETURN_IF_ERROR(IntSetting(n, "max_connections", &l->max_connections));
  CDS_ASSIGN_OR_RETURN(int64_t header_bytes,
                       n.IntOr("max_header_bytes", int64_t(l->max_header_bytes)));
  CDS_ASSIGN_OR_RETURN(int64_t header_lines,
                       n.IntOr("max_header_lines", int64_t(l->max_header_lines)));
  // 1 KiB..1 MiB: below, an ordinary request with a JWT does not fit; above, no limit is left.
  if (header_bytes < 1024 || header_bytes > (1 << 20)) {
    return n.ErrorAt("max_header_bytes", "must be 1024-1048576");
  }
  if (header_lines < 8 || header_lines > 1000) {
    return n.ErrorAt("max_header_lines", "must be 8-1000");
  }
  l->max_header_bytes = size_t(header_bytes);
  l->max_header_lines = size_t(header_lines);
  for (auto [key, v] : {std::pair{"max_body_bytes", body},
                        {"max_json_depth", depth},
                        {"max_string_bytes", str},
                        {"max_json_values", vals},
                        {"max_resources", res}}) {
    if (v <= 0) return n.ErrorAt(key, "must be > 0");
  }
  l->max_body_bytes = size_t(body);
  l->json.max_depth = size_t(depth);
  l->json.max_string_length = size_t(str);
  l->json.max_values = size_t(vals);
  l->max_resources = size_t(res);
  return OkStatus();
}

Status ParseFhir(const Node& n, FhirConfig* f) {
  CDS_RETURN_IF_ERROR(n.CheckKnownKeys({"allowed_servers", "deadline_ms", "connect_timeout_ms",
                                        "max_pages", "max_response_bytes", "verify_tls", "ca_file",
                                        "worker_threads", "fetch_without_token"}));
  CDS_ASSIGN_OR_RETURN(f->allowed_servers, n.StringListOr("allowed_servers"));
  for (size_t i = 0; i < f->allowed_servers.size(); ++i) {
    if (!ParseUrl(f->allowed_servers[i])) {
      return n.ErrorAt("allowed_servers[" + std::to_string(i) + "]", "is not an http(s) base URL");
    }
  }
  CDS_RETURN_IF_ERROR(IntSetting(n, "deadline_ms", &f->deadline_ms));
  CDS_RETURN_IF_ERROR(IntSetting(n, "connect_timeout_ms", &f->connect_timeout_ms));
  CDS_RETURN_IF_ERROR(IntSetting(n, "max_pages", &f->max_pages));
  CDS_ASSIGN_OR_RETURN(int64_t bytes,
                       n.IntOr("max_response_bytes", int64_t(f->max_response_bytes)));
  if (bytes <= 0)
    return n.ErrorAt("max_response_bytes", "must be > 0");  // else it wraps to "no limit"
  f->max_response_bytes = size_t(bytes);
  CDS_ASSIGN_OR_RETURN(f->verify_tls, n.BoolOr("verify_tls", f->verify_tls));
  CDS_ASSIGN_OR_RETURN(f->ca_file, n.StringOr("ca_file", f->ca_file));
  CDS_RETURN_IF_ERROR(IntSetting(n, "worker_threads", &f->worker_threads));
  CDS_ASSIGN_OR_RETURN(f->fetch_without_token,
                       n.BoolOr("fetch_without_token", f->fetch_without_token));
  return OkStatus();
}

Status ParseAuth(const Node& n, AuthConfig* a) {
  CDS_RETURN_IF_ERROR(n.CheckKnownKeys({"issuers", "algorithms", "leeway_s", "max_token_lifetime_s",
                                        "jwks_min_refresh_s", "insecure_no_auth"}));
  CDS_ASSIGN_OR_RETURN(auto issuers, n.OptionalArray("issuers"));
  for (const Node& i : issuers) {
    CDS_RETURN_IF_ERROR(i.CheckKnownKeys({"iss", "jku_allow_list", "jwks_file", "tenants"}));
    IssuerConfig ic;
    CDS_ASSIGN_OR_RETURN(ic.iss, i.String("iss"));
    CDS_ASSIGN_OR_RETURN(ic.jku_allow_list, i.StringListOr("jku_allow_list"));
    CDS_ASSIGN_OR_RETURN(ic.jwks_file, i.StringOr("jwks_file", ""));
    CDS_ASSIGN_OR_RETURN(ic.tenants, i.StringListOr("tenants"));
    if (ic.jku_allow_list.empty() && ic.jwks_file.empty()) {
      return i.Error(
          "an issuer needs jku_allow_list or jwks_file, or its tokens cannot be checked");
    }
    a->issuers.push_back(std::move(ic));
  }
  if (n.Has("algorithms")) {
    CDS_ASSIGN_OR_RETURN(a->algorithms, n.StringList("algorithms"));
  }
  CDS_ASSIGN_OR_RETURN(a->leeway_s, n.IntOr("leeway_s", a->leeway_s));
  CDS_ASSIGN_OR_RETURN(a->max_token_lifetime_s,
                       n.IntOr("max_token_lifetime_s", a->max_token_lifetime_s));
  CDS_ASSIGN_OR_RETURN(a->jwks_min_refresh_s, n.IntOr("jwks_min_refresh_s", a->jwks_min_refresh_s));
  CDS_ASSIGN_OR_RETURN(a->insecure_no_auth, n.BoolOr("insecure_no_auth", a->insecure_no_auth));
  return OkStatus();
}

}  // namespace

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

StatusOr<ServerConfig> ParseServerConfig(const Node& root) {
  ServerConfig c;
  CDS_RETURN_IF_ERROR(root.CheckKnownKeys({"listen", "public_base_url", "data_dir", "log_level",
                                           "http_threads", "on_data_unavailable",
                                           "cors_allowed_origins", "issued_card_retention_days",
                                           "limits", "fhir", "auth", "tls", "storage"}));
  if (root.Has("listen")) {
    CDS_ASSIGN_OR_RETURN(std::string listen, root.String("listen"));
    Status s = ParseListen(listen, &c.listen_host, &c.listen_port);
    if (!s.ok()) return root.ErrorAt("listen", s.message());
  }
  CDS_ASSIGN_OR_RETURN(c.public_base_url, root.StringOr("public_base_url", ""));
  CDS_ASSIGN_OR_RETURN(c.data_dir, root.StringOr("data_dir", c.data_dir));
  CDS_ASSIGN_OR_RETURN(c.log_level, root.StringOr("log_level", c.log_level));
  CDS_RETURN_IF_ERROR(IntSetting(root, "http_threads", &c.http_threads));
  CDS_ASSIGN_OR_RETURN(std::string policy, root.StringOr("on_data_unavailable", "fail"));
  if (policy == "fail")
    c.on_data_unavailable = DataUnavailablePolicy::kFail;
  else if (policy == "card")
    c.on_data_unavailable = DataUnavailablePolicy::kCard;
  else
    return root.ErrorAt("on_data_unavailable", "must be \"fail\" (412) or \"card\"");
  CDS_ASSIGN_OR_RETURN(c.cors_allowed_origins, root.StringListOr("cors_allowed_origins"));
  CDS_RETURN_IF_ERROR(
      IntSetting(root, "issued_card_retention_days", &c.issued_card_retention_days));
  if (auto n = root.OptionalChild("limits")) {
    CDS_RETURN_IF_ERROR(ParseLimits(*n, &c.limits));
  }
  if (auto n = root.OptionalChild("fhir")) {
    CDS_RETURN_IF_ERROR(ParseFhir(*n, &c.fhir));
  }
  if (auto n = root.OptionalChild("auth")) {
    CDS_RETURN_IF_ERROR(ParseAuth(*n, &c.auth));
  }
  if (auto n = root.OptionalChild("storage"))
    CDS_RETURN_IF_ERROR(ParseStorageConfig(*n, &c.storage));
  if (auto n = root.OptionalChild("tls")) {
    CDS_RETURN_IF_ERROR(n->CheckKnownKeys({"cert_file", "key_file"}));
    CDS_ASSIGN_OR_RETURN(c.tls.cert_file, n->StringOr("cert_file", ""));
    CDS_ASSIGN_OR_RETURN(c.tls.key_file, n->StringOr("key_file", ""));
  }
  return c;
}

Status ValidateServerConfig(const ServerConfig& c) {
  if (c.http_threads < 1 || c.http_threads > 1024)
    return InvalidArgumentError("http_threads must be 1-1024");
  if (c.fhir.deadline_ms < 1) return InvalidArgumentError("fhir.deadline_ms must be > 0");
  if (c.fhir.connect_timeout_ms < 1)
    return InvalidArgumentError("fhir.connect_timeout_ms must be > 0");
  if (c.fhir.max_pages < 1) return InvalidArgumentError("fhir.max_pages must be > 0");
  if (c.fhir.worker_threads < 1) return InvalidArgumentError("fhir.worker_threads must be > 0");
  if (c.limits.read_timeout_ms < 1 || c.limits.write_timeout_ms < 1 ||
      c.limits.request_timeout_ms < 1) {
    return InvalidArgumentError("limits: timeouts must be > 0");
  }
  if (c.limits.max_connections < 1)
    return InvalidArgumentError("limits.max_connections must be > 0");
  // A connection serves at most keep_alive_max_requests requests: 0 would answer none.
  if (c.limits.keep_alive_max_requests < 1)
    return InvalidArgumentError("limits.keep_alive_max_requests must be > 0");
  if (c.limits.keep_alive_timeout_s < 0)
    return InvalidArgumentError("limits.keep_alive_timeout_s must be >= 0");
  if (c.issued_card_retention_days < 1)
    return InvalidArgumentError("issued_card_retention_days must be > 0");
  if (c.tls.cert_file.empty() != c.tls.key_file.empty()) {
    return InvalidArgumentError("tls: cert_file and key_file must be given together");
  }
  for (const std::string& a : c.auth.algorithms) {
    if (a != "ES384" && a != "RS384") {
      return InvalidArgumentError("auth.algorithms: '" + a +
                                  "' is not supported (ES384 and RS384 are; none and HMAC never)");
    }
  }
  if (!c.public_base_url.empty() && !ParseUrl(c.public_base_url)) {
    return InvalidArgumentError("public_base_url is not an http(s) URL");
  }
  if (c.auth.issuers.empty() && !IsLoopbackHost(c.listen_host) && !c.auth.insecure_no_auth) {
    return InvalidArgumentError(
        "refusing to listen on " + c.listen_host +
        " without a trusted issuer (auth.issuers); configure one, or pass --insecure-no-auth");
  }
  return OkStatus();
}

}  // namespace cds::config
