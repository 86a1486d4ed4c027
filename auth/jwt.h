// Compact JWS/JWT decoding and signature verification for CDS Client tokens.
//
// DecodeJwt() splits a compact JWS, decodes header and claims with checked JSON access,
// and enforces the header rules of CDS Hooks 2.0 §Security: "alg" and "kid" REQUIRED,
// "typ" REQUIRED and equal to "JWT". Decision on "typ": compared case-insensitively and
// "application/jwt" accepted too, because RFC 7515 §4.1.9 defines typ as a media type
// (case-insensitive, "application/" prefix optional); anything else (e.g. "at+jwt") is
// refused so tokens minted for another purpose are not accepted here. A "crit" header is
// refused: we understand no extensions, and RFC 7515 §4.1.11 then requires rejection.
// Key-carrying headers (jwk, x5u, x5c) are ignored; keys come only from configuration
// or an allow-listed jku. Claims are type-checked here; which are REQUIRED is decided
// by the verifier. Nothing in a decoded token is trusted until VerifyJwsSignature passes.
//
// VerifyJwsSignature() checks ES384 (raw R||S, RFC 7518 §3.4) and RS384 (RSASSA-PKCS1-
// v1_5 with SHA-384). The key type must match the algorithm; HMAC and "none" do not
// exist here at all.
//
// Pure functions; thread-safe. Errors are kInvalidArgument with a reason fit for a log
// line; they never contain the token or its signature.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

#include "auth/jwk.h"

namespace cds::auth {

// The asymmetric algorithms this library can verify (CDS Hooks recommends both).
enum class JwsAlgorithm { kEs384, kRs384 };

std::string_view AlgorithmName(JwsAlgorithm alg);
// nullopt for anything but "ES384" / "RS384" (exact, case-sensitive as in RFC 7518).
std::optional<JwsAlgorithm> ParseAlgorithm(std::string_view name);
// True for "none" (any case) and the HMAC family "HS*": forbidden by CDS Hooks (no unsigned
// tokens, no symmetric keys)
// whatever the configuration says.
bool IsForbiddenAlgorithm(std::string_view name);

struct JoseHeader {
  std::string alg;
  std::string typ;
  std::string kid;
  std::optional<std::string> jku;
};

struct JwtClaims {
  std::optional<std::string> iss;
  std::optional<std::vector<std::string>> aud;  // a string "aud" becomes one element
  std::optional<int64_t> exp;                   // NumericDate, seconds (fractions floored)
  std::optional<int64_t> iat;
  std::optional<int64_t> nbf;
  std::optional<std::string> jti;
  std::optional<std::string> tenant;
};

struct DecodedJwt {
  JoseHeader header;
  JwtClaims claims;
  std::string signing_input;  // "<header b64>.<payload b64>", exactly as received
  std::string signature;      // decoded signature bytes
};

// Largest compact token accepted; CDS Client JWTs are a few hundred bytes.
inline constexpr size_t kMaxJwtBytes = 16 * 1024;

StatusOr<DecodedJwt> DecodeJwt(std::string_view compact);

// Verifies `signature` over `signing_input` with `key` under `alg`. Fails if the key's
// type (or its JWK "alg") does not fit `alg`.
Status VerifyJwsSignature(JwsAlgorithm alg, const VerificationKey& key,
                          std::string_view signing_input, std::string_view signature);

}  // namespace cds::auth
