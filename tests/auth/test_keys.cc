#include "tests/auth/test_keys.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "auth/base64url.h"

namespace cds::auth::testing {
namespace {

// A failing OpenSSL call here means a broken test environment, not a finding.
void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "test_keys: OpenSSL call failed: %s\n", what);
    std::abort();
  }
}

std::string BnParam(EVP_PKEY* pkey, const char* name, int pad_to) {
  BIGNUM* bn = nullptr;
  Require(EVP_PKEY_get_bn_param(pkey, name, &bn) == 1, name);
  const int len = pad_to > 0 ? pad_to : BN_num_bytes(bn);
  std::string out(static_cast<size_t>(len), '\0');
  Require(BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), len) == len, name);
  BN_free(bn);
  return Base64UrlEncode(out);
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, const char* key, const std::optional<std::string>& v) {
  if (v.has_value()) {
    w.Key(key);
    w.String(v->c_str(), static_cast<rapidjson::SizeType>(v->size()));
  }
}

void Int(Writer& w, const char* key, const std::optional<int64_t>& v) {
  if (v.has_value()) {
    w.Key(key);
    w.Int64(*v);
  }
}

}  // namespace

TestKey TestKey::GenerateEs384(std::string kid) {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  Require(pkey != nullptr, "EC keygen");
  return TestKey(std::move(kid), true, std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free));
}

TestKey TestKey::GenerateRsa(std::string kid, int bits) {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  Require(pkey != nullptr, "RSA keygen");
  return TestKey(std::move(kid), false, std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free));
}

std::string TestKey::PublicJwk(std::string_view extra) const {
  std::string jwk = "{\"kid\":\"" + kid_ + "\",\"use\":\"sig\",";
  if (ec_) {
    jwk += "\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"" +
           BnParam(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_X, 48) + "\",\"y\":\"" +
           BnParam(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 48) + "\"";
  } else {
    jwk += "\"kty\":\"RSA\",\"n\":\"" + BnParam(pkey_.get(), OSSL_PKEY_PARAM_RSA_N, 0) +
           "\",\"e\":\"" + BnParam(pkey_.get(), OSSL_PKEY_PARAM_RSA_E, 0) + "\"";
  }
  if (!extra.empty()) {
    jwk += ",";
    jwk += extra;
  }
  return jwk + "}";
}

std::string TestKey::SignDer(std::string_view signing_input) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  const auto* tbs = reinterpret_cast<const unsigned char*>(signing_input.data());
  size_t len = 0;
  Require(EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA384", nullptr, nullptr, pkey_.get(),
                                nullptr) == 1,
          "sign init");
  Require(EVP_DigestSign(ctx.get(), nullptr, &len, tbs, signing_input.size()) == 1, "sign len");
  std::string sig(len, '\0');
  Require(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, tbs,
                         signing_input.size()) == 1,
          "sign");
  sig.resize(len);
  return sig;
}

std::string TestKey::Sign(std::string_view signing_input) const {
  std::string der = SignDer(signing_input);
  if (!ec_) {
    return der;  // RSA PKCS#1 v1.5 is already the JOSE form
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  Require(sig != nullptr, "d2i_ECDSA_SIG");
  std::string raw(96, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  Require(BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, 48) == 48, "r");
  Require(BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + 48, 48) == 48, "s");
  ECDSA_SIG_free(sig);
  return raw;
}

std::string JwkSetJson(const std::vector<std::string>& jwks) {
  std::string out = "{\"keys\":[";
  for (size_t i = 0; i < jwks.size(); ++i) {
    out += (i == 0 ? "" : ",") + jwks[i];
  }
  return out + "]}";
}

TokenParams ValidParams(int64_t now) {
  static std::atomic<int> counter{0};
  TokenParams p;
  p.iat = now - 10;
  p.exp = now + 290;
  p.jti = "jti-" + std::to_string(now) + "-" + std::to_string(++counter);
  return p;
}

std::string HeaderJson(const TokenParams& p, const TestKey& key) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Str(w, "alg", p.alg);
  Str(w, "typ", p.typ);
  Str(w, "kid", p.kid.has_value() ? p.kid : key.kid());
  Str(w, "jku", p.jku);
  if (p.crit.has_value()) {
    w.Key("crit");
    w.StartArray();
    w.String(p.crit->c_str());
    w.EndArray();
  }
  w.EndObject();
  return buf.GetString();
}

std::string PayloadJson(const TokenParams& p) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Str(w, "iss", p.iss);
  Str(w, "aud", p.aud);
  Int(w, "iat", p.iat);
  Int(w, "exp", p.exp);
  Int(w, "nbf", p.nbf);
  Str(w, "jti", p.jti);
  Str(w, "tenant", p.tenant);
  w.EndObject();
  return buf.GetString();
}

std::string MintRaw(const TestKey& key, std::string_view header_json,
                    std::string_view payload_json) {
  std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  return input + "." + Base64UrlEncode(key.Sign(input));
}

std::string Mint(const TestKey& key, const TokenParams& p) {
  return MintRaw(key, HeaderJson(p, key), PayloadJson(p));
}

}  // namespace cds::auth::testing
