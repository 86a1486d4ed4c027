#include "auth/auth_config.h"

#include <string>

#include "tests/auth/test_keys.h"
#include "tests/support/status_matchers.h"

namespace cds::auth {
namespace {

using ::cds::auth::testing::JwkSetJson;
using ::cds::auth::testing::TestKey;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

AuthConfig Valid() {
  static const TestKey key = TestKey::GenerateEs384("k1");
  AuthConfig config;
  config.issuers.push_back(
      {"https://ehr.example.org/", {"https://ehr.example.org/jwks"}, "", {"tenant-a"}});
  config.issuers.push_back({"https://other.example.org/", {}, JwkSetJson({key.PublicJwk()}), {}});
  return config;
}

TEST(AuthConfigTest, AcceptsAValidConfig) { EXPECT_OK(ValidateAuthConfig(Valid())); }

TEST(AuthConfigTest, DefaultsAreTheSpecRecommendation) {
  AuthConfig config;
  EXPECT_EQ(config.algorithms, (std::vector<std::string>{"ES384", "RS384"}));
  EXPECT_EQ(config.leeway_seconds, 60);
  EXPECT_EQ(config.max_token_lifetime_seconds, 3600);
}

TEST(AuthConfigTest, RefusesNoneAndHmacByName) {
  for (const char* alg : {"none", "HS256", "HS512"}) {
    AuthConfig config = Valid();
    config.algorithms = {"ES384", alg};
    EXPECT_THAT(ValidateAuthConfig(config),
                StatusIs(StatusCode::kInvalidArgument,
                         HasSubstr(std::string("auth.algorithms[1]: \"") + alg +
                                   "\" is forbidden by CDS Hooks 2.0 §Security")));
  }
}

TEST(AuthConfigTest, RefusesUnsupportedOrEmptyAlgorithms) {
  AuthConfig config = Valid();
  config.algorithms = {"PS384"};
  EXPECT_THAT(ValidateAuthConfig(config),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("auth.algorithms[0]: \"PS384\" is not supported")));
  config.algorithms = {};
  EXPECT_THAT(ValidateAuthConfig(config),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("auth.algorithms: empty")));
}

TEST(AuthConfigTest, RefusesIssuerProblems) {
  AuthConfig config = Valid();
  config.issuers[1].iss = "";
  EXPECT_THAT(ValidateAuthConfig(config),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("auth.issuers[1].iss: missing")));

  config = Valid();
  config.issuers[1].iss = config.issuers[0].iss;
  EXPECT_THAT(ValidateAuthConfig(config),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("is listed twice")));

  config = Valid();
  config.issuers.clear();
  EXPECT_THAT(ValidateAuthConfig(config),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("auth.issuers: empty")));

  config = Valid();
  config.issuers[0].jku_allow_list = {};
  EXPECT_THAT(ValidateAuthConfig(config),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("auth.issuers[0]: no jwks_json and no jku_allow_list")));

  config = Valid();
  config.issuers[0].jku_allow_list = {"http://ehr.example.org/jwks"};
  EXPECT_THAT(ValidateAuthConfig(config),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("auth.issuers[0].jku_allow_list[0]: \"http://ehr.example.org/"
                                 "jwks\" is not an https URL")));

  config = Valid();
  config.issuers[0].tenants = {""};
  EXPECT_THAT(ValidateAuthConfig(config),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("auth.issuers[0].tenants[0]")));
}

TEST(AuthConfigTest, RefusesUnusableConfiguredKeys) {
  AuthConfig config = Valid();
  config.issuers[1].jwks_json = "{";
  EXPECT_THAT(ValidateAuthConfig(config),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("auth.issuers[1].jwks_json")));
  config.issuers[1].jwks_json = R"({"keys":[{"kty":"oct","kid":"h","k":"AAAA"}]})";
  EXPECT_THAT(ValidateAuthConfig(config),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("auth.issuers[1].jwks_json: no usable key; keys[0] (kid "
                                 "\"h\"): symmetric")));
}

TEST(AuthConfigTest, RefusesOutOfRangeNumbers) {
  struct Case {
    void (*mutate)(AuthConfig&);
    const char* field;
  };
  const Case cases[] = {
      {[](AuthConfig& c) { c.leeway_seconds = -1; }, "auth.leeway_seconds"},
      {[](AuthConfig& c) { c.leeway_seconds = 301; }, "auth.leeway_seconds"},
      {[](AuthConfig& c) { c.max_token_lifetime_seconds = 0; }, "auth.max_token_lifetime_seconds"},
      {[](AuthConfig& c) { c.jwks_min_refresh_interval_seconds = -1; },
       "auth.jwks_min_refresh_interval_seconds"},
      {[](AuthConfig& c) { c.jwks_max_age_seconds = 0; }, "auth.jwks_max_age_seconds"},
      {[](AuthConfig& c) { c.max_replay_cache_entries = 0; }, "auth.max_replay_cache_entries"},
  };
  for (const Case& c : cases) {
    AuthConfig config = Valid();
    c.mutate(config);
    EXPECT_THAT(ValidateAuthConfig(config),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.field)));
  }
}

}  // namespace
}  // namespace cds::auth
