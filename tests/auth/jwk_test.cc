#include "auth/jwk.h"

#include <string>

#include "tests/auth/test_keys.h"
#include "tests/support/status_matchers.h"

namespace cds::auth {
namespace {

using ::cds::auth::testing::JwkSetJson;
using ::cds::auth::testing::TestKey;
using ::cds::testing::StatusIs;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Keys are generated once: RSA generation is slow in debug/sanitizer builds.
const TestKey& Ec() {
  static const TestKey key = TestKey::GenerateEs384("ec-1");
  return key;
}
const TestKey& Rsa() {
  static const TestKey key = TestKey::GenerateRsa("rsa-1", 2048);
  return key;
}

// Parses a set holding just `jwk`; returns the reason it was skipped, or "" if taken.
std::string SkipReason(const std::string& jwk) {
  StatusOr<JwkSet> set = ParseJwkSet(JwkSetJson({jwk}));
  if (!set.ok()) {
    return "SET ERROR: " + set.status().message();
  }
  if (set->skipped.empty() && set->keys.size() == 1) {
    return "";
  }
  return set->skipped.empty() ? "no key and no reason" : set->skipped.front();
}

// Replaces `"name":"<old>"` with `"name":"<value>"` in a JWK produced by TestKey.
std::string WithMember(std::string jwk, const std::string& name, const std::string& value) {
  const std::string marker = "\"" + name + "\":\"";
  const size_t start = jwk.find(marker) + marker.size();
  const size_t end = jwk.find('"', start);
  return jwk.replace(start, end - start, value);
}

TEST(JwkTest, AcceptsEcP384AndRsa2048) {
  StatusOr<JwkSet> set = ParseJwkSet(JwkSetJson({Ec().PublicJwk(), Rsa().PublicJwk()}));
  ASSERT_OK(set);
  EXPECT_THAT(set->skipped, IsEmpty());
  ASSERT_EQ(set->keys.size(), 2u);
  ASSERT_NE(set->Find("ec-1"), nullptr);
  EXPECT_EQ(set->Find("ec-1")->type(), KeyType::kEcP384);
  ASSERT_NE(set->Find("rsa-1"), nullptr);
  EXPECT_EQ(set->Find("rsa-1")->type(), KeyType::kRsa);
  EXPECT_EQ(set->Find("nope"), nullptr);
}

TEST(JwkTest, KeepsJwkAlgAndKeyOpsVerify) {
  EXPECT_EQ(SkipReason(Ec().PublicJwk(R"("alg":"ES384","key_ops":["verify"])")), "");
  StatusOr<JwkSet> set = ParseJwkSet(JwkSetJson({Rsa().PublicJwk(R"("alg":"RS384")")}));
  ASSERT_OK(set);
  ASSERT_EQ(set->keys.size(), 1u);
  EXPECT_EQ(set->keys[0].alg(), "RS384");
}

TEST(JwkTest, RefusesShortRsaModulus) {
  const TestKey weak = TestKey::GenerateRsa("rsa-weak", 1024);
  EXPECT_THAT(SkipReason(weak.PublicJwk()), HasSubstr("RSA modulus is 1024 bits"));
}

TEST(JwkTest, RefusesOtherCurves) {
  // A real P-384 point labelled as another curve: only the curve check can catch it.
  std::string jwk = WithMember(Ec().PublicJwk(), "crv", "P-521");
  EXPECT_THAT(SkipReason(jwk), HasSubstr("EC curve \"P-521\" is not supported"));
  EXPECT_THAT(SkipReason(WithMember(Ec().PublicJwk(), "crv", "P-256")), HasSubstr("P-256"));
}

TEST(JwkTest, RefusesPointOffTheCurve) {
  std::string jwk = Ec().PublicJwk();
  // Change one character of y: the point is no longer on P-384.
  const size_t y = jwk.find("\"y\":\"") + 5;
  jwk[y] = jwk[y] == 'A' ? 'B' : 'A';
  EXPECT_THAT(SkipReason(jwk), AnyOf(HasSubstr("OpenSSL rejected the key parameters"),
                                     HasSubstr("public key check failed")));
}

TEST(JwkTest, RefusesBadCoordinates) {
  EXPECT_THAT(SkipReason(WithMember(Ec().PublicJwk(), "x", "AAAA")), HasSubstr("48 bytes"));
  EXPECT_THAT(SkipReason(WithMember(Ec().PublicJwk(), "x", "not*base64")),
              HasSubstr("\"x\": base64url: invalid character"));
}

TEST(JwkTest, SkipsSymmetricKeyButKeepsTheRest) {
  const std::string oct = R"({"kty":"oct","kid":"hmac","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQ"})";
  StatusOr<JwkSet> set = ParseJwkSet(JwkSetJson({oct, Ec().PublicJwk()}));
  ASSERT_OK(set);
  ASSERT_EQ(set->keys.size(), 1u);
  EXPECT_EQ(set->keys[0].kid(), "ec-1");
  EXPECT_EQ(set->Find("hmac"), nullptr);
  EXPECT_THAT(set->skipped, ElementsAre(HasSubstr("symmetric (\"oct\") keys are never accepted")));
}

TEST(JwkTest, SkipsUnsupportedKeyTypes) {
  EXPECT_THAT(SkipReason(R"({"kty":"OKP","kid":"ed","crv":"Ed25519","x":"AAAA"})"),
              HasSubstr("unsupported kty \"OKP\""));
}

TEST(JwkTest, RefusesKeysNotMeantForVerification) {
  EXPECT_THAT(SkipReason(WithMember(Ec().PublicJwk(), "use", "enc")),
              HasSubstr("\"use\" is not \"sig\""));
  EXPECT_THAT(SkipReason(Ec().PublicJwk(R"("key_ops":["sign"])")),
              HasSubstr("\"key_ops\" does not include \"verify\""));
  EXPECT_THAT(SkipReason(Ec().PublicJwk(R"("alg":"ES256")")),
              HasSubstr("EC key restricted to unsupported alg \"ES256\""));
  EXPECT_THAT(SkipReason(Rsa().PublicJwk(R"("alg":"PS384")")),
              HasSubstr("RSA key restricted to unsupported alg \"PS384\""));
}

TEST(JwkTest, RefusesPrivateKeyMaterial) {
  // A private JWK pasted where a public one belongs means the key has leaked.
  EXPECT_THAT(SkipReason(Ec().PublicJwk(R"("d":"AAAA")")),
              HasSubstr("contains private key material (\"d\")"));
}

TEST(JwkTest, RequiresKid) {
  std::string jwk = Ec().PublicJwk();
  jwk.replace(jwk.find("\"kid\""), 5, "\"xid\"");
  EXPECT_THAT(SkipReason(jwk), HasSubstr("no \"kid\""));
}

TEST(JwkTest, DropsAllKeysSharingAKid) {
  const TestKey other = TestKey::GenerateEs384("ec-1");  // same kid, different key
  StatusOr<JwkSet> set =
      ParseJwkSet(JwkSetJson({Ec().PublicJwk(), other.PublicJwk(), Rsa().PublicJwk()}));
  ASSERT_OK(set);
  EXPECT_EQ(set->Find("ec-1"), nullptr);
  EXPECT_NE(set->Find("rsa-1"), nullptr);
  EXPECT_THAT(set->skipped, ElementsAre(HasSubstr("shared by several keys"),
                                        HasSubstr("shared by several keys")));
}

TEST(JwkTest, RefusesDocumentsThatAreNotJwkSets) {
  EXPECT_THAT(ParseJwkSet("not json"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("JWK Set")));
  EXPECT_THAT(ParseJwkSet(R"({"keys":{}})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no \"keys\" array")));
  EXPECT_THAT(ParseJwkSet(Ec().PublicJwk()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no \"keys\" array")));
}

}  // namespace
}  // namespace cds::auth
