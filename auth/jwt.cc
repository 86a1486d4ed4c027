#include "auth/jwt.h"

#include <cctype>
#include <cmath>
#include <memory>
#include <utility>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "base/ascii.h"
#include "base/json.h"
#include "base/status_macros.h"

#include "auth/base64url.h"

namespace cds::auth {
namespace {

// RFC 7518 §3.4: an ES384 signature is R and S, 48 octets each, concatenated.
constexpr size_t kEs384SignatureBytes = 96;
// Upper bound for NumericDate values (9999-12-31T23:59:59Z): keeps exp + leeway and
// exp - iat far from int64 overflow.
constexpr int64_t kMaxNumericDate = 253402300799;

json::JsonLimits TokenJsonLimits() {
  json::JsonLimits limits;
  limits.max_depth = 16;
  limits.max_string_length = kMaxJwtBytes;
  limits.max_values = 1000;
  return limits;
}

StatusOr<std::unique_ptr<json::Document>> DecodeJsonSegment(std::string_view segment,
                                                            std::string_view what) {
  StatusOr<std::string> bytes = Base64UrlDecode(segment);
  if (!bytes.ok()) {
    return InvalidArgumentError(std::string(what) + ": " + bytes.status().message());
  }
  StatusOr<std::unique_ptr<json::Document>> doc = json::ParseJson(*bytes, TokenJsonLimits());
  if (!doc.ok() || !(*doc)->IsObject()) {
    return InvalidArgumentError(std::string(what) + " is not a JSON object");
  }
  return doc;
}

// An optional string member: absent -> nullopt, present but not a string -> error.
StatusOr<std::optional<std::string>> OptionalString(const json::Value& obj, std::string_view name,
                                                    std::string_view where) {
  const json::Value* v = json::Find(obj, name);
  if (v == nullptr) {
    return std::optional<std::string>();
  }
  if (!v->IsString()) {
    return InvalidArgumentError(std::string(where) + " \"" + std::string(name) +
                                "\" is not a string");
  }
  return std::optional<std::string>(std::string(json::AsStringView(*v)));
}

// RFC 7519 §2 NumericDate: a JSON number of seconds, possibly fractional.
StatusOr<std::optional<int64_t>> NumericDate(const json::Value& claims, std::string_view name) {
  const json::Value* v = json::Find(claims, name);
  if (v == nullptr) {
    return std::optional<int64_t>();
  }
  double seconds = 0;
  if (v->IsInt64()) {
    seconds = static_cast<double>(v->GetInt64());
  } else if (v->IsNumber()) {
    seconds = std::floor(v->GetDouble());
  } else {
    return InvalidArgumentError("claim \"" + std::string(name) + "\" is not a NumericDate");
  }
  if (!(seconds >= 0 && seconds <= static_cast<double>(kMaxNumericDate))) {
    return InvalidArgumentError("claim \"" + std::string(name) + "\" is out of range");
  }
  return std::optional<int64_t>(v->IsInt64() ? v->GetInt64() : static_cast<int64_t>(seconds));
}

StatusOr<std::optional<std::vector<std::string>>> Audience(const json::Value& claims) {
  const json::Value* v = json::Find(claims, "aud");
  if (v == nullptr) {
    return std::optional<std::vector<std::string>>();
  }
  std::vector<std::string> aud;
  if (v->IsString()) {
    aud.emplace_back(json::AsStringView(*v));
  } else if (v->IsArray()) {
    for (const json::Value& item : v->GetArray()) {
      if (!item.IsString()) {
        return InvalidArgumentError("claim \"aud\" array holds a non-string");
      }
      aud.emplace_back(json::AsStringView(item));
    }
  } else {
    return InvalidArgumentError("claim \"aud\" is neither a string nor an array");
  }
  return std::optional<std::vector<std::string>>(std::move(aud));
}

StatusOr<JoseHeader> ParseHeader(const json::Value& h) {
  JoseHeader header;
  std::optional<std::string_view> alg = json::GetString(h, "alg");
  if (!alg.has_value() || alg->empty()) {
    return InvalidArgumentError("header \"alg\" missing");
  }
  std::optional<std::string_view> kid = json::GetString(h, "kid");
  if (!kid.has_value() || kid->empty()) {
    return InvalidArgumentError("header \"kid\" missing (REQUIRED by CDS Hooks)");
  }
  std::optional<std::string_view> typ = json::GetString(h, "typ");
  if (!typ.has_value() ||
      !(EqualsIgnoreAsciiCase(*typ, "JWT") || EqualsIgnoreAsciiCase(*typ, "application/jwt"))) {
    return InvalidArgumentError("header \"typ\" is not \"JWT\"");
  }
  if (json::Find(h, "crit") != nullptr) {
    return InvalidArgumentError("header \"crit\" names extensions this service does not support");
  }
  header.alg = std::string(*alg);
  header.kid = std::string(*kid);
  header.typ = std::string(*typ);
  CDS_ASSIGN_OR_RETURN(header.jku, OptionalString(h, "jku", "header"));
  return header;
}

StatusOr<JwtClaims> ParseClaims(const json::Value& c) {
  JwtClaims claims;
  CDS_ASSIGN_OR_RETURN(claims.iss, OptionalString(c, "iss", "claim"));
  CDS_ASSIGN_OR_RETURN(claims.aud, Audience(c));
  CDS_ASSIGN_OR_RETURN(claims.exp, NumericDate(c, "exp"));
  CDS_ASSIGN_OR_RETURN(claims.iat, NumericDate(c, "iat"));
  CDS_ASSIGN_OR_RETURN(claims.nbf, NumericDate(c, "nbf"));
  CDS_ASSIGN_OR_RETURN(claims.jti, OptionalString(c, "jti", "claim"));
  CDS_ASSIGN_OR_RETURN(claims.tenant, OptionalString(c, "tenant", "claim"));
  return claims;
}

// Converts a raw R||S signature to the DER ECDSA-Sig-Value that OpenSSL verifies.
StatusOr<std::string> RawEcdsaToDer(std::string_view raw) {
  const size_t half = raw.size() / 2;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(bytes + half, static_cast<int>(half), nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ERR_clear_error();
    return InternalError("could not build ECDSA signature");
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) {
    ERR_clear_error();
    return InternalError("could not encode ECDSA signature");
  }
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

Status DigestVerify(const VerificationKey& key, bool rsa, std::string_view signing_input,
                    std::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit_ex(ctx.get(), &pctx, "SHA384", nullptr, nullptr, key.pkey(), nullptr) ==
          1 &&
      (!rsa || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1) &&
      EVP_DigestVerify(
          ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  // A bad signature leaves OpenSSL errors queued; they must not leak into later calls.
  ERR_clear_error();
  if (!ok) {
    return InvalidArgumentError("signature does not verify");
  }
  return OkStatus();
}

}  // namespace

std::string_view AlgorithmName(JwsAlgorithm alg) {
  return alg == JwsAlgorithm::kEs384 ? "ES384" : "RS384";
}

std::optional<JwsAlgorithm> ParseAlgorithm(std::string_view name) {
  if (name == "ES384") {
    return JwsAlgorithm::kEs384;
  }
  if (name == "RS384") {
    return JwsAlgorithm::kRs384;
  }
  return std::nullopt;
}

bool IsForbiddenAlgorithm(std::string_view name) {
  return EqualsIgnoreAsciiCase(name, "none") ||
         (name.size() >= 2 && EqualsIgnoreAsciiCase(name.substr(0, 2), "HS"));
}

StatusOr<DecodedJwt> DecodeJwt(std::string_view compact) {
  if (compact.size() > kMaxJwtBytes) {
    return InvalidArgumentError("token longer than " + std::to_string(kMaxJwtBytes) + " bytes");
  }
  const size_t dot1 = compact.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : compact.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || compact.find('.', dot2 + 1) != std::string_view::npos) {
    return InvalidArgumentError("token is not a compact JWS (three dot-separated parts)");
  }
  DecodedJwt jwt;
  CDS_ASSIGN_OR_RETURN(auto header_doc, DecodeJsonSegment(compact.substr(0, dot1), "header"));
  CDS_ASSIGN_OR_RETURN(jwt.header, ParseHeader(*header_doc));
  CDS_ASSIGN_OR_RETURN(auto claims_doc,
                       DecodeJsonSegment(compact.substr(dot1 + 1, dot2 - dot1 - 1), "payload"));
  CDS_ASSIGN_OR_RETURN(jwt.claims, ParseClaims(*claims_doc));
  StatusOr<std::string> signature = Base64UrlDecode(compact.substr(dot2 + 1));
  if (!signature.ok()) {
    return InvalidArgumentError("signature: " + signature.status().message());
  }
  jwt.signing_input = std::string(compact.substr(0, dot2));
  jwt.signature = std::move(signature).value();
  return jwt;
}

Status VerifyJwsSignature(JwsAlgorithm alg, const VerificationKey& key,
                          std::string_view signing_input, std::string_view signature) {
  const bool want_ec = alg == JwsAlgorithm::kEs384;
  if (want_ec != (key.type() == KeyType::kEcP384) ||
      (!key.alg().empty() && key.alg() != AlgorithmName(alg))) {
    return InvalidArgumentError("key does not match alg " + std::string(AlgorithmName(alg)));
  }
  if (!want_ec) {
    // RFC 8017 §8.2.2: the signature is exactly as long as the modulus.
    if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key.pkey()))) {
      return InvalidArgumentError("RS384 signature has the wrong length");
    }
    return DigestVerify(key, /*rsa=*/true, signing_input, signature);
  }
  if (signature.size() != kEs384SignatureBytes) {
    return InvalidArgumentError("ES384 signature is not 96 bytes (raw R||S)");
  }
  CDS_ASSIGN_OR_RETURN(std::string der, RawEcdsaToDer(signature));
  return DigestVerify(key, /*rsa=*/false, signing_input, der);
}

}  // namespace cds::auth
