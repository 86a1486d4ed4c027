// JwtVerifier claim and header rules, with keys configured out of band. Tokens are minted
// by tests/auth/test_keys (OpenSSL); JWKS fetching is in jwks_fetch_test.cc and interop
// with an independent signer in verifier_jose_test.cc.
#include "auth/verifier.h"

#include <string>

#include "auth/base64url.h"

#include "tests/auth/test_keys.h"
#include "tests/support/status_matchers.h"

namespace cds::auth {
namespace {

using ::cds::auth::testing::JwkSetJson;
using ::cds::auth::testing::Mint;
using ::cds::auth::testing::TestKey;
using ::cds::auth::testing::TokenParams;
using ::cds::auth::testing::ValidParams;
using ::cds::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kNow = 1'700'000'000;
constexpr char kIss[] = "https://ehr.example.org/";
constexpr char kAud[] = "https://cds.example.org/cds-services/svc";

const TestKey& Ec() {
  static const TestKey key = TestKey::GenerateEs384("ec-1");
  return key;
}
const TestKey& Rsa() {
  static const TestKey key = TestKey::GenerateRsa("rsa-1", 2048);
  return key;
}

class VerifierTest : public ::testing::Test {
 protected:
  static AuthConfig Config() {
    AuthConfig config;
    config.issuers.push_back(
        {kIss, {}, JwkSetJson({Ec().PublicJwk(), Rsa().PublicJwk()}), /*tenants=*/{}});
    return config;
  }

  void Reset(AuthConfig config) {
    StatusOr<std::unique_ptr<JwtVerifier>> v =
        JwtVerifier::Create(std::move(config), clock_, /*fetcher=*/nullptr);
    ASSERT_OK(v);
    verifier_ = std::move(v).value();
  }
  void SetUp() override { Reset(Config()); }

  StatusOr<VerifiedCaller> Verify(const std::string& token, std::string_view aud = kAud) {
    return verifier_->Verify("Bearer " + token, aud);
  }

  // Mints with `edit` applied to valid params and expects kUnauthenticated with `reason`.
  template <typename Edit>
  void ExpectRejected(Edit edit, const std::string& reason, const TestKey& key = Ec()) {
    TokenParams p = ValidParams(kNow);
    edit(p);
    const std::string token = Mint(key, p);
    StatusOr<VerifiedCaller> result = Verify(token);
    EXPECT_THAT(result, StatusIs(StatusCode::kUnauthenticated, HasSubstr(reason)));
    // The log line never carries the token or its signature.
    EXPECT_THAT(result.status().message(), Not(HasSubstr(token.substr(token.rfind('.') + 1))));
    EXPECT_THAT(result.status().message(), Not(HasSubstr(token.substr(0, token.find('.')))));
  }

  FixedClock clock_{kNow * 1000};
  std::unique_ptr<JwtVerifier> verifier_;
};

TEST_F(VerifierTest, AcceptsEs384AndRs384) {
  TokenParams p = ValidParams(kNow);
  p.tenant = "t-1";
  StatusOr<VerifiedCaller> caller = Verify(Mint(Ec(), p));
  ASSERT_OK(caller);
  EXPECT_EQ(caller->iss, kIss);
  EXPECT_EQ(caller->kid, "ec-1");
  EXPECT_EQ(caller->jti, *p.jti);
  EXPECT_EQ(caller->tenant, "t-1");

  TokenParams r = ValidParams(kNow);
  r.alg = "RS384";
  StatusOr<VerifiedCaller> rsa_caller = Verify(Mint(Rsa(), r));
  ASSERT_OK(rsa_caller);
  EXPECT_EQ(rsa_caller->kid, "rsa-1");
  EXPECT_EQ(rsa_caller->tenant, std::nullopt);
}

TEST_F(VerifierTest, RequiresBearerScheme) {
  const std::string token = Mint(Ec(), ValidParams(kNow));
  const std::vector<std::string> headers = {
      "", "Bearer", "Bearer ", "Basic " + token, "Bearer" + token, token};
  for (const std::string& header : headers) {
    EXPECT_THAT(verifier_->Verify(header, kAud),
                StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-01]")))
        << header;
  }
  // The scheme is case-insensitive (RFC 9110 §11.1).
  EXPECT_OK(verifier_->Verify("bearer  " + token, kAud));
}

TEST_F(VerifierTest, RefusesMalformedTokens) {
  EXPECT_THAT(Verify("not-a-jwt"),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-02] malformed token")));
}

TEST_F(VerifierTest, RefusesNoneAndHmacAlgorithms) {
  TokenParams p = ValidParams(kNow);
  p.alg = "none";
  const std::string none = Base64UrlEncode(testing::HeaderJson(p, Ec())) + "." +
                           Base64UrlEncode(testing::PayloadJson(p)) + ".";
  EXPECT_THAT(Verify(none),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-03] alg \"none\"")));
  ExpectRejected([](TokenParams& t) { t.alg = "HS256"; }, "[CDS-AUTH-03] alg \"HS256\" refused");
}

TEST_F(VerifierTest, RefusesAlgorithmsOffTheAllowList) {
  AuthConfig config = Config();
  config.algorithms = {"ES384"};
  Reset(config);
  ExpectRejected([](TokenParams& t) { t.alg = "RS384"; }, "[CDS-AUTH-04] alg \"RS384\" not allowed",
                 Rsa());
  ExpectRejected([](TokenParams& t) { t.alg = "ES256"; }, "[CDS-AUTH-04] alg \"ES256\"");
}

TEST_F(VerifierTest, RequiresATrustedIssuer) {
  ExpectRejected([](TokenParams& t) { t.iss.reset(); }, "[CDS-AUTH-05] claim iss missing");
  ExpectRejected([](TokenParams& t) { t.iss = "https://ehr.example.org"; },
                 "[CDS-AUTH-06] untrusted iss \"https://ehr.example.org\"");
}

TEST_F(VerifierTest, RequiresAKnownKid) {
  ExpectRejected([](TokenParams& t) { t.kid = "ec-2"; },
                 "[CDS-AUTH-07] kid \"ec-2\" not among the configured keys");
}

TEST_F(VerifierTest, RequiresAValidSignature) {
  const TestKey impostor = TestKey::GenerateEs384("ec-1");  // same kid, other key
  ExpectRejected([](TokenParams&) {}, "[CDS-AUTH-09] signature rejected", impostor);
  // An EC signature presented as RS384 under the RSA key's kid.
  ExpectRejected(
      [](TokenParams& t) {
        t.alg = "RS384";
        t.kid = "rsa-1";
      },
      "[CDS-AUTH-09] signature rejected");
  // The ES384 header naming the RSA key: key type must match alg.
  ExpectRejected([](TokenParams& t) { t.kid = "rsa-1"; }, "key does not match alg ES384");
}

TEST_F(VerifierTest, AudienceMustBeThisEndpointExactly) {
  ExpectRejected([](TokenParams& t) { t.aud.reset(); }, "[CDS-AUTH-10] claim aud missing");
  ExpectRejected([](TokenParams& t) { t.aud = std::string(kAud) + "/"; },
                 "[CDS-AUTH-10] aud does not name this endpoint");
  ExpectRejected([](TokenParams& t) { t.aud = "https://cds.example.org/cds-services"; },
                 "[CDS-AUTH-10]");
  EXPECT_THAT(Verify(Mint(Ec(), ValidParams(kNow)), "https://cds.example.org/cds-services/other"),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-10]")));
}

TEST_F(VerifierTest, ExpiryHonoursLeeway) {
  ExpectRejected([](TokenParams& t) { t.exp.reset(); }, "[CDS-AUTH-11] claim exp missing");
  // Valid while now < exp + leeway (60 s).
  ExpectRejected(
      [](TokenParams& t) {
        t.iat = kNow - 600;
        t.exp = kNow - 60;
      },
      "[CDS-AUTH-11] token expired");
  TokenParams p = ValidParams(kNow);
  p.iat = kNow - 600;
  p.exp = kNow - 59;
  EXPECT_OK(Verify(Mint(Ec(), p)));
}

TEST_F(VerifierTest, IssuedAtAndNotBeforeHonourLeeway) {
  ExpectRejected([](TokenParams& t) { t.iat.reset(); }, "[CDS-AUTH-12] claim iat missing");
  ExpectRejected(
      [](TokenParams& t) {
        t.iat = kNow + 61;
        t.exp = kNow + 300;
      },
      "[CDS-AUTH-12] iat 1700000061 is in the future");
  TokenParams p = ValidParams(kNow);
  p.iat = kNow + 60;
  EXPECT_OK(Verify(Mint(Ec(), p)));
  ExpectRejected([](TokenParams& t) { t.nbf = kNow + 61; }, "[CDS-AUTH-13] token not valid before");
}

TEST_F(VerifierTest, LifetimeIsBounded) {
  ExpectRejected(
      [](TokenParams& t) {
        t.iat = kNow - 10;
        t.exp = kNow - 10 + 3601;
      },
      "[CDS-AUTH-14] token lifetime exp - iat = 3601 s outside 0..3600 s");
  ExpectRejected(
      [](TokenParams& t) {
        t.iat = kNow + 30;
        t.exp = kNow + 20;
      },
      "[CDS-AUTH-14]");
  TokenParams p = ValidParams(kNow);
  p.iat = kNow - 10;
  p.exp = kNow - 10 + 3600;
  EXPECT_OK(Verify(Mint(Ec(), p)));
}

TEST_F(VerifierTest, RequiresABoundedJti) {
  ExpectRejected([](TokenParams& t) { t.jti.reset(); }, "[CDS-AUTH-15] claim jti missing");
  ExpectRejected([](TokenParams& t) { t.jti = ""; }, "[CDS-AUTH-15] claim jti missing");
  ExpectRejected([](TokenParams& t) { t.jti = std::string(257, 'j'); }, "[CDS-AUTH-15]");
}

TEST_F(VerifierTest, TenantMustBeListedWhenTheIssuerHasTenants) {
  AuthConfig config = Config();
  config.issuers[0].tenants = {"t-1", "t-2"};
  Reset(config);
  ExpectRejected([](TokenParams& t) { t.tenant.reset(); }, "[CDS-AUTH-16] claim tenant missing");
  ExpectRejected([](TokenParams& t) { t.tenant = "t-3"; },
                 "[CDS-AUTH-16] tenant \"t-3\" not allowed");
  TokenParams p = ValidParams(kNow);
  p.tenant = "t-2";
  EXPECT_OK(Verify(Mint(Ec(), p)));
}

TEST_F(VerifierTest, SecondUseOfATokenIsAReplay) {
  const std::string token = Mint(Ec(), ValidParams(kNow));
  EXPECT_OK(Verify(token));
  EXPECT_THAT(Verify(token),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-17] jti already used")));
  // Same jti in a fresh token is still the same nonce.
  TokenParams p = ValidParams(kNow);
  p.jti = "reused";
  EXPECT_OK(Verify(Mint(Ec(), p)));
  p.iat = kNow - 5;
  EXPECT_THAT(Verify(Mint(Ec(), p)), StatusIs(StatusCode::kUnauthenticated, HasSubstr("replay")));
}

TEST_F(VerifierTest, RejectedTokensDoNotConsumeTheirJti) {
  TokenParams p = ValidParams(kNow);
  p.aud = "https://cds.example.org/cds-services/other";
  EXPECT_THAT(Verify(Mint(Ec(), p)), StatusIs(StatusCode::kUnauthenticated, HasSubstr("aud")));
  p.aud = kAud;
  EXPECT_OK(Verify(Mint(Ec(), p)));
}

TEST_F(VerifierTest, FullReplayCacheRefusesNewTokensUntilEntriesExpire) {
  AuthConfig config = Config();
  config.max_replay_cache_entries = 2;
  Reset(config);
  EXPECT_OK(Verify(Mint(Ec(), ValidParams(kNow))));
  EXPECT_OK(Verify(Mint(Ec(), ValidParams(kNow))));
  ExpectRejected([](TokenParams&) {}, "[CDS-AUTH-18] replay cache full");
  // exp + leeway of the first two is kNow + 350; after that there is room again.
  clock_.Set((kNow + 350) * 1000);
  EXPECT_OK(Verify(Mint(Ec(), ValidParams(kNow + 350))));
}

TEST_F(VerifierTest, CreateRefusesInvalidConfig) {
  AuthConfig config = Config();
  config.algorithms = {"HS256"};
  EXPECT_THAT(JwtVerifier::Create(config, clock_, nullptr),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("auth.algorithms[0]")));
}

// A ledger that cannot be reached, as the store is while its database is down; it counts
// the questions it was asked.
class UnreachableLedger final : public ReplayLedger {
 public:
  StatusOr<Result> Use(std::string_view, std::string_view, int64_t, int64_t) override {
    ++asked;
    return UnavailableError("database unreachable");
  }
  int asked = 0;
};

TEST(VerifierLedgerTest, ATokenWhoseJtiCannotBeCheckedIsRefusedAsUnavailable) {
  FixedClock clock(kNow * 1000);
  UnreachableLedger ledger;
  AuthConfig config;
  config.issuers.push_back({kIss, {}, JwkSetJson({Ec().PublicJwk()}), /*tenants=*/{}});
  auto verifier = JwtVerifier::Create(config, clock, /*fetcher=*/nullptr, &ledger);
  ASSERT_OK(verifier);
  EXPECT_THAT((*verifier)->Verify("Bearer " + Mint(Ec(), ValidParams(kNow)), kAud),
              StatusIs(StatusCode::kUnavailable,
                       AllOf(HasSubstr("[CDS-AUTH-19]"), HasSubstr("database unreachable"))));
  EXPECT_EQ(ledger.asked, 1);
  // A token refused on its own merits is refused as before, without asking the ledger.
  TokenParams p = ValidParams(kNow);
  p.aud = "https://cds.example.org/cds-services/other";
  EXPECT_THAT((*verifier)->Verify("Bearer " + Mint(Ec(), p), kAud),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("aud")));
  EXPECT_EQ(ledger.asked, 1);
}

TEST(VerifierLedgerTest, AGivenLedgerReplacesTheProcessCache) {
  FixedClock clock(kNow * 1000);
  ReplayCache shared(100);
  AuthConfig config;
  config.issuers.push_back({kIss, {}, JwkSetJson({Ec().PublicJwk()}), /*tenants=*/{}});
  // Two verifiers (two instances) with one ledger: a token used at one is a replay at the other.
  auto first = JwtVerifier::Create(config, clock, nullptr, &shared);
  auto second = JwtVerifier::Create(config, clock, nullptr, &shared);
  ASSERT_OK(first);
  ASSERT_OK(second);
  const std::string token = Mint(Ec(), ValidParams(kNow));
  EXPECT_OK((*first)->Verify("Bearer " + token, kAud));
  EXPECT_THAT((*second)->Verify("Bearer " + token, kAud),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-17]")));
  EXPECT_EQ(shared.size(), 1u);
}

}  // namespace
}  // namespace cds::auth
