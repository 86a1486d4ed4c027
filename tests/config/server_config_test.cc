// config::ParseServerConfig / ValidateServerConfig: defaults, every key, errors with
// file and JSON path, listen parsing (IPv6 included), the auth-on-non-loopback rule, and
// the bundled config/server.json.
#include "config/server_config.h"

#include <functional>

#include "tests/support/status_matchers.h"

namespace cds::config {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

StatusOr<ServerConfig> ParseText(std::string_view text) {
  auto doc = json::ParseJson(text, json::JsonLimits{});
  if (!doc.ok()) return doc.status();
  return ParseServerConfig(Node(**doc, "server.json", "$"));
}

TEST(ParseServerConfig, EmptyObjectGivesValidDefaults) {
  auto c = ParseText("{}");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->listen_host, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->on_data_unavailable, DataUnavailablePolicy::kFail);  // 412 is the spec's answer
  EXPECT_EQ(c->limits.max_body_bytes, 8u << 20);
  EXPECT_EQ(c->fhir.max_pages, 10);
  EXPECT_TRUE(c->fhir.verify_tls);
  EXPECT_FALSE(c->fhir.fetch_without_token);
  EXPECT_THAT(c->auth.algorithms, ElementsAre("ES384", "RS384"));
  EXPECT_FALSE(c->tls.enabled());
  EXPECT_THAT(ValidateServerConfig(*c), IsOk());
}

TEST(ParseServerConfig, ReadsEveryKey) {
  auto c = ParseText(R"({
    "_comment": "all keys",
    "listen": "[::1]:9443", "public_base_url": "https://cds.example.org/", "data_dir": "/var/cds",
    "log_level": "debug", "http_threads": 4, "on_data_unavailable": "card",
    "cors_allowed_origins": ["https://sandbox.cds-hooks.org"], "issued_card_retention_days": 30,
    "limits": {"max_body_bytes": 1000, "max_json_depth": 10, "max_string_bytes": 100, "max_json_values": 500,
               "max_resources": 50, "read_timeout_ms": 1, "write_timeout_ms": 2, "request_timeout_ms": 3,
               "keep_alive_timeout_s": 0, "keep_alive_max_requests": 1, "max_connections": 2},
    "fhir": {"allowed_servers": ["https://ehr.example/fhir"], "deadline_ms": 100, "connect_timeout_ms": 50,
             "max_pages": 2, "max_response_bytes": 4096, "verify_tls": false, "ca_file": "/etc/ca.pem",
             "worker_threads": 3, "fetch_without_token": true},
    "auth": {"issuers": [{"iss": "https://ehr.example", "jku_allow_list": ["https://ehr.example/jwks"],
                          "tenants": ["t1"]},
                         {"iss": "https://other.example", "jwks_file": "keys.json"}],
             "algorithms": ["ES384"], "leeway_s": 5, "max_token_lifetime_s": 300, "jwks_min_refresh_s": 10,
             "insecure_no_auth": false},
    "tls": {"cert_file": "cert.pem", "key_file": "key.pem"}
  })");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->listen_host, "::1");
  EXPECT_EQ(c->listen_port, 9443);
  EXPECT_EQ(c->BaseUrl(), "https://cds.example.org");
  EXPECT_EQ(c->data_dir, "/var/cds");
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_EQ(c->http_threads, 4);
  EXPECT_EQ(c->on_data_unavailable, DataUnavailablePolicy::kCard);
  EXPECT_THAT(c->cors_allowed_origins, ElementsAre("https://sandbox.cds-hooks.org"));
  EXPECT_EQ(c->issued_card_retention_days, 30);
  EXPECT_EQ(c->limits.max_body_bytes, 1000u);
  EXPECT_EQ(c->limits.json.max_depth, 10u);
  EXPECT_EQ(c->limits.json.max_string_length, 100u);
  EXPECT_EQ(c->limits.json.max_values, 500u);
  EXPECT_EQ(c->limits.max_resources, 50u);
  EXPECT_EQ(c->limits.read_timeout_ms, 1);
  EXPECT_EQ(c->limits.write_timeout_ms, 2);
  EXPECT_EQ(c->limits.request_timeout_ms, 3);
  EXPECT_EQ(c->limits.keep_alive_timeout_s, 0);
  EXPECT_EQ(c->limits.keep_alive_max_requests, 1);
  EXPECT_EQ(c->limits.max_connections, 2);
  EXPECT_THAT(c->fhir.allowed_servers, ElementsAre("https://ehr.example/fhir"));
  EXPECT_EQ(c->fhir.deadline_ms, 100);
  EXPECT_EQ(c->fhir.connect_timeout_ms, 50);
  EXPECT_EQ(c->fhir.max_pages, 2);
  EXPECT_EQ(c->fhir.max_response_bytes, 4096u);
  EXPECT_FALSE(c->fhir.verify_tls);
  EXPECT_EQ(c->fhir.ca_file, "/etc/ca.pem");
  EXPECT_EQ(c->fhir.worker_threads, 3);
  EXPECT_TRUE(c->fhir.fetch_without_token);
  ASSERT_EQ(c->auth.issuers.size(), 2u);
  EXPECT_EQ(c->auth.issuers[0].iss, "https://ehr.example");
  EXPECT_THAT(c->auth.issuers[0].tenants, ElementsAre("t1"));
  EXPECT_EQ(c->auth.issuers[1].jwks_file, "keys.json");
  EXPECT_THAT(c->auth.algorithms, ElementsAre("ES384"));
  EXPECT_EQ(c->auth.leeway_s, 5);
  EXPECT_EQ(c->auth.max_token_lifetime_s, 300);
  EXPECT_EQ(c->auth.jwks_min_refresh_s, 10);
  EXPECT_TRUE(c->tls.enabled());
  EXPECT_THAT(ValidateServerConfig(*c), IsOk());
}

TEST(ParseServerConfig, BundledServerJsonLoadsAndValidates) {
  auto file = ReadJsonFile(CDS_SOURCE_DIR "/config/server.json", "server.json");
  ASSERT_THAT(file, IsOk());
  auto c = ParseServerConfig(file->Root());
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(ValidateServerConfig(*c), IsOk());
  EXPECT_TRUE(IsLoopbackHost(c->listen_host))
      << "the shipped default must not listen publicly without auth";
}

struct ParseError {
  std::string name;
  std::string json;
  std::string message;  // substring; names server.json and the JSON path
};
void PrintTo(const ParseError& c, std::ostream* os) { *os << c.name; }

class ParseServerConfigRejects : public ::testing::TestWithParam<ParseError> {};

TEST_P(ParseServerConfigRejects, NamingThePath) {
  EXPECT_THAT(ParseText(GetParam().json),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ParseServerConfigRejects,
    ::testing::Values(
        ParseError{"UnknownTopLevelKey", R"({"lisen": "127.0.0.1:80"})",
                   "server.json: $.lisen: unknown setting (misspelt?)"},
        ParseError{"UnknownLimitsKey", R"({"limits": {"max_body": 1}})",
                   "server.json: $.limits.max_body: unknown setting (misspelt?)"},
        ParseError{"UnknownFhirKey", R"({"fhir": {"allowed_server": []}})",
                   "server.json: $.fhir.allowed_server: unknown setting (misspelt?)"},
        ParseError{"UnknownAuthKey", R"({"auth": {"issuer": []}})",
                   "server.json: $.auth.issuer: unknown setting (misspelt?)"},
        ParseError{"UnknownIssuerKey",
                   R"({"auth": {"issuers": [{"iss": "https://e", "jwks": "k.json"}]}})",
                   "server.json: $.auth.issuers[0].jwks: unknown setting (misspelt?)"},
        ParseError{"UnknownTlsKey", R"({"tls": {"cert": "c.pem"}})",
                   "server.json: $.tls.cert: unknown setting (misspelt?)"},
        ParseError{"LimitsNotObject", R"({"limits": 5})",
                   "server.json: $.limits: must be an object"},
        ParseError{"MaxBodyZero", R"({"limits": {"max_body_bytes": 0}})",
                   "server.json: $.limits.max_body_bytes: must be > 0"},
        ParseError{"MaxDepthZero", R"({"limits": {"max_json_depth": 0}})",
                   "server.json: $.limits.max_json_depth: must be > 0"},
        ParseError{"MaxStringNegative", R"({"limits": {"max_string_bytes": -1}})",
                   "server.json: $.limits.max_string_bytes: must be > 0"},
        ParseError{"MaxValuesZero", R"({"limits": {"max_json_values": 0}})",
                   "server.json: $.limits.max_json_values: must be > 0"},
        ParseError{"MaxResourcesZero", R"({"limits": {"max_resources": 0}})",
                   "server.json: $.limits.max_resources: must be > 0"},
        ParseError{"LimitNotInteger", R"({"limits": {"read_timeout_ms": 1.5}})",
                   "server.json: $.limits.read_timeout_ms: must be an integer"},
        // Regression: a negative byte cap wrapped to a huge size_t, i.e. no cap at all.
        ParseError{"MaxResponseBytesNegative", R"({"fhir": {"max_response_bytes": -1}})",
                   "server.json: $.fhir.max_response_bytes: must be > 0"},
        ParseError{"MaxResponseBytesZero", R"({"fhir": {"max_response_bytes": 0}})",
                   "server.json: $.fhir.max_response_bytes: must be > 0"},
        // Regression: int settings were narrowed from int64 silently (2^32 + 1 -> 1).
        ParseError{"HttpThreadsBeyondInt", R"({"http_threads": 4294967297})",
                   "server.json: $.http_threads: is out of range"},
        ParseError{"TimeoutBeyondInt", R"({"limits": {"read_timeout_ms": 4294967296}})",
                   "server.json: $.limits.read_timeout_ms: is out of range"},
        ParseError{"DeadlineBeyondInt", R"({"fhir": {"deadline_ms": -4294967296}})",
                   "server.json: $.fhir.deadline_ms: is out of range"},
        ParseError{"ListenNoPort", R"({"listen": "127.0.0.1"})",
                   "server.json: $.listen: listen address must be HOST:PORT"},
        ParseError{"ListenNoHost", R"({"listen": ":8080"})",
                   "server.json: $.listen: listen address must be HOST:PORT"},
        ParseError{"ListenPortTooBig", R"({"listen": "127.0.0.1:65536"})",
                   "server.json: $.listen: listen port must be 0-65535, got '65536'"},
        ParseError{"ListenPortNotNumber", R"({"listen": "127.0.0.1:80x"})",
                   "listen port must be 0-65535"},
        ParseError{"ListenEmpty", R"({"listen": ""})", "server.json: $.listen: must not be empty"},
        ParseError{"OnDataUnavailableUnknown", R"({"on_data_unavailable": "ignore"})",
                   "server.json: $.on_data_unavailable: must be \"fail\" (412) or \"card\""},
        ParseError{"AllowedServerNotUrl",
                   R"({"fhir": {"allowed_servers": ["https://ok.example", "ftp://x"]}})",
                   "server.json: $.fhir.allowed_servers[1]: is not an http(s) base URL"},
        ParseError{"VerifyTlsNotBool", R"({"fhir": {"verify_tls": "yes"}})",
                   "server.json: $.fhir.verify_tls: must be true or false"},
        ParseError{"IssuerWithoutIss", R"({"auth": {"issuers": [{"jwks_file": "k.json"}]}})",
                   "server.json: $.auth.issuers[0].iss: is required"},
        ParseError{"IssuerWithoutKeys", R"({"auth": {"issuers": [{"iss": "https://e"}]}})",
                   "server.json: $.auth.issuers[0]: an issuer needs jku_allow_list or jwks_file"},
        ParseError{"AlgorithmsNotList", R"({"auth": {"algorithms": "ES384"}})",
                   "server.json: $.auth.algorithms: must be an array of strings"}),
    [](const auto& row) { return row.param.name; });

struct ListenCase {
  std::string text;
  std::string host;
  int port;
};
void PrintTo(const ListenCase& c, std::ostream* os) { *os << c.text; }

class ParseListenOk : public ::testing::TestWithParam<ListenCase> {};

TEST_P(ParseListenOk, SplitsHostAndPort) {
  std::string host;
  int port = -1;
  ASSERT_THAT(ParseListen(GetParam().text, &host, &port), IsOk());
  EXPECT_EQ(host, GetParam().host);
  EXPECT_EQ(port, GetParam().port);
}

INSTANTIATE_TEST_SUITE_P(Listen, ParseListenOk,
                         ::testing::Values(ListenCase{"127.0.0.1:8080", "127.0.0.1", 8080},
                                           ListenCase{"0.0.0.0:0", "0.0.0.0", 0},
                                           ListenCase{"localhost:65535", "localhost", 65535},
                                           ListenCase{"[::1]:8443", "::1", 8443},
                                           ListenCase{"[::]:80", "::", 80},
                                           ListenCase{"[2001:db8::1]:443", "2001:db8::1", 443},
                                           ListenCase{"cds.internal:8080", "cds.internal", 8080}));

class ParseListenRejects : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseListenRejects, Refused) {
  std::string host = "unchanged";
  int port = -1;
  EXPECT_THAT(ParseListen(GetParam(), &host, &port),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("listen")));
  EXPECT_EQ(host, "unchanged");
  EXPECT_EQ(port, -1);
}

// "::1" used to parse as host ":" port 1, and "::1:8080" relied on guessing.
INSTANTIATE_TEST_SUITE_P(Listen, ParseListenRejects,
                         ::testing::Values("8080", ":8080", "host:", "host:-1", "host:1e3",
                                           "host:99999", "::1", "::1:8080", "[::1]", "[::1",
                                           "[]:80", "2001:db8::1:443"));

struct LoopbackCase {
  std::string host;
  bool loopback;
};
void PrintTo(const LoopbackCase& c, std::ostream* os) { *os << c.host; }

class IsLoopback : public ::testing::TestWithParam<LoopbackCase> {};

TEST_P(IsLoopback, Classifies) {
  EXPECT_EQ(IsLoopbackHost(GetParam().host), GetParam().loopback) << GetParam().host;
}

INSTANTIATE_TEST_SUITE_P(
    Hosts, IsLoopback,
    ::testing::Values(
        LoopbackCase{"127.0.0.1", true}, LoopbackCase{"127.1.2.3", true},
        LoopbackCase{"localhost", true}, LoopbackCase{"::1", true}, LoopbackCase{"0.0.0.0", false},
        LoopbackCase{"::", false}, LoopbackCase{"10.0.0.1", false},
        LoopbackCase{"128.0.0.1", false}, LoopbackCase{"", false},
        // Regression: DNS names that merely start with "127." were taken for loopback.
        LoopbackCase{"127.example.com", false}, LoopbackCase{"127.0.0.1.nip.io", false},
        LoopbackCase{"127.0.0.", false}, LoopbackCase{"127..0.1", false}));

struct ValidateCase {
  std::string name;
  std::function<void(ServerConfig&)> mutate;
  std::string message;  // "" = valid
};
void PrintTo(const ValidateCase& c, std::ostream* os) { *os << c.name; }

class ValidateRules : public ::testing::TestWithParam<ValidateCase> {};

TEST_P(ValidateRules, CrossFieldRules) {
  ServerConfig c;
  GetParam().mutate(c);
  if (GetParam().message.empty()) {
    EXPECT_THAT(ValidateServerConfig(c), IsOk());
  } else {
    EXPECT_THAT(ValidateServerConfig(c),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
  }
}

IssuerConfig Issuer() {
  IssuerConfig i;
  i.iss = "https://ehr.example";
  i.jwks_file = "keys.json";
  return i;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ValidateRules,
    ::testing::Values(
        ValidateCase{"Defaults", [](ServerConfig&) {}, ""},
        ValidateCase{"HttpThreadsZero", [](ServerConfig& c) { c.http_threads = 0; },
                     "http_threads must be 1-1024"},
        ValidateCase{"HttpThreadsTooMany", [](ServerConfig& c) { c.http_threads = 1025; },
                     "http_threads must be 1-1024"},
        ValidateCase{"FhirDeadlineZero", [](ServerConfig& c) { c.fhir.deadline_ms = 0; },
                     "fhir.deadline_ms must be > 0"},
        ValidateCase{"ConnectTimeoutZero", [](ServerConfig& c) { c.fhir.connect_timeout_ms = 0; },
                     "fhir.connect_timeout_ms must be > 0"},
        ValidateCase{"MaxPagesZero", [](ServerConfig& c) { c.fhir.max_pages = 0; },
                     "fhir.max_pages must be > 0"},
        ValidateCase{"WorkerThreadsZero", [](ServerConfig& c) { c.fhir.worker_threads = 0; },
                     "fhir.worker_threads must be > 0"},
        ValidateCase{"ReadTimeoutZero", [](ServerConfig& c) { c.limits.read_timeout_ms = 0; },
                     "limits: timeouts must be > 0"},
        ValidateCase{"WriteTimeoutNegative",
                     [](ServerConfig& c) { c.limits.write_timeout_ms = -1; },
                     "limits: timeouts must be > 0"},
        ValidateCase{"RequestTimeoutZero", [](ServerConfig& c) { c.limits.request_timeout_ms = 0; },
                     "limits: timeouts must be > 0"},
        ValidateCase{"MaxConnectionsZero", [](ServerConfig& c) { c.limits.max_connections = 0; },
                     "limits.max_connections must be > 0"},
        // Regression: 0 made every connection close before answering its first request.
        ValidateCase{"KeepAliveMaxRequestsZero",
                     [](ServerConfig& c) { c.limits.keep_alive_max_requests = 0; },
                     "limits.keep_alive_max_requests must be > 0"},
        ValidateCase{"KeepAliveTimeoutZeroAllowed",
                     [](ServerConfig& c) { c.limits.keep_alive_timeout_s = 0; }, ""},
        ValidateCase{"KeepAliveTimeoutNegative",
                     [](ServerConfig& c) { c.limits.keep_alive_timeout_s = -1; },
                     "limits.keep_alive_timeout_s must be >= 0"},
        ValidateCase{"RetentionZero", [](ServerConfig& c) { c.issued_card_retention_days = 0; },
                     "issued_card_retention_days must be > 0"},
        ValidateCase{"TlsCertWithoutKey", [](ServerConfig& c) { c.tls.cert_file = "cert.pem"; },
                     "tls: cert_file and key_file must be given together"},
        ValidateCase{"TlsKeyWithoutCert", [](ServerConfig& c) { c.tls.key_file = "key.pem"; },
                     "tls: cert_file and key_file must be given together"},
        ValidateCase{"TlsBoth",
                     [](ServerConfig& c) {
                       c.tls.cert_file = "cert.pem";
                       c.tls.key_file = "key.pem";
                     },
                     ""},
        ValidateCase{"AlgorithmHmac",
                     [](ServerConfig& c) {
                       c.auth.algorithms = {"ES384", "HS256"};
                     },
                     "auth.algorithms: 'HS256' is not supported"},
        ValidateCase{"AlgorithmNone", [](ServerConfig& c) { c.auth.algorithms = {"none"}; },
                     "auth.algorithms: 'none' is not supported"},
        ValidateCase{"PublicBaseUrlNotUrl",
                     [](ServerConfig& c) { c.public_base_url = "cds.example.org"; },
                     "public_base_url is not an http(s) URL"},
        ValidateCase{"NonLoopbackWithoutIssuer", [](ServerConfig& c) { c.listen_host = "0.0.0.0"; },
                     "refusing to listen on 0.0.0.0 without a trusted issuer"},
        ValidateCase{"Ipv6AnyWithoutIssuer", [](ServerConfig& c) { c.listen_host = "::"; },
                     "refusing to listen on :: without a trusted issuer"},
        ValidateCase{"DnsNameLikeLoopbackWithoutIssuer",
                     [](ServerConfig& c) { c.listen_host = "127.example.com"; },
                     "without a trusted issuer"},
        ValidateCase{"NonLoopbackWithInsecureNoAuth",
                     [](ServerConfig& c) {
                       c.listen_host = "0.0.0.0";
                       c.auth.insecure_no_auth = true;
                     },
                     ""},
        ValidateCase{"NonLoopbackWithIssuer",
                     [](ServerConfig& c) {
                       c.listen_host = "0.0.0.0";
                       c.auth.issuers.push_back(Issuer());
                     },
                     ""},
        ValidateCase{"Ipv6LoopbackWithoutIssuer", [](ServerConfig& c) { c.listen_host = "::1"; },
                     ""}),
    [](const auto& row) { return row.param.name; });

TEST(ServerConfig, BaseUrl) {
  ServerConfig c;
  EXPECT_EQ(c.BaseUrl(), "http://127.0.0.1:8080");
  c.listen_host = "::1";
  c.listen_port = 8443;
  EXPECT_EQ(c.BaseUrl(), "http://[::1]:8443");
  c.tls.cert_file = "c.pem";
  c.tls.key_file = "k.pem";
  EXPECT_EQ(c.BaseUrl(), "https://[::1]:8443");
  c.public_base_url = "https://cds.example.org/base//";
  EXPECT_EQ(c.BaseUrl(), "https://cds.example.org/base");
}

}  // namespace
}  // namespace cds::config
