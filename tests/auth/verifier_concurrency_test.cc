// Concurrency smoke test: many threads verify the same pool of distinct tokens at once,
// half with configured keys and half through a fetched JWK Set. Every token must be
// accepted exactly once (the replay check is atomic) and the JWK Set fetched once.
// Run under -DCDS_SANITIZE=thread to look for data races.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

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

constexpr int64_t kNow = 1'700'000'000;
constexpr char kIss[] = "https://ehr.example.org/";
constexpr char kAud[] = "https://cds.example.org/cds-services/svc";
constexpr char kJku[] = "https://ehr.example.org/jwks.json";
constexpr int kThreads = 8;
constexpr int kTokens = 120;

TEST(VerifierConcurrencyTest, EachTokenAcceptedExactlyOnceUnderContention) {
  const TestKey configured = TestKey::GenerateRsa("configured-rsa", 2048);
  const TestKey fetched = TestKey::GenerateEs384("fetched-ec");
  FakeJwksFetcher fetcher;
  fetcher.Serve(kJku, JwkSetJson({fetched.PublicJwk()}));
  FixedClock clock(kNow * 1000);
  AuthConfig config;
  config.issuers.push_back({kIss, {kJku}, JwkSetJson({configured.PublicJwk()}), {}});
  StatusOr<std::unique_ptr<JwtVerifier>> verifier = JwtVerifier::Create(config, clock, &fetcher);
  ASSERT_OK(verifier);

  std::vector<std::string> headers;
  for (int i = 0; i < kTokens; ++i) {
    TokenParams p = ValidParams(kNow);
    const bool use_rsa = i % 2 == 0;
    p.alg = use_rsa ? "RS384" : "ES384";
    headers.push_back("Bearer " + Mint(use_rsa ? configured : fetched, p));
  }

  std::vector<std::atomic<int>> accepted(kTokens);
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Every thread walks every token, each from a different starting point.
      for (int k = 0; k < kTokens; ++k) {
        const int i = (k + t * kTokens / kThreads) % kTokens;
        StatusOr<VerifiedCaller> result = (*verifier)->Verify(headers[i], kAud);
        if (result.ok()) {
          accepted[i].fetch_add(1);
        } else if (result.status().message().find("[CDS-AUTH-17]") == std::string::npos) {
          unexpected.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  EXPECT_EQ(unexpected.load(), 0);
  for (int i = 0; i < kTokens; ++i) {
    EXPECT_EQ(accepted[i].load(), 1) << "token " << i;
  }
  EXPECT_EQ(fetcher.calls().size(), 1u);
}

}  // namespace
}  // namespace cds::auth
