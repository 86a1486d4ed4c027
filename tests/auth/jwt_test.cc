#include "auth/jwt.h"

#include <string>

#include "auth/base64url.h"

#include "tests/auth/test_keys.h"
#include "tests/support/status_matchers.h"

namespace cds::auth {
namespace {

using ::cds::auth::testing::JwkSetJson;
using ::cds::auth::testing::MintRaw;
using ::cds::auth::testing::TestKey;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kPayload[] = R"({"iss":"i","aud":"a","exp":200,"iat":100,"jti":"j"})";

const TestKey& Ec() {
  static const TestKey key = TestKey::GenerateEs384("ec-1");
  return key;
}
const TestKey& Rsa() {
  static const TestKey key = TestKey::GenerateRsa("rsa-1", 2048);
  return key;
}

VerificationKey KeyOf(const TestKey& key) {
  StatusOr<JwkSet> set = ParseJwkSet(JwkSetJson({key.PublicJwk()}));
  if (!set.ok() || set->keys.size() != 1) {
    ADD_FAILURE() << "cannot load test key";
    std::abort();
  }
  return set->keys[0];
}

std::string Token(std::string_view header, std::string_view payload = kPayload) {
  return MintRaw(Ec(), header, payload);
}

TEST(DecodeJwtTest, DecodesHeaderAndClaims) {
  StatusOr<DecodedJwt> jwt = DecodeJwt(Token(
      R"({"alg":"ES384","typ":"JWT","kid":"k","jku":"https://x/jwks"})",
      R"({"iss":"i","aud":["a","b"],"exp":200.9,"iat":100,"nbf":90,"jti":"j","tenant":"t"})"));
  ASSERT_OK(jwt);
  EXPECT_EQ(jwt->header.alg, "ES384");
  EXPECT_EQ(jwt->header.kid, "k");
  EXPECT_EQ(jwt->header.jku, "https://x/jwks");
  EXPECT_EQ(jwt->claims.iss, "i");
  EXPECT_EQ(jwt->claims.aud, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(jwt->claims.exp, 200);  // fractional NumericDate floored
  EXPECT_EQ(jwt->claims.iat, 100);
  EXPECT_EQ(jwt->claims.nbf, 90);
  EXPECT_EQ(jwt->claims.jti, "j");
  EXPECT_EQ(jwt->claims.tenant, "t");
  EXPECT_EQ(jwt->signature.size(), 96u);
}

TEST(DecodeJwtTest, RequiresThreeParts) {
  for (const char* bad : {"", "abc", "a.b", "a.b.c.d", "a..b.c"}) {
    EXPECT_THAT(DecodeJwt(bad), StatusIs(StatusCode::kInvalidArgument, HasSubstr("compact JWS")))
        << bad;
  }
}

TEST(DecodeJwtTest, RefusesBadSegments) {
  EXPECT_THAT(DecodeJwt("e30=.e30.AA"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("header: base64url")));
  EXPECT_THAT(DecodeJwt(Base64UrlEncode("[1]") + ".e30.AA"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("header is not a JSON object")));
  const std::string header = Base64UrlEncode(R"({"alg":"ES384","typ":"JWT","kid":"k"})");
  EXPECT_THAT(DecodeJwt(header + "." + Base64UrlEncode("{") + ".AA"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("payload is not a JSON object")));
  EXPECT_THAT(DecodeJwt(header + ".e30.A+A"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("signature: base64url")));
}

TEST(DecodeJwtTest, RefusesDuplicateMembers) {
  // Parsers disagree on duplicates (first wins vs last wins); refusing closes that gap.
  EXPECT_THAT(DecodeJwt(Token(R"({"alg":"ES384","typ":"JWT","kid":"k","kid":"other"})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("header is not a JSON object")));
}

TEST(DecodeJwtTest, EnforcesHeaderRules) {
  EXPECT_THAT(DecodeJwt(Token(R"({"typ":"JWT","kid":"k"})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"alg\" missing")));
  EXPECT_THAT(DecodeJwt(Token(R"({"alg":"ES384","typ":"JWT"})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"kid\" missing")));
  EXPECT_THAT(DecodeJwt(Token(R"({"alg":"ES384","kid":"k"})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"typ\" is not \"JWT\"")));
  EXPECT_THAT(DecodeJwt(Token(R"({"alg":"ES384","typ":"at+jwt","kid":"k"})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"typ\" is not \"JWT\"")));
  EXPECT_THAT(DecodeJwt(Token(R"({"alg":"ES384","typ":"JWT","kid":"k","crit":["exp"]})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"crit\"")));
  EXPECT_THAT(DecodeJwt(Token(R"({"alg":"ES384","typ":"JWT","kid":"k","jku":7})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"jku\" is not a string")));
}

TEST(DecodeJwtTest, TypIsAMediaTypeSoCaseAndPrefixAreTolerated) {
  for (const char* typ : {"JWT", "jwt", "application/jwt", "Application/JWT"}) {
    EXPECT_OK(DecodeJwt(Token(std::string(R"({"alg":"ES384","kid":"k","typ":")") + typ + "\"}")))
        << typ;
  }
}

TEST(DecodeJwtTest, TypeChecksClaims) {
  const std::string h = R"({"alg":"ES384","typ":"JWT","kid":"k"})";
  EXPECT_THAT(DecodeJwt(Token(h, R"({"iss":1})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"iss\" is not a string")));
  EXPECT_THAT(DecodeJwt(Token(h, R"({"aud":["a",1]})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("non-string")));
  EXPECT_THAT(DecodeJwt(Token(h, R"({"aud":{}})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("neither a string nor an array")));
  EXPECT_THAT(DecodeJwt(Token(h, R"({"exp":"200"})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"exp\" is not a NumericDate")));
  EXPECT_THAT(DecodeJwt(Token(h, R"({"iat":-1})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"iat\" is out of range")));
  EXPECT_THAT(DecodeJwt(Token(h, R"({"exp":1e300})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"exp\" is out of range")));
  EXPECT_THAT(DecodeJwt(Token(h, R"({"tenant":["t"]})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"tenant\" is not a string")));
}

TEST(DecodeJwtTest, RefusesOversizedTokens) {
  EXPECT_THAT(DecodeJwt(std::string(kMaxJwtBytes + 1, 'A')),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("token longer than")));
}

TEST(AlgorithmTest, ForbiddenAndSupportedSets) {
  for (const char* alg : {"none", "None", "NONE", "HS256", "HS384", "HS512", "hs256"}) {
    EXPECT_TRUE(IsForbiddenAlgorithm(alg)) << alg;
    EXPECT_FALSE(ParseAlgorithm(alg).has_value()) << alg;
  }
  EXPECT_EQ(ParseAlgorithm("ES384"), JwsAlgorithm::kEs384);
  EXPECT_EQ(ParseAlgorithm("RS384"), JwsAlgorithm::kRs384);
  EXPECT_FALSE(ParseAlgorithm("es384").has_value());
  EXPECT_FALSE(ParseAlgorithm("RS256").has_value());
  EXPECT_FALSE(IsForbiddenAlgorithm("ES384"));
}

class SignatureTest : public ::testing::Test {
 protected:
  const std::string input_ = "eyJhbGciOiJFUzM4NCJ9.eyJpc3MiOiJpIn0";
};

TEST_F(SignatureTest, Es384RawSignatureVerifies) {
  EXPECT_OK(VerifyJwsSignature(JwsAlgorithm::kEs384, KeyOf(Ec()), input_, Ec().Sign(input_)));
}

TEST_F(SignatureTest, Rs384Verifies) {
  EXPECT_OK(VerifyJwsSignature(JwsAlgorithm::kRs384, KeyOf(Rsa()), input_, Rsa().Sign(input_)));
}

TEST_F(SignatureTest, RejectsChangedInputOrSignature) {
  std::string sig = Ec().Sign(input_);
  EXPECT_THAT(VerifyJwsSignature(JwsAlgorithm::kEs384, KeyOf(Ec()), input_ + "x", sig),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("signature does not verify")));
  sig[10] ^= 1;
  EXPECT_THAT(VerifyJwsSignature(JwsAlgorithm::kEs384, KeyOf(Ec()), input_, sig),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("signature does not verify")));
  std::string rsa_sig = Rsa().Sign(input_);
  rsa_sig[0] ^= 1;
  EXPECT_THAT(VerifyJwsSignature(JwsAlgorithm::kRs384, KeyOf(Rsa()), input_, rsa_sig),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("signature does not verify")));
}

TEST_F(SignatureTest, RejectsDerEncodedEcdsaSignature) {
  // OpenSSL's native form is DER; JOSE requires raw R||S (RFC 7518 §3.4).
  EXPECT_THAT(VerifyJwsSignature(JwsAlgorithm::kEs384, KeyOf(Ec()), input_, Ec().SignDer(input_)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not 96 bytes")));
}

TEST_F(SignatureTest, RejectsAllZeroSignature) {
  EXPECT_THAT(VerifyJwsSignature(JwsAlgorithm::kEs384, KeyOf(Ec()), input_, std::string(96, '\0')),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("signature does not verify")));
}

TEST_F(SignatureTest, KeyTypeMustMatchAlgorithm) {
  EXPECT_THAT(VerifyJwsSignature(JwsAlgorithm::kEs384, KeyOf(Rsa()), input_, Ec().Sign(input_)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("key does not match alg ES384")));
  EXPECT_THAT(VerifyJwsSignature(JwsAlgorithm::kRs384, KeyOf(Ec()), input_, Rsa().Sign(input_)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("key does not match alg RS384")));
}

TEST_F(SignatureTest, RsaSignatureLengthMustEqualModulus) {
  EXPECT_THAT(VerifyJwsSignature(JwsAlgorithm::kRs384, KeyOf(Rsa()), input_,
                                 Rsa().Sign(input_) + std::string(1, '\0')),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("wrong length")));
}

}  // namespace
}  // namespace cds::auth
