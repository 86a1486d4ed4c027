// The CDS Hooks 2.0 specification's own example token (§Security, "Example") verified
// against the spec's example JWK Set. The files live in the read-only reference tree
// (CDS_SHARED_DIR); when it is absent the tests skip rather than fail.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "base/json.h"

#include "auth/jwk.h"
#include "auth/verifier.h"

#include "tests/support/status_matchers.h"

namespace cds::auth {
namespace {

using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kIss[] = "https://fhir-ehr.example.com/";
constexpr char kAud[] = "https://cds.example.org/cds-services/some-service";
constexpr char kTenant[] = "2ddd6c3a-8e9a-44c6-a305-52111ad302a2";
constexpr int64_t kIat = 1311280970;  // from examples/jwt-payload.json
constexpr int64_t kExp = 1422568860;

std::filesystem::path Examples() {
  return std::filesystem::path(CDS_SHARED_DIR) / "spec" / "cds-hooks" / "examples";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class SpecExampleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::filesystem::path header_file = Examples() / "jwt-authorization-header.json";
    const std::filesystem::path jwks_file = Examples() / "jwks-public.json";
    if (!std::filesystem::exists(header_file) || !std::filesystem::exists(jwks_file)) {
      GTEST_SKIP() << "CDS Hooks spec examples not found under " << Examples()
                   << " (CDS_SHARED_DIR); skipping the spec test vector";
    }
    StatusOr<std::unique_ptr<json::Document>> doc =
        json::ParseJson(ReadFile(header_file), json::JsonLimits{});
    ASSERT_OK(doc);
    std::optional<std::string_view> value = json::GetString(**doc, "Authorization");
    ASSERT_TRUE(value.has_value());
    authorization_ = std::string(*value);
    jwks_ = ReadFile(jwks_file);
  }

  AuthConfig Config() const {
    AuthConfig config;
    config.issuers.push_back({kIss, /*jku_allow_list=*/{}, jwks_, {kTenant}});
    // The example token lives 3.5 years (iat 2011, exp 2015); only for this vector.
    config.max_token_lifetime_seconds = kExp - kIat;
    return config;
  }

  StatusOr<VerifiedCaller> Verify(AuthConfig config, int64_t now, std::string_view aud,
                                  const std::string& authorization) {
    FixedClock clock(now * 1000);
    StatusOr<std::unique_ptr<JwtVerifier>> verifier =
        JwtVerifier::Create(std::move(config), clock, nullptr);
    if (!verifier.ok()) {
      return verifier.status();
    }
    return (*verifier)->Verify(authorization, aud);
  }

  std::string authorization_;
  std::string jwks_;
};

TEST_F(SpecExampleTest, ExampleTokenVerifiesAgainstExampleJwks) {
  StatusOr<VerifiedCaller> caller = Verify(Config(), kIat + 1000, kAud, authorization_);
  ASSERT_OK(caller);
  EXPECT_EQ(caller->iss, kIss);
  EXPECT_EQ(caller->kid, "example-kid");
  EXPECT_EQ(caller->jti, "ee22b021-e1b7-4611-ba5b-8eec6a33ac1e");
  EXPECT_EQ(caller->tenant, kTenant);
}

TEST_F(SpecExampleTest, VerifiesAtBothEndsOfItsValidity) {
  EXPECT_OK(Verify(Config(), kIat, kAud, authorization_));
  EXPECT_OK(Verify(Config(), kExp - 1, kAud, authorization_));
  EXPECT_THAT(Verify(Config(), kExp + 60, kAud, authorization_),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-11] token expired")));
}

TEST_F(SpecExampleTest, DefaultLifetimeLimitRefusesTheExample) {
  AuthConfig config = Config();
  config.max_token_lifetime_seconds = AuthConfig{}.max_token_lifetime_seconds;
  EXPECT_THAT(Verify(config, kIat + 1000, kAud, authorization_),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-14]")));
}

TEST_F(SpecExampleTest, OtherAudienceIsRefused) {
  EXPECT_THAT(Verify(Config(), kIat + 1000, "https://cds.example.org/cds-services", authorization_),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-10]")));
}

TEST_F(SpecExampleTest, AlteredSignatureIsRefused) {
  std::string altered = authorization_;
  char& c = altered[altered.size() - 10];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_THAT(Verify(Config(), kIat + 1000, kAud, altered),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-09]")));
}

TEST_F(SpecExampleTest, PublishedPrivateKeyIsNeverAVerificationKey) {
  const std::filesystem::path file =
      Examples() / "jwk-private-PUBLISHED-SPEC-EXAMPLE-DO-NOT-USE.json";
  if (!std::filesystem::exists(file)) {
    GTEST_SKIP() << "spec example private JWK not found at " << file;
  }
  StatusOr<std::unique_ptr<json::Document>> doc =
      json::ParseJson(ReadFile(file), json::JsonLimits{});
  ASSERT_OK(doc);
  EXPECT_THAT(ParseJwk(**doc), StatusIs(StatusCode::kInvalidArgument,
                                        HasSubstr("contains private key material (\"d\")")));
}

}  // namespace
}  // namespace cds::auth
