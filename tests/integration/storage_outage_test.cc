// Two service instances over HTTP sharing one real PostgreSQL server, which the test stops
// and restarts: feedback for a card issued by one instance is correlated by the other; a JWT
// accepted by one is refused by the other; while the database is down hook calls still
// answer with their cards, feedback gets 503 with Retry-After (never 200), and a token whose
// jti cannot be checked gets 503 with Retry-After (never accepted unchecked); afterwards
// everything recovers without a restart of the service.
#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "base/clock.h"

#include "store/postgres_store.h"

#include "app/jwt_authenticator.h"
#include "tests/auth/test_keys.h"
#include "tests/support/postgres_gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace cds::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kService[] = "rituximab-safety-order-select";
constexpr char kBaseUrl[] = "https://cds.example.org";
constexpr char kIss[] = "https://ehr.example.org/";
constexpr auto kRecoveryDeadline = std::chrono::seconds(20);

struct Answer {
  int status = 0;
  std::string body, retry_after, www_authenticate;
};

Answer Post(TestServer& s, const std::string& path, const std::string& body,
            const std::string& bearer = "") {
  httplib::Headers headers;
  if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
  auto res = s.Client().Post(path, headers, body, "application/json");
  if (!res) {
    ADD_FAILURE() << path << ": no answer: " << httplib::to_string(res.error());
    return {};
  }
  return {res->status, res->body, res->get_header_value("Retry-After"),
          res->get_header_value("WWW-Authenticate")};
}

// The card uuids and rule ids of a 200 hook answer.
std::vector<std::pair<std::string, std::string>> CardsOf(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  std::vector<std::pair<std::string, std::string>> cards;
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("cards")) return cards;
  for (const auto& c : d["cards"].GetArray()) {
    cards.emplace_back(c["uuid"].GetString(), c["source"]["topic"]["code"].GetString());
  }
  return cards;
}

std::string FeedbackBody(const std::string& card, const std::string& when) {
  return R"({"feedback":[{"card":)" + JsonQuote(card) +
         R"(,"outcome":"overridden","outcomeTimestamp":)" + JsonQuote(when) + "}]}";
}

class StorageOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string skip;
    postgres_ = StartPostgresOrSkip(&skip);
    if (postgres_ == nullptr) GTEST_SKIP() << skip;
    request_ = ReadFileOrFail(CDS_SOURCE_DIR "/docs/examples/order-select-rituximab.json");
  }

  config::ServerConfig Settings() {
    config::ServerConfig c;
    c.http_threads = 4;
    c.public_base_url = kBaseUrl;
    c.storage.backend = config::StorageBackend::kPostgresql;
    c.storage.postgresql.url = postgres_->url();
    return c;
  }

  std::unique_ptr<TestServer> StartInstance(config::ServerConfig settings,
                                            app::CallerAuthenticator* auth = nullptr) {
    TestServerOptions o;
    o.config = std::move(settings);
    o.auth = auth;
    return TestServer::Start(std::move(o));
  }

  std::string Query(const std::string& sql) {
    auto text = postgres_->Query(sql);
    EXPECT_OK(text);
    return text.ok() ? *text : "";
  }

  std::unique_ptr<PostgresTestServer> postgres_;
  std::string request_;
};

TEST_F(StorageOutageTest, FeedbackIsAcknowledgedOnlyOnceStoredAndHookCallsStillAnswer) {
  auto a = StartInstance(Settings());
  auto b = StartInstance(Settings());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const std::string hook_path = std::string("/cds-services/") + kService;
  const std::string feedback_path = hook_path + "/feedback";

  Answer issued = Post(*a, hook_path, request_);
  ASSERT_EQ(issued.status, 200) << issued.body;
  const auto cards = CardsOf(issued.body);
  ASSERT_FALSE(cards.empty()) << issued.body;
  const auto& [card, rule] = cards[0];

  // Issued by A, reported to B: correlated through the shared database.
  Answer first = Post(*b, feedback_path, FeedbackBody(card, "2026-11-25T12:05:00Z"));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(
      Query("SELECT card_known || ' ' || rule_id FROM feedback WHERE card_uuid = '" + card + "'"),
      "1 " + rule);

  ASSERT_OK(postgres_->Stop());
  Answer during = Post(*a, hook_path, request_);
  EXPECT_EQ(during.status, 200) << "hook calls do not depend on the database: " << during.body;
  EXPECT_EQ(CardsOf(during.body).size(), cards.size());
  auto refused = b->Client().Post(feedback_path, FeedbackBody(card, "2026-11-25T12:06:00Z"),
                                  "application/json");
  EXPECT_TRUE(IsOperationOutcome(refused, 503, "transient", {"retry"}));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->get_header_value("Retry-After"), "5");

  ASSERT_OK(postgres_->StartAgain());
  // The same feedback, sent again as a client would after Retry-After, is stored once the
  // service has reconnected by itself.
  int acknowledged = 1;
  Answer retried;
  const auto deadline = std::chrono::steady_clock::now() + kRecoveryDeadline;
  do {
    retried = Post(*b, feedback_path, FeedbackBody(card, "2026-11-25T12:06:00Z"));
    if (retried.status == 503) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (retried.status == 503 && std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(retried.status, 200) << retried.body;
  ++acknowledged;
  // Every acknowledged item is stored exactly once; nothing refused was stored.
  EXPECT_EQ(Query("SELECT COUNT(*) FROM feedback"), std::to_string(acknowledged));
  EXPECT_EQ(Post(*a, hook_path, request_).status, 200);
}

TEST_F(StorageOutageTest, JtiReplayIsRefusedAcrossInstancesAndUncheckableTokensFailClosed) {
  const auth::testing::TestKey key = auth::testing::TestKey::GenerateEs384("k1");
  const std::string jwks = postgres_->socket_dir() + "/ehr-jwks.json";
  std::ofstream(jwks) << auth::testing::JwkSetJson({key.PublicJwk()});
  config::ServerConfig settings = Settings();
  settings.auth.issuers.push_back({kIss, {}, jwks, {}});

  // Each instance checks jtis through a store of its own on the shared database.
  auto store_a = store::PostgresStore::Open(postgres_->StoreOptions());
  auto store_b = store::PostgresStore::Open(postgres_->StoreOptions());
  ASSERT_OK(store_a);
  ASSERT_OK(store_b);
  SystemClock clock;
  auto auth_a = app::JwtAuthenticator::Create(settings, clock, store_a->get());
  auto auth_b = app::JwtAuthenticator::Create(settings, clock, store_b->get());
  ASSERT_OK(auth_a);
  ASSERT_OK(auth_b);
  auto a = StartInstance(settings, auth_a->get());
  auto b = StartInstance(settings, auth_b->get());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const std::string path = std::string("/cds-services/") + kService;
  auto token = [&](const auth::testing::TestKey& signer) {
    auth::testing::TokenParams p = auth::testing::ValidParams(std::time(nullptr));
    p.iss = kIss;
    p.aud = std::string(kBaseUrl) + path;
    return auth::testing::Mint(signer, p);
  };

  const std::string once = token(key);
  EXPECT_EQ(Post(*a, path, request_, once).status, 200);
  Answer replay = Post(*b, path, request_, once);
  EXPECT_EQ(replay.status, 401) << "a token accepted by A was accepted again by B";
  EXPECT_EQ(replay.www_authenticate, "Bearer");

  ASSERT_OK(postgres_->Stop());
  Answer unchecked = Post(*a, path, request_, token(key));
  EXPECT_EQ(unchecked.status, 503) << "a token whose jti cannot be checked was not refused";
  EXPECT_EQ(unchecked.retry_after, "5");
  EXPECT_EQ(unchecked.www_authenticate, "");
  // A forged token is still a plain 401: it never gets as far as the replay check.
  const auth::testing::TestKey stranger = auth::testing::TestKey::GenerateEs384("k1");
  EXPECT_EQ(Post(*b, path, request_, token(stranger)).status, 401);

  ASSERT_OK(postgres_->StartAgain());
  Answer recovered;
  const auto deadline = std::chrono::steady_clock::now() + kRecoveryDeadline;
  do {
    recovered = Post(*a, path, request_, token(key));  // a fresh token each attempt
    if (recovered.status == 503) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (recovered.status == 503 && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(recovered.status, 200) << recovered.body;
}

}  // namespace
}  // namespace cds::testing
