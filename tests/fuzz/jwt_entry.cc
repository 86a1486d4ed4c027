// FuzzJwt: JWT decoding, JWK Sets and verification with a fixed clock (fuzz_entry_points.h).
#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"

#include "auth/jwk.h"
#include "auth/jwks_fetcher.h"
#include "auth/jwt.h"
#include "auth/verifier.h"

#include "tests/auth/test_keys.h"
#include "tests/fuzz/fuzz_support.h"

namespace cds::fuzz {
namespace {

// CDS Hooks 2.0 §Trusting CDS Clients, "Example" (spec/cds-hooks/examples/jwks-public.json,
// jwt-payload.json): the published test vector's public key, issuer, audience and tenant.
constexpr std::string_view kSpecJwks =
    R"({"keys":[{"kty":"EC","use":"sig","crv":"P-384","kid":"example-kid",)"
    R"("x":"46SDH7Znh821wblCBglA61sNE9ZrHYKKt3qRtRTmSXyOI_FIGBLWrWa0GPUkDCEk",)"
    R"("y":"XMcRuuoGW7CXjQdy-F5i3FeBE0x9hPLdeFdSoDd3ELmx404tLX0VRRcqzAsPhXcI","alg":"ES384"}]})";
constexpr char kSpecIss[] = "https://fhir-ehr.example.com/";
constexpr char kSpecJku[] = "https://fhir-ehr.example.com/jwk_uri";
constexpr char kSpecAud[] = "https://cds.example.org/cds-services/some-service";
constexpr char kSpecTenant[] = "2ddd6c3a-8e9a-44c6-a305-52111ad302a2";
constexpr int64_t kSpecIat = 1311280970;
constexpr int64_t kSpecExp = 1422568860;

// Issuer and audience of tokens the harness signs itself.
constexpr char kOwnIss[] = "https://ehr.example.org/";
constexpr char kOwnAud[] = "https://cds.example.org/cds-services/svc";

// Serves the input's second line as the JWK Set at every allow-listed jku.
class InputJwksFetcher final : public auth::JwksFetcher {
 public:
  explicit InputJwksFetcher(std::string body) : body_(std::move(body)) {}
  StatusOr<std::string> Fetch(const std::string&) override { return body_; }

 private:
  std::string body_;
};

struct OwnKeys {
  auth::testing::TestKey ec = auth::testing::TestKey::GenerateEs384("fuzz-ec");
  auth::testing::TestKey rsa = auth::testing::TestKey::GenerateRsa("fuzz-rsa");
};

const OwnKeys& Keys() {
  static const OwnKeys keys;
  return keys;
}

std::unique_ptr<auth::JwtVerifier> MakeVerifier(auth::AuthConfig config, const Clock& clock,
                                                auth::JwksFetcher* fetcher) {
  auto verifier = auth::JwtVerifier::Create(std::move(config), clock, fetcher);
  if (!verifier.ok()) InvariantBroken("JwtVerifier::Create: " + verifier.status().message());
  return std::move(verifier).value();
}

// Verifies `header_value` twice: failures are 401s, and an accepted token is a replay the
// second time.
void VerifyTwice(auth::JwtVerifier& verifier, std::string_view header_value,
                 std::string_view audience, std::string_view iss) {
  auto first = verifier.Verify(header_value, audience);
  if (!first.ok()) {
    CDS_FUZZ_CHECK(first.status().code() == StatusCode::kUnauthenticated,
                   "Verify failed with a code other than Unauthenticated");
    return;
  }
  CDS_FUZZ_CHECK(first->iss == iss, "a token from an untrusted issuer was accepted");
  auto second = verifier.Verify(header_value, audience);
  CDS_FUZZ_CHECK(!second.ok() && second.status().code() == StatusCode::kUnauthenticated,
                 "a verified token was accepted again (replay)");
}

// Line 1 is an Authorization header value; line 2 (optional) the JWK Set at the jku.
void FuzzSpecIssuer(std::string_view header_value, std::string_view jwks) {
  (void)auth::ParseJwkSet(jwks);
  std::string_view token = header_value;
  if (token.starts_with("Bearer ")) token.remove_prefix(7);
  auto decoded = auth::DecodeJwt(token);
  if (!decoded.ok()) {
    CDS_FUZZ_CHECK(decoded.status().code() == StatusCode::kInvalidArgument,
                   "DecodeJwt failed with a code other than InvalidArgument");
  }
  auth::AuthConfig config;
  config.issuers.push_back({kSpecIss, {kSpecJku}, std::string(kSpecJwks), {kSpecTenant}});
  config.max_token_lifetime_seconds = kSpecExp - kSpecIat;  // the example lives 3.5 years
  FixedClock clock((kSpecExp - 60) * 1000);
  InputJwksFetcher fetcher{std::string(jwks)};
  auto verifier = MakeVerifier(std::move(config), clock, &fetcher);
  VerifyTwice(*verifier, header_value, kSpecAud, kSpecIss);
}

// "<header JSON>\n<claims JSON>", signed with our own key and verified.
void FuzzSignedClaims(std::string_view header_json, std::string_view claims_json) {
  const OwnKeys& keys = Keys();
  bool rsa = header_json.find("RS384") != std::string_view::npos;
  std::string token = auth::testing::MintRaw(rsa ? keys.rsa : keys.ec, header_json, claims_json);
  auth::AuthConfig config;
  config.issuers.push_back(
      {kOwnIss, {}, auth::testing::JwkSetJson({keys.ec.PublicJwk(), keys.rsa.PublicJwk()}), {}});
  FixedClock clock(kFixedNow);
  auto verifier = MakeVerifier(std::move(config), clock, /*fetcher=*/nullptr);
  VerifyTwice(*verifier, "Bearer " + token, kOwnAud, kOwnIss);
}

}  // namespace

void FuzzJwt(const uint8_t* data, size_t size) {
  QuietLogs();
  std::string_view input = Text(data, size);
  size_t newline = input.find('\n');
  std::string_view first = input.substr(0, newline);
  std::string_view rest =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  FuzzSpecIssuer(first, rest);
  if (input.starts_with('{')) FuzzSignedClaims(first, rest);
}

}  // namespace cds::fuzz
