// Test-only key pairs and token minting with OpenSSL, for tests that need many fresh
// tokens without Node.js (JWKS fetching, concurrency, claim edge cases). Interop with an
// independent signer is covered separately by verifier_jose_test.cc (npm `jose`) and by
// the spec's own example token.
//
// Not thread-safe to mutate; const methods may be called from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/types.h>

namespace cds::auth::testing {

class TestKey {
 public:
  static TestKey GenerateEs384(std::string kid);
  static TestKey GenerateRsa(std::string kid, int bits = 2048);

  const std::string& kid() const { return kid_; }
  bool is_ec() const { return ec_; }
  // Public JWK as JSON text: {"kty":..,"kid":..,"use":"sig",...}; `extra` (JSON members
  // without braces, e.g. "\"alg\":\"ES384\"") is appended when not empty.
  std::string PublicJwk(std::string_view extra = "") const;
  // JOSE signature bytes over `signing_input`: raw R||S for EC, PKCS#1 v1.5 for RSA.
  std::string Sign(std::string_view signing_input) const;
  // EC only: the DER ECDSA-Sig-Value OpenSSL produces (not valid in JOSE).
  std::string SignDer(std::string_view signing_input) const;

 private:
  TestKey(std::string kid, bool ec, std::shared_ptr<EVP_PKEY> pkey)
      : kid_(std::move(kid)), ec_(ec), pkey_(std::move(pkey)) {}
  std::string kid_;
  bool ec_;
  std::shared_ptr<EVP_PKEY> pkey_;
};

// {"keys":[<jwk>, ...]}
std::string JwkSetJson(const std::vector<std::string>& jwks);

// Everything a CDS Client token carries; unset optionals are left out of the JSON.
struct TokenParams {
  std::string alg = "ES384";
  std::optional<std::string> typ = "JWT";
  std::optional<std::string> kid;  // defaults to the signing key's kid
  std::optional<std::string> jku;
  std::optional<std::string> crit;  // a one-element "crit" array, when set
  std::optional<std::string> iss = "https://ehr.example.org/";
  std::optional<std::string> aud = "https://cds.example.org/cds-services/svc";
  std::optional<int64_t> iat;
  std::optional<int64_t> exp;
  std::optional<int64_t> nbf;
  std::optional<std::string> jti;
  std::optional<std::string> tenant;
};

// A params set valid at `now` (iat = now - 10, exp = now + 290) with a unique jti.
TokenParams ValidParams(int64_t now);

// Header and payload JSON for `p`.
std::string HeaderJson(const TokenParams& p, const TestKey& key);
std::string PayloadJson(const TokenParams& p);

// "<b64 header>.<b64 payload>.<b64 signature>" signed by `key`.
std::string Mint(const TestKey& key, const TokenParams& p);
// Same, from literal JSON texts.
std::string MintRaw(const TestKey& key, std::string_view header_json,
                    std::string_view payload_json);

}  // namespace cds::auth::testing
