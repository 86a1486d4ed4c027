// Interop: tokens minted by the npm `jose` library (tests/auth/jose/mint.mjs), an
// implementation independent of ours, each checked for the outcome the spec requires.
// Skips with a message when node or the pinned package is not installed
// (`npm ci --prefix tests/auth/jose`).
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <map>
#include <ostream>
#include <string>

#include "base/json.h"

#include "auth/verifier.h"

#include "tests/auth/fake_jwks_fetcher.h"
#include "tests/support/status_matchers.h"

namespace cds::auth {
namespace {

using ::cds::auth::testing::FakeJwksFetcher;
using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

// Fixed so failures reproduce; mint.mjs derives every iat/exp from it.
constexpr int64_t kNow = 1'750'000'000;

struct Minted {
  std::string skip_reason;
  std::string error;
  std::string iss, aud, jku, tenant, jwks;
  std::map<std::string, std::string> tokens;
};

std::string RunCommand(const std::string& command, int* exit_code) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *exit_code = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) {
    out.append(buf, n);
  }
  *exit_code = pclose(pipe);
  return out;
}

Minted MintWithJose() {
  Minted m;
  const std::filesystem::path dir = std::filesystem::path(CDS_SOURCE_DIR) / "tests/auth/jose";
  int rc = 0;
  RunCommand("command -v node >/dev/null 2>&1", &rc);
  if (rc != 0) {
    m.skip_reason = "node not on PATH; the jose interop tests need Node.js";
    return m;
  }
  if (!std::filesystem::exists(dir / "node_modules/jose/package.json")) {
    m.skip_reason = "jose not installed; run `npm ci --prefix tests/auth/jose`";
    return m;
  }
  const std::string out = RunCommand(
      "cd '" + dir.string() + "' && node mint.mjs " + std::to_string(kNow) + " 2>&1", &rc);
  StatusOr<std::unique_ptr<json::Document>> doc = json::ParseJson(out, json::JsonLimits{});
  if (rc != 0 || !doc.ok()) {
    m.error = "mint.mjs failed (exit " + std::to_string(rc) + "): " + out;
    return m;
  }
  const json::Value& root = **doc;
  m.iss = json::GetString(root, "iss").value_or("");
  m.aud = json::GetString(root, "aud").value_or("");
  m.jku = json::GetString(root, "jku").value_or("");
  m.tenant = json::GetString(root, "tenant").value_or("");
  if (const json::Value* jwks = json::GetObject(root, "jwks")) {
    m.jwks = json::Serialize(*jwks);
  }
  if (const json::Value* tokens = json::GetObject(root, "tokens")) {
    for (const auto& member : tokens->GetObject()) {
      if (member.value.IsString()) {
        m.tokens[std::string(json::AsStringView(member.name))] =
            std::string(json::AsStringView(member.value));
      }
    }
  }
  return m;
}

const Minted& Jose() {
  static const Minted minted = MintWithJose();
  return minted;
}

struct Case {
  const char* name;
  const char* reason;  // nullptr: must verify
};

// Names the case in test listings (ctest shows the parameter).
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// Every token mint.mjs produces, with the outcome CDS Hooks 2.0 §Security requires.
constexpr Case kCases[] = {
    {"valid_es384", nullptr},
    {"valid_rs384", nullptr},
    {"aud_array_containing_expected", nullptr},
    {"expired", "[CDS-AUTH-11] token expired"},
    {"not_yet_valid", "[CDS-AUTH-12] iat"},
    {"wrong_aud", "[CDS-AUTH-10] aud does not name this endpoint"},
    {"unknown_iss", "[CDS-AUTH-06] untrusted iss \"https://attacker.example.net/\""},
    {"unknown_kid", "kid \"no-such-kid\" not in JWKS"},
    {"alg_none", "[CDS-AUTH-03] alg \"none\" refused"},
    {"hs256_with_public_key", "[CDS-AUTH-03] alg \"HS256\" refused"},
    {"tampered_payload", "[CDS-AUTH-09] signature rejected"},
    {"jku_not_allowlisted", "[CDS-AUTH-08] jku \"https://attacker.example.net/jwks.json\""},
    {"lifetime_too_long", "[CDS-AUTH-14] token lifetime"},
    {"missing_jti", "[CDS-AUTH-15] claim jti missing"},
    {"wrong_tenant", "[CDS-AUTH-16] tenant \"tenant-b\" not allowed"},
    {"alg_key_mismatch", "key does not match alg ES384"},
    {"wrong_typ", "\"typ\" is not \"JWT\""},
    {"replay", nullptr},  // first use; the second is checked below
};

class JoseFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Jose().skip_reason.empty()) {
      GTEST_SKIP() << Jose().skip_reason;
    }
    ASSERT_EQ(Jose().error, "");
    fetcher_.Serve(Jose().jku, Jose().jwks);
    AuthConfig config;
    config.issuers.push_back({Jose().iss, {Jose().jku}, "", {Jose().tenant}});
    StatusOr<std::unique_ptr<JwtVerifier>> v = JwtVerifier::Create(config, clock_, &fetcher_);
    ASSERT_OK(v);
    verifier_ = std::move(v).value();
  }

  StatusOr<VerifiedCaller> Verify(const std::string& name) {
    auto it = Jose().tokens.find(name);
    if (it == Jose().tokens.end()) {
      return InternalError("mint.mjs produced no token named " + name);
    }
    return verifier_->Verify("Bearer " + it->second, Jose().aud);
  }

  FixedClock clock_{kNow * 1000};
  FakeJwksFetcher fetcher_;
  std::unique_ptr<JwtVerifier> verifier_;
};

class JoseInteropTest : public JoseFixture, public ::testing::WithParamInterface<Case> {};

TEST_P(JoseInteropTest, HasTheRequiredOutcome) {
  const Case& c = GetParam();
  if (c.reason == nullptr) {
    EXPECT_THAT(Verify(c.name), IsOk());
  } else {
    EXPECT_THAT(Verify(c.name), StatusIs(StatusCode::kUnauthenticated, HasSubstr(c.reason)));
  }
  for (const std::string& url : fetcher_.calls()) {
    EXPECT_EQ(url, Jose().jku) << "fetched a URL that is not allow-listed";
  }
}

INSTANTIATE_TEST_SUITE_P(AllMintedTokens, JoseInteropTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return std::string(param.param.name);
                         });

using JoseInteropExtraTest = JoseFixture;

TEST_F(JoseInteropExtraTest, ReplayedTokenIsRefused) {
  EXPECT_OK(Verify("replay"));
  EXPECT_THAT(Verify("replay"),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("[CDS-AUTH-17] jti already used")));
}

TEST_F(JoseInteropExtraTest, EveryMintedTokenHasAnExpectation) {
  for (const auto& [name, token] : Jose().tokens) {
    bool known = false;
    for (const Case& c : kCases) {
      known = known || name == c.name;
    }
    EXPECT_TRUE(known) << "mint.mjs token " << name << " has no expected outcome here";
  }
  EXPECT_EQ(Jose().tokens.size(), std::size(kCases));
}

}  // namespace
}  // namespace cds::auth
