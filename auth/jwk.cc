#include "auth/jwk.h"

#include <map>
#include <optional>
#include <utility>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "base/status_macros.h"

#include "auth/base64url.h"
#include "auth/quote.h"

namespace cds::auth {
namespace {

// RFC 7518 §3.4: ES384 coordinates are 48 octets each.
constexpr size_t kP384CoordinateBytes = 48;
// NIST SP 800-131A: RSA below 2048 bits is disallowed for signatures. The upper bound keeps
// a hostile JWKS from making each verification arbitrarily slow.
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;
// A JWK Set is configuration-sized; anything bigger is not a key set we should hold.
constexpr size_t kMaxJwkSetBytes = 1 << 20;
constexpr size_t kMaxKeysPerSet = 100;

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

// OpenSSL failures leave entries on the thread's error queue; drop them so they cannot be
// misattributed to a later, unrelated call on this thread.
Status OpenSslError(std::string what) {
  ERR_clear_error();
  return InvalidArgumentError(std::move(what));
}

StatusOr<std::string> DecodeMember(const json::Value& jwk, std::string_view name) {
  std::optional<std::string_view> text = json::GetString(jwk, name);
  if (!text.has_value()) {
    return InvalidArgumentError("missing or non-string \"" + std::string(name) + "\"");
  }
  StatusOr<std::string> bytes = Base64UrlDecode(*text);
  if (!bytes.ok()) {
    return InvalidArgumentError("\"" + std::string(name) + "\": " + bytes.status().message());
  }
  return bytes;
}

// Builds a public EVP_PKEY of `type` from `bld` and runs OpenSSL's public-key check
// (point on the curve for EC; odd modulus and sane exponent for RSA).
StatusOr<std::shared_ptr<EVP_PKEY>> BuildPublicKey(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return OpenSslError("OpenSSL rejected the key parameters");
  }
  std::shared_ptr<EVP_PKEY> pkey(raw, EVP_PKEY_free);
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    return OpenSslError("public key check failed");
  }
  return pkey;
}

StatusOr<std::shared_ptr<EVP_PKEY>> ParseEcKey(const json::Value& jwk) {
  std::optional<std::string_view> crv = json::GetString(jwk, "crv");
  if (crv != "P-384") {
    return InvalidArgumentError("EC curve " + Quote(crv.value_or("")) +
                                " is not supported (only P-384)");
  }
  CDS_ASSIGN_OR_RETURN(std::string x, DecodeMember(jwk, "x"));
  CDS_ASSIGN_OR_RETURN(std::string y, DecodeMember(jwk, "y"));
  if (x.size() != kP384CoordinateBytes || y.size() != kP384CoordinateBytes) {
    return InvalidArgumentError("P-384 coordinates must be 48 bytes each");
  }
  std::string point = "\x04" + x + y;  // SEC 1 uncompressed point
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return OpenSslError("could not build EC key parameters");
  }
  return BuildPublicKey("EC", bld.get());
}

StatusOr<std::shared_ptr<EVP_PKEY>> ParseRsaKey(const json::Value& jwk) {
  CDS_ASSIGN_OR_RETURN(std::string n_bytes, DecodeMember(jwk, "n"));
  CDS_ASSIGN_OR_RETURN(std::string e_bytes, DecodeMember(jwk, "e"));
  const auto* n_data = reinterpret_cast<const unsigned char*>(n_bytes.data());
  const auto* e_data = reinterpret_cast<const unsigned char*>(e_bytes.data());
  BnPtr n(BN_bin2bn(n_data, static_cast<int>(n_bytes.size()), nullptr));
  BnPtr e(BN_bin2bn(e_data, static_cast<int>(e_bytes.size()), nullptr));
  if (n == nullptr || e == nullptr) {
    return OpenSslError("could not read RSA parameters");
  }
  const int bits = BN_num_bits(n.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return InvalidArgumentError("RSA modulus is " + std::to_string(bits) + " bits; need " +
                                std::to_string(kMinRsaBits) + ".." + std::to_string(kMaxRsaBits));
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return OpenSslError("could not build RSA key parameters");
  }
  return BuildPublicKey("RSA", bld.get());
}

// Members that only a private or symmetric JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4.1).
constexpr std::string_view kSecretMembers[] = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};

Status CheckSignatureUse(const json::Value& jwk) {
  if (json::Find(jwk, "use") != nullptr && json::GetString(jwk, "use") != "sig") {
    return InvalidArgumentError("\"use\" is not \"sig\"");
  }
  if (const json::Value* ops = json::Find(jwk, "key_ops"); ops != nullptr) {
    bool verify = false;
    if (ops->IsArray()) {
      for (const json::Value& op : ops->GetArray()) {
        verify = verify || (op.IsString() && json::AsStringView(op) == "verify");
      }
    }
    if (!verify) {
      return InvalidArgumentError("\"key_ops\" does not include \"verify\"");
    }
  }
  return OkStatus();
}

}  // namespace

const VerificationKey* JwkSet::Find(std::string_view kid) const {
  for (const VerificationKey& key : keys) {
    if (key.kid() == kid) {
      return &key;
    }
  }
  return nullptr;
}

StatusOr<VerificationKey> ParseJwk(const json::Value& jwk) {
  if (!jwk.IsObject()) {
    return InvalidArgumentError("JWK is not an object");
  }
  std::optional<std::string_view> kid = json::GetString(jwk, "kid");
  if (!kid.has_value() || kid->empty()) {
    return InvalidArgumentError("no \"kid\" (CDS Hooks selects keys by kid)");
  }
  std::optional<std::string_view> kty = json::GetString(jwk, "kty");
  if (kty == "oct") {
    return InvalidArgumentError("symmetric (\"oct\") keys are never accepted");
  }
  for (std::string_view member : kSecretMembers) {
    if (json::Find(jwk, member) != nullptr) {
      return InvalidArgumentError("contains private key material (\"" + std::string(member) +
                                  "\"); publish only the public key");
    }
  }
  CDS_RETURN_IF_ERROR(CheckSignatureUse(jwk));
  const json::Value* alg_value = json::Find(jwk, "alg");
  if (alg_value != nullptr && !alg_value->IsString()) {
    return InvalidArgumentError("\"alg\" is not a string");
  }
  const std::string alg = alg_value != nullptr ? std::string(json::AsStringView(*alg_value)) : "";
  if (kty == "EC") {
    if (!alg.empty() && alg != "ES384") {
      return InvalidArgumentError("EC key restricted to unsupported alg " + Quote(alg));
    }
    CDS_ASSIGN_OR_RETURN(std::shared_ptr<EVP_PKEY> pkey, ParseEcKey(jwk));
    return VerificationKey(std::string(*kid), KeyType::kEcP384, alg, std::move(pkey));
  }
  if (kty == "RSA") {
    if (!alg.empty() && alg != "RS384") {
      return InvalidArgumentError("RSA key restricted to unsupported alg " + Quote(alg));
    }
    CDS_ASSIGN_OR_RETURN(std::shared_ptr<EVP_PKEY> pkey, ParseRsaKey(jwk));
    return VerificationKey(std::string(*kid), KeyType::kRsa, alg, std::move(pkey));
  }
  return InvalidArgumentError("unsupported kty " + Quote(kty.value_or("")));
}

StatusOr<JwkSet> ParseJwkSet(std::string_view json_text) {
  if (json_text.size() > kMaxJwkSetBytes) {
    return InvalidArgumentError("JWK Set larger than " + std::to_string(kMaxJwkSetBytes) +
                                " bytes");
  }
  json::JsonLimits limits;
  limits.max_depth = 8;
  limits.max_string_length = 64 * 1024;
  limits.max_values = 20'000;
  StatusOr<std::unique_ptr<json::Document>> doc = json::ParseJson(json_text, limits);
  if (!doc.ok()) {
    return InvalidArgumentError("JWK Set: " + doc.status().message());
  }
  const json::Value* keys = json::GetArray(**doc, "keys");
  if (keys == nullptr) {
    return InvalidArgumentError("JWK Set: no \"keys\" array");
  }
  if (keys->Size() > kMaxKeysPerSet) {
    return InvalidArgumentError("JWK Set: more than " + std::to_string(kMaxKeysPerSet) + " keys");
  }
  JwkSet set;
  std::map<std::string, int> kid_count;
  for (rapidjson::SizeType i = 0; i < keys->Size(); ++i) {
    const json::Value& jwk = (*keys)[i];
    StatusOr<VerificationKey> key = ParseJwk(jwk);
    if (!key.ok()) {
      std::string_view kid = jwk.IsObject() ? json::GetString(jwk, "kid").value_or("") : "";
      set.skipped.push_back("keys[" + std::to_string(i) + "] (kid " + Quote(kid) +
                            "): " + key.status().message());
      continue;
    }
    ++kid_count[key->kid()];
    set.keys.push_back(std::move(key).value());
  }
  std::erase_if(set.keys, [&](const VerificationKey& key) {
    if (kid_count[key.kid()] < 2) {
      return false;
    }
    set.skipped.push_back("kid " + Quote(key.kid()) + ": shared by several keys; all dropped");
    return true;
  });
  return set;
}

}  // namespace cds::auth
