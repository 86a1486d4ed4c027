// Key discovery through JwksFetcher: which URLs are fetched, caching, rotation, rate
// limiting and failures. A fake fetcher stands in for the app's HTTP client, since the
// interaction (what is fetched, and how often) is what is under test.
#include <string>

#include "auth/verifier.h"

#include "tests/auth/fake_jwks_fetcher.h"
#include "tests/auth/test_keys.h"
#include "tests/support/status_matchers.h"

namespace cds::auth {
namespace {

using ::cds::auth::testing::FakeJwksFetcher;
using ::cds::auth::testing::JwkSetJson;
using ::cds::auth::testing::Mint;
using ::cds::auth::testing::TestKey;
using ::cds::auth::testing::TokenParams;
using ::cds::auth::testing::ValidParams;
using ::cds::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kNow = 1'700'000'000;
constexpr char kIss[] = "https://ehr.example.org/";
constexpr char kAud[] = "https://cds.example.org/cds-services/svc";
constexpr char kJku[] = "https://ehr.example.org/jwks.json";
constexpr char kJku2[] = "https://ehr.example.org/jwks-2.json";

const TestKey& KeyA() {
  static const TestKey key = TestKey::GenerateEs384("key-a");
  return key;
}
const TestKey& KeyB() {
  static const TestKey key = TestKey::GenerateEs384("key-b");
  return key;
}

class JwksFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fetcher_.Serve(kJku, JwkSetJson({KeyA().PublicJwk()}));
    Reset(Config(), &fetcher_);
  }
  static AuthConfig Config() {
    AuthConfig config;
    config.issuers.push_back({kIss, {kJku, kJku2}, "", {}});
    config.jwks_min_refresh_interval_seconds = 60;
    config.jwks_max_age_seconds = 3600;
    return config;
  }
  void Reset(AuthConfig config, JwksFetcher* fetcher) {
    StatusOr<std::unique_ptr<JwtVerifier>> v =
        JwtVerifier::Create(std::move(config), clock_, fetcher);
    ASSERT_OK(v);
    verifier_ = std::move(v).value();
  }
  // A valid token at the clock's current time, signed by `key`, with header jku `jku`.
  std::string Token(const TestKey& key, std::optional<std::string> jku) {
    TokenParams p = ValidParams(clock_.Now() / 1000);
    p.jku = std::move(jku);
    return Mint(key, p);
  }
  StatusOr<VerifiedCaller> Verify(const std::string& token) {
    return verifier_->Verify("Bearer " + token, kAud);
  }
  void Advance(int64_t seconds) { clock_.Set(clock_.Now() + seconds * 1000); }

  FixedClock clock_{kNow * 1000};
  FakeJwksFetcher fetcher_;
  std::unique_ptr<JwtVerifier> verifier_;
};

TEST_F(JwksFetchTest, FetchesOnlyAllowListedJku) {
  EXPECT_THAT(Verify(Token(KeyA(), "https://attacker.example.net/jwks.json")),
              StatusIs(StatusCode::kUnauthenticated,
                       HasSubstr("[CDS-AUTH-08] jku \"https://attacker.example.net/jwks.json\" "
                                 "not on the allow-list")));
  // Prefix and case variants are different URLs: the allow-list is exact.
  EXPECT_THAT(Verify(Token(KeyA(), std::string(kJku) + "?x")),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-08]")));
  EXPECT_THAT(Verify(Token(KeyA(), "https://EHR.example.org/jwks.json")),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-08]")));
  EXPECT_THAT(fetcher_.calls(), IsEmpty());

  EXPECT_OK(Verify(Token(KeyA(), kJku)));
  EXPECT_THAT(fetcher_.calls(), ElementsAre(kJku));
}

TEST_F(JwksFetchTest, WithoutJkuUsesTheFirstAllowListedUrl) {
  EXPECT_OK(Verify(Token(KeyA(), std::nullopt)));
  EXPECT_THAT(fetcher_.calls(), ElementsAre(kJku));
}

TEST_F(JwksFetchTest, CachesPerUrl) {
  EXPECT_OK(Verify(Token(KeyA(), kJku)));
  EXPECT_OK(Verify(Token(KeyA(), kJku)));
  EXPECT_OK(Verify(Token(KeyA(), std::nullopt)));
  EXPECT_THAT(fetcher_.calls(), ElementsAre(kJku));
  // A second allow-listed URL has its own entry.
  fetcher_.Serve(kJku2, JwkSetJson({KeyB().PublicJwk()}));
  EXPECT_OK(Verify(Token(KeyB(), kJku2)));
  EXPECT_THAT(fetcher_.calls(), ElementsAre(kJku, kJku2));
}

TEST_F(JwksFetchTest, UnknownKidRefetchesAtMostOncePerInterval) {
  EXPECT_OK(Verify(Token(KeyA(), kJku)));
  // The EHR rotates in key-b, but we fetched moments ago: no refetch yet.
  fetcher_.Serve(kJku, JwkSetJson({KeyA().PublicJwk(), KeyB().PublicJwk()}));
  EXPECT_THAT(Verify(Token(KeyB(), kJku)),
              StatusIs(StatusCode::kUnauthenticated,
                       HasSubstr("kid \"key-b\" not in JWKS \"https://ehr.example.org/jwks.json\" "
                                 "(refetch rate-limited)")));
  Advance(59);
  EXPECT_THAT(Verify(Token(KeyB(), kJku)),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("rate-limited")));
  EXPECT_EQ(fetcher_.calls().size(), 1u);
  Advance(1);
  EXPECT_OK(Verify(Token(KeyB(), kJku)));
  EXPECT_EQ(fetcher_.calls().size(), 2u);
  // A kid that is in no version of the set costs one fetch per interval, no more.
  Advance(60);
  for (int i = 0; i < 5; ++i) {
    TokenParams p = ValidParams(clock_.Now() / 1000);
    p.kid = "forged-" + std::to_string(i);
    EXPECT_THAT(Verify(Mint(KeyA(), p)),
                StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-07]")));
  }
  EXPECT_EQ(fetcher_.calls().size(), 3u);
}

TEST_F(JwksFetchTest, StaleSetIsRefetchedSoWithdrawnKeysStopWorking) {
  EXPECT_OK(Verify(Token(KeyA(), kJku)));
  fetcher_.Serve(kJku, JwkSetJson({KeyB().PublicJwk()}));  // key-a withdrawn
  Advance(3599);
  EXPECT_OK(Verify(Token(KeyA(), kJku)));  // cached set still fresh
  Advance(1);
  EXPECT_THAT(Verify(Token(KeyA(), kJku)),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("kid \"key-a\" not in JWKS")));
  EXPECT_EQ(fetcher_.calls().size(), 2u);
}

TEST_F(JwksFetchTest, FetchFailureIsUnauthenticatedAndRateLimited) {
  fetcher_.Fail(kJku);
  EXPECT_THAT(Verify(Token(KeyA(), kJku)),
              StatusIs(StatusCode::kUnauthenticated,
                       HasSubstr("fetching JWKS \"https://ehr.example.org/jwks.json\" failed: "
                                 "UNAVAILABLE")));
  fetcher_.Serve(kJku, JwkSetJson({KeyA().PublicJwk()}));
  EXPECT_THAT(Verify(Token(KeyA(), kJku)),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("rate-limited")));
  Advance(60);
  EXPECT_OK(Verify(Token(KeyA(), kJku)));
  EXPECT_EQ(fetcher_.calls().size(), 2u);
}

TEST_F(JwksFetchTest, MalformedDocumentIsUnauthenticated) {
  fetcher_.Serve(kJku, "<html>not a key set</html>");
  EXPECT_THAT(Verify(Token(KeyA(), kJku)),
              StatusIs(StatusCode::kUnauthenticated,
                       HasSubstr("JWKS \"https://ehr.example.org/jwks.json\": JWK Set")));
}

TEST_F(JwksFetchTest, FetchedSymmetricKeysAreNeverUsed) {
  fetcher_.Serve(kJku, R"({"keys":[{"kty":"oct","kid":"key-a","k":"c2VjcmV0"}]})");
  EXPECT_THAT(Verify(Token(KeyA(), kJku)),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("kid \"key-a\" not in JWKS")));
}

TEST_F(JwksFetchTest, ConfiguredKeysWinAndNeedNoFetch) {
  AuthConfig config = Config();
  config.issuers[0].jwks_json = JwkSetJson({KeyA().PublicJwk()});
  Reset(config, &fetcher_);
  EXPECT_OK(Verify(Token(KeyA(), kJku)));
  EXPECT_THAT(fetcher_.calls(), IsEmpty());
}

TEST_F(JwksFetchTest, NoFetcherMeansNoRemoteKeys) {
  Reset(Config(), nullptr);
  EXPECT_THAT(Verify(Token(KeyA(), kJku)),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("no JWKS fetcher")));
}

TEST_F(JwksFetchTest, CacheEntriesArePerIssuerAndUrl) {
  AuthConfig config = Config();
  config.issuers.push_back({"https://other.example.org/", {kJku}, "", {}});
  Reset(config, &fetcher_);
  EXPECT_OK(Verify(Token(KeyA(), kJku)));
  TokenParams p = ValidParams(kNow);
  p.iss = "https://other.example.org/";
  p.jku = kJku;
  EXPECT_OK(Verify(Mint(KeyA(), p)));
  // Each (issuer, URL) pair was fetched on its own.
  EXPECT_THAT(fetcher_.calls(), ElementsAre(kJku, kJku));
}

}  // namespace
}  // namespace cds::auth
