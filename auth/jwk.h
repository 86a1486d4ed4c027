// JSON Web Keys (RFC 7517) turned into OpenSSL public keys for JWS verification.
//
// Only what CDS Hooks 2.0 §Security recommends is accepted: EC keys on P-384 (for ES384)
// and RSA keys (for RS384) with a modulus of 2048..8192 bits. Symmetric ("oct") keys are
// never accepted, so no JWK can make the verifier fall into HMAC. A JWK that carries
// private parameters ("d", "p", ...) is refused: a private key pasted into a public key
// set is a leaked key. Keys with "use" other than "sig", or "key_ops" without "verify",
// are not signature keys and are refused as well.
//
// ParseJwkSet() is tolerant per key and strict per set: a key it cannot use is skipped
// with a reason (kept in JwkSet::skipped for the caller to log), but a document that is
// not a JWK Set at all is an error. Two usable keys sharing a "kid" are both dropped,
// since "kid" must pick exactly one key (it is unique within a client's JWK Set).
//
// Ownership: VerificationKey shares an immutable EVP_PKEY by shared_ptr, so copies are
// cheap and a key stays alive while any verification still uses it. Immutable keys are
// safe to use from many threads at once. Errors are kInvalidArgument.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/types.h>

#include "base/json.h"
#include "base/status.h"

namespace cds::auth {

enum class KeyType { kEcP384, kRsa };

class VerificationKey {
 public:
  VerificationKey(std::string kid, KeyType type, std::string alg, std::shared_ptr<EVP_PKEY> pkey)
      : kid_(std::move(kid)), type_(type), alg_(std::move(alg)), pkey_(std::move(pkey)) {}

  const std::string& kid() const { return kid_; }
  KeyType type() const { return type_; }
  // The JWK's "alg" member, or empty when the JWK did not restrict its algorithm.
  const std::string& alg() const { return alg_; }
  // Borrowed; valid while this VerificationKey (or a copy) lives. Never null.
  EVP_PKEY* pkey() const { return pkey_.get(); }

 private:
  std::string kid_;
  KeyType type_;
  std::string alg_;
  std::shared_ptr<EVP_PKEY> pkey_;
};

struct JwkSet {
  std::vector<VerificationKey> keys;
  // One line per key that was not taken, e.g. "keys[2] (kid \"a\"): kty \"oct\" ...".
  std::vector<std::string> skipped;

  // The key with this kid, or nullptr.
  const VerificationKey* Find(std::string_view kid) const;
};

// Converts one JWK object. Errors say why the key is unusable.
StatusOr<VerificationKey> ParseJwk(const json::Value& jwk);

// Parses a JWK Set document ({"keys": [...]}). Errors only when the document itself is
// malformed; unusable keys land in `skipped`.
StatusOr<JwkSet> ParseJwkSet(std::string_view json_text);

}  // namespace cds::auth
