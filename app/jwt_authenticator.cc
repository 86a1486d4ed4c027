#include "app/jwt_authenticator.h"

#include <fstream>
#include <sstream>

#include <httplib.h>

#include "base/log.h"
#include "base/status_macros.h"
#include "base/url.h"

namespace cds::app {

StatusOr<std::string> HttpJwksFetcher::Fetch(const std::string& url_text) {
  auto url = ParseUrl(url_text);
  if (!url) return UnavailableError("jku is not an http(s) URL");
  httplib::Client client(url->Origin());
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(3));
  client.set_follow_location(false);
  client.enable_server_certificate_verification(verify_tls_);
  if (!ca_file_.empty()) client.set_ca_cert_path(ca_file_);
  constexpr size_t kMaxJwksBytes = 256 * 1024;
  std::string body;
  bool too_big = false;
  auto res = client.Get(url->PathAndQuery(), httplib::Headers{{"Accept", "application/json"}},
                        [&](const char* d, size_t n) {
                          if (body.size() + n > kMaxJwksBytes) {
                            too_big = true;
                            return false;
                          }
                          body.append(d, n);
                          return true;
                        });
  if (too_big) return UnavailableError("JWK Set larger than 256 KiB");
  if (!res) return UnavailableError("JWK Set fetch failed: " + httplib::to_string(res.error()));
  if (res->status != 200)
    return UnavailableError("JWK Set fetch answered HTTP " + std::to_string(res->status));
  return body;
}

StatusOr<auth::ReplayLedger::Result> StoreReplayLedger::Use(std::string_view iss,
                                                            std::string_view jti,
                                                            int64_t expires_at,
                                                            int64_t now_seconds) {
  CDS_ASSIGN_OR_RETURN(store::JtiResult result,
                       store_.RecordJti(iss, jti, expires_at * 1000, now_seconds * 1000));
  return result == store::JtiResult::kRecorded ? Result::kRecorded : Result::kReplay;
}

StatusOr<std::unique_ptr<JwtAuthenticator>> JwtAuthenticator::Create(
    const config::ServerConfig& config, const Clock& clock, store::Store* replay_store) {
  auth::AuthConfig ac;
  for (const config::IssuerConfig& i : config.auth.issuers) {
    auth::TrustedIssuer t;
    t.iss = i.iss;
    t.jku_allow_list = i.jku_allow_list;
    t.tenants = i.tenants;
    if (!i.jwks_file.empty()) {
      std::ifstream in(i.jwks_file, std::ios::binary);
      if (!in)
        return InvalidArgumentError("auth.issuers: cannot read jwks_file '" + i.jwks_file + "'");
      std::stringstream ss;
      ss << in.rdbuf();
      t.jwks_json = ss.str();
    }
    ac.issuers.push_back(std::move(t));
  }
  ac.algorithms = config.auth.algorithms;
  ac.leeway_seconds = config.auth.leeway_s;
  ac.max_token_lifetime_seconds = config.auth.max_token_lifetime_s;
  ac.jwks_min_refresh_interval_seconds = config.auth.jwks_min_refresh_s;
  std::unique_ptr<JwtAuthenticator> a(new JwtAuthenticator());
  a->fetcher_ = std::make_unique<HttpJwksFetcher>(config.fhir.verify_tls, config.fhir.ca_file);
  if (replay_store != nullptr) a->ledger_ = std::make_unique<StoreReplayLedger>(*replay_store);
  CDS_ASSIGN_OR_RETURN(
      a->verifier_,
      auth::JwtVerifier::Create(std::move(ac), clock, a->fetcher_.get(), a->ledger_.get()));
  return a;
}

Status JwtAuthenticator::Authenticate(std::string_view authorization_header,
                                      std::string_view audience) {
  auto caller = verifier_->Verify(authorization_header, audience);
  if (!caller.ok()) return caller.status();
  CDS_LOG(kDebug, "caller_authenticated").Field("iss", caller->iss).Field("jti", caller->jti);
  return OkStatus();
}

}  // namespace cds::app
