// What only the PostgreSQL backend has: migrations under an advisory lock, credentials,
// reconnection after the server comes back, the statement timeout, the connection pool and
// the mapping of PostgreSQL's errors. Each test runs its own server
// (tests/support/postgres_test_server.h).
#include "store/postgres_store.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/log.h"

#include "store/postgres_connection.h"
#include "store/postgres_schema.h"

#include "tests/store/store_test_util.h"
#include "tests/support/postgres_gtest.h"
#include "tests/support/status_matchers.h"
#include <libpq-fe.h>
#include <sys/stat.h>

namespace cds::store {
namespace {

using ::cds::store::testing::MakeCard;
using ::cds::store::testing::MakeFeedback;
using ::cds::testing::PostgresTestServer;
using ::cds::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr EpochMillis kNow = 1'700'000'000'000;

// Collects every log line while alive.
class LogCapture {
 public:
  LogCapture() {
    SetLogSink([this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() { SetLogSink(nullptr); }
  std::string All() {
    std::lock_guard<std::mutex> lock(mu_);
    std::string all;
    for (const std::string& line : lines_) all += line + "\n";
    return all;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

// A plain libpq connection, for holding locks the store must wait for.
class RawConnection {
 public:
  explicit RawConnection(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
  }
  ~RawConnection() { PQfinish(conn_); }
  void Exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    EXPECT_THAT(PQresultStatus(r), ::testing::AnyOf(PGRES_COMMAND_OK, PGRES_TUPLES_OK))
        << sql << ": " << PQresultErrorMessage(r);
    PQclear(r);
  }

 private:
  PGconn* conn_;
};

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string skip;
    server_ = ::cds::testing::StartPostgresOrSkip(&skip);
    if (server_ == nullptr) GTEST_SKIP() << skip;
  }

  StatusOr<std::unique_ptr<PostgresStore>> Open(SchemaMode mode = SchemaMode::kMigrate) {
    return PostgresStore::Open(server_->StoreOptions(), mode);
  }

  std::string Query(const std::string& sql) {
    auto text = server_->Query(sql);
    EXPECT_OK(text);
    return text.ok() ? *text : "";
  }

  std::unique_ptr<PostgresTestServer> server_;
};

// --- Migrations ----------------------------------------------------------------------------

TEST_F(PostgresStoreTest, InstancesStartingTogetherApplyEachMigrationOnce) {
  constexpr int kInstances = 4;
  std::vector<Status> results(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([this, &results, i] { results[i] = Open().status(); });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) EXPECT_OK(s);
  std::string expected;
  for (int v = 1; v <= kSchemaVersion; ++v) expected += (v > 1 ? "," : "") + std::to_string(v);
  EXPECT_EQ(Query("SELECT string_agg(version::text, ',' ORDER BY version) "
                  "FROM cds_schema_migration"),
            expected);
}

TEST_F(PostgresStoreTest, MigrationWaitsForTheAdvisoryLock) {
  RawConnection holder(server_->url());
  holder.Exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLockKey) + ")");
  std::atomic<bool> done{false};
  Status opened;
  std::thread opener([&] {
    opened = Open().status();
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_FALSE(done.load()) << "migrated while another instance held the migration lock";
  EXPECT_EQ(Query("SELECT to_regclass('hook_call') IS NULL"), "t");
  holder.Exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLockKey) + ")");
  opener.join();
  EXPECT_OK(opened);
  EXPECT_EQ(Query("SELECT MAX(version) FROM cds_schema_migration"), std::to_string(kSchemaVersion));
}

TEST_F(PostgresStoreTest, MigratesAVersion1DatabaseKeepingItsRows) {
  auto spec = PgConnectSpec::Make(server_->StoreOptions());
  ASSERT_OK(spec);
  auto conn = PgConnection::Connect(*spec);
  ASSERT_OK(conn);
  ASSERT_OK(MigratePostgresSchema(**conn, 60'000, /*target=*/1));
  Query(
      "INSERT INTO issued_card (card_uuid, hook_instance, service_id, rule_id, indicator, "
      "issued_at, suggestion_uuids) VALUES ('c-1', 'h-1', 's', 'r', 'info', 5, '[\"x\"]')");
  Query(
      "INSERT INTO feedback (service_id, card_uuid, outcome, outcome_time, outcome_timestamp, "
      "accepted_suggestions, received_at, card_known, rule_id) "
      "VALUES ('s', 'c-1', 'accepted', 6, 't', '[\"x\"]', 7, 1, 'r')");

  auto store = Open();
  ASSERT_OK(store);
  EXPECT_EQ(*(*store)->SchemaVersion(), kSchemaVersion);
  auto card = (*store)->FindIssuedCard("c-1");
  ASSERT_OK(card);
  ASSERT_TRUE(card->has_value());
  EXPECT_EQ((*card)->hook_instance, "h-1");
  EXPECT_TRUE((*card)->override_reasons.empty());
  EXPECT_EQ((*card)->call_id, "");
  auto list = (*store)->ListFeedback(10);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].rule_id, "r");
}

TEST_F(PostgresStoreTest, CheckModeAndInspectionSeeAnUnmigratedDatabase) {
  auto version = InspectPostgresSchema(server_->StoreOptions());
  ASSERT_OK(version);
  EXPECT_EQ(*version, 0);
  EXPECT_THAT(Open(SchemaMode::kCheck),
              StatusIs(StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("schema version 0, expected"), HasSubstr("migrate"))));
  EXPECT_EQ(Query("SELECT to_regclass('issued_card') IS NULL"), "t") << "kCheck changed nothing";
  ASSERT_OK(Open());
  version = InspectPostgresSchema(server_->StoreOptions());
  ASSERT_OK(version);
  EXPECT_EQ(*version, kSchemaVersion);
  EXPECT_OK(Open(SchemaMode::kCheck));
}

TEST_F(PostgresStoreTest, ADatabaseFromANewerBinaryIsRefused) {
  ASSERT_OK(Open());
  Query("INSERT INTO cds_schema_migration (version, description) VALUES (99, 'future')");
  EXPECT_THAT(Open(),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("schema version 99 is newer")));
  EXPECT_THAT(Open(SchemaMode::kCheck),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("schema version 99 is newer")));
}

// --- Credentials and errors at connection time -------------------------------------------

TEST_F(PostgresStoreTest, PasswordFromPassfileOrEnvironment) {
  const std::string passfile = server_->socket_dir() + "/pgpass";
  {
    std::ofstream out(passfile);
    out << "*:*:postgres:" << server_->user() << ":" << server_->password() << "\n";
  }
  ASSERT_EQ(::chmod(passfile.c_str(), 0600), 0);
  PostgresOptions options = server_->StoreOptions();
  options.url = server_->url_without_password();
  options.passfile = passfile;
  EXPECT_OK(PostgresStore::Open(options));

  options.passfile = server_->socket_dir() + "/no-such-passfile";
  EXPECT_THAT(PostgresStore::Open(options),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("password")));

  // Everything from the standard PG* variables, nothing in the URL.
  options = server_->StoreOptions();
  options.url = "";
  ::setenv("PGHOST", server_->socket_dir().c_str(), 1);
  ::setenv("PGPORT", std::to_string(server_->port()).c_str(), 1);
  ::setenv("PGDATABASE", "postgres", 1);
  ::setenv("PGUSER", server_->user().c_str(), 1);
  ::setenv("PGPASSWORD", server_->password().c_str(), 1);
  auto from_env = PostgresStore::Open(options);
  for (const char* var : {"PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD"}) {
    ::unsetenv(var);
  }
  EXPECT_OK(from_env);
}

TEST_F(PostgresStoreTest, RefusedCredentialsAndMissingDatabaseAreUnusableNotTransient) {
  PostgresOptions options = server_->StoreOptions();
  options.url = server_->url_without_password() + " password=wrong";
  EXPECT_THAT(PostgresStore::Open(options),
              StatusIs(StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("password authentication failed"),
                             HasSubstr("open PostgreSQL store (host=" + server_->socket_dir()))));
  options.url = "host=" + server_->socket_dir() +
                " port=5432 dbname=no_such_db user=" + server_->user() +
                " password=" + server_->password();
  EXPECT_THAT(PostgresStore::Open(options),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("does not exist")));
  options.url = "host=" + server_->socket_dir() + "/absent port=5432 dbname=postgres";
  EXPECT_THAT(PostgresStore::Open(options),
              StatusIs(StatusCode::kUnavailable, HasSubstr("socket")));
  options.url = "host=x port='unterminated";
  EXPECT_THAT(PostgresStore::Open(options),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("storage.postgresql.url")));
  options = server_->StoreOptions();
  options.pool_size = 0;
  EXPECT_THAT(PostgresStore::Open(options),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("pool_size")));
}

// The password never reaches a Status message or a log line: not on success, not when it is
// refused, not when the URL cannot be parsed, not when the server goes away.
TEST_F(PostgresStoreTest, ThePasswordIsNeverInAMessageOrALogLine) {
  LogCapture logs;
  std::vector<Status> statuses;
  const std::string wrong = "cdssec-pw-wrong-3b9f";
  PostgresOptions options = server_->StoreOptions();
  options.url = server_->url_without_password() + " password=" + wrong;
  statuses.push_back(PostgresStore::Open(options).status());
  options.url = "postgresql://" + server_->user() + ":" + wrong + "@[bad/postgres";
  statuses.push_back(PostgresStore::Open(options).status());
  options.url = "host=" + server_->socket_dir() + "/absent password=" + wrong;
  statuses.push_back(PostgresStore::Open(options).status());
  statuses.push_back(InspectPostgresSchema(options).status());

  auto store = Open();
  ASSERT_OK(store);
  ASSERT_OK((*store)->RecordIssuedCards({MakeCard("c-1")}));
  ASSERT_OK(server_->Stop());
  statuses.push_back((*store)->RecordFeedback({MakeFeedback("c-1")}).status());
  statuses.push_back((*store)->RecordJti("iss", "j", kNow + 1000, kNow).status());

  for (const Status& s : statuses) {
    EXPECT_FALSE(s.ok());
    EXPECT_THAT(s.message(), AllOf(Not(HasSubstr(server_->password())), Not(HasSubstr(wrong))));
  }
  const std::string all = logs.All();
  EXPECT_THAT(all, HasSubstr("store_opened")) << "the log names where the store connected";
  EXPECT_THAT(all, AllOf(Not(HasSubstr(server_->password())), Not(HasSubstr(wrong))));
}

// --- Availability --------------------------------------------------------------------------

TEST_F(PostgresStoreTest, ARestartBetweenCallsIsInvisible) {
  auto store = Open();
  ASSERT_OK(store);
  ASSERT_OK((*store)->RecordIssuedCards({MakeCard("c-1")}));  // leaves idle connections
  ASSERT_OK(server_->Stop());
  ASSERT_OK(server_->StartAgain());
  // The idle connections died with the old server; the pool notices before lending them.
  EXPECT_OK((*store)->RecordFeedback({MakeFeedback("c-1")}));
  EXPECT_OK((*store)->FindIssuedCard("c-1"));
}

TEST_F(PostgresStoreTest, CallsFailAsUnavailableWhileTheServerIsDownThenRecoverByThemselves) {
  auto store = Open();
  ASSERT_OK(store);
  ASSERT_OK((*store)->RecordIssuedCards({MakeCard("before")}));
  ASSERT_OK(server_->Stop());

  EXPECT_THAT((*store)->RecordFeedback({MakeFeedback("before")}),
              StatusIs(StatusCode::kUnavailable, HasSubstr("record feedback")));
  EXPECT_THAT((*store)->RecordJti("iss", "jti-down", kNow + 60'000, kNow),
              StatusIs(StatusCode::kUnavailable, ::testing::_));
  EXPECT_THAT((*store)->FindIssuedCard("before"), StatusIs(StatusCode::kUnavailable, ::testing::_));
  EXPECT_THAT((*store)->RecordIssuedCards({MakeCard("during")}),
              StatusIs(StatusCode::kUnavailable, ::testing::_));
  // During the back-off calls fail at once instead of waiting for a connect timeout.
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THAT((*store)->RecordJti("iss", "jti-down", kNow + 60'000, kNow),
              StatusIs(StatusCode::kUnavailable, ::testing::_));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));

  ASSERT_OK(server_->StartAgain());
  // Same store object: no reopening. The back-off is at most 200 ms in these options.
  StatusOr<std::vector<FeedbackResult>> stored = UnavailableError("not tried");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!stored.ok() && std::chrono::steady_clock::now() < deadline) {
    stored = (*store)->RecordFeedback({MakeFeedback("before")});
    if (!stored.ok()) {
      EXPECT_EQ(stored.status().code(), StatusCode::kUnavailable) << stored.status().ToString();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSERT_OK(stored);
  auto list = (*store)->ListFeedback(1);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].card_known) << "the card issued before the outage is still there";
  auto jti = (*store)->RecordJti("iss", "jti-down", kNow + 60'000, kNow);
  ASSERT_OK(jti);
  EXPECT_EQ(*jti, JtiResult::kRecorded) << "nothing was recorded while the server was down";
}

TEST_F(PostgresStoreTest, StatementTimeoutCutsOffAStatementWaitingForALock) {
  PostgresOptions options = server_->StoreOptions();
  options.statement_timeout_ms = 300;
  auto store = PostgresStore::Open(options);
  ASSERT_OK(store);
  {
    RawConnection holder(server_->url());
    holder.Exec("BEGIN");
    holder.Exec("LOCK TABLE feedback IN ACCESS EXCLUSIVE MODE");
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_THAT((*store)->RecordFeedback({MakeFeedback("c-1")}),
                StatusIs(StatusCode::kUnavailable,
                         AllOf(HasSubstr("statement timeout"), HasSubstr("57014"))));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
    holder.Exec("ROLLBACK");
  }
  EXPECT_OK((*store)->RecordFeedback({MakeFeedback("c-1")}));
  EXPECT_EQ(Query("SELECT COUNT(*) FROM feedback"), "1");
}

TEST_F(PostgresStoreTest, ThePoolNeverOpensMoreThanItsSize) {
  PostgresOptions options = server_->StoreOptions();
  options.pool_size = 2;
  auto store = PostgresStore::Open(options);
  ASSERT_OK(store);
  std::atomic<int> errors{0};
  std::atomic<int> most_open{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto r = (*store)->RecordJti("iss", std::to_string(t) + "-" + std::to_string(i),
                                     kNow + 60'000, kNow);
        if (!r.ok() || *r != JtiResult::kRecorded) ++errors;
        most_open = std::max(most_open.load(), (*store)->OpenConnectionsForTesting());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_LE(most_open.load(), 2);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM used_jti"), "200");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = "
                  "'cds-hooks-server'"),
            "2");
}

// --- Data the two databases treat differently ----------------------------------------------

TEST_F(PostgresStoreTest, TextWithANulCharacterIsRefusedNotTruncated) {
  auto store = Open();
  ASSERT_OK(store);
  Feedback f = MakeFeedback("c-1");
  using std::string_literals::operator""s;
  f.user_comment = "before\0after"s;
  EXPECT_THAT((*store)->RecordFeedback({f}),
              StatusIs(StatusCode::kInvalidArgument, AllOf(HasSubstr("item 0"), HasSubstr("NUL"))));
  EXPECT_EQ(Query("SELECT COUNT(*) FROM feedback"), "0");
}

TEST_F(PostgresStoreTest, LookupsUseIndexes) {
  ASSERT_OK(Open());
  for (const char* query : {
           "SELECT * FROM issued_card WHERE card_uuid = 'x'",
           "SELECT * FROM feedback WHERE card_uuid = 'x'",
           "SELECT * FROM used_jti WHERE iss = 'i' AND jti = 'x'",
           "SELECT * FROM hook_call WHERE called_at >= 1 AND called_at < 2",
           "SELECT * FROM remembered_override WHERE patient_key = 'k' AND expires_at > 1",
           "SELECT * FROM encounter_snooze WHERE user_id = 'u' AND encounter_key = 'e'",
       }) {
    // Tables this small would be scanned; forbid that to see which index the planner has.
    EXPECT_THAT(Query(std::string("SET enable_seqscan = off; EXPLAIN ") + query),
                HasSubstr("Index"))
        << query;
  }
}

// --- Pieces without a server ---------------------------------------------------------------

TEST(PostgresPiecesTest, PlaceholdersAreRewrittenOutsideQuotesOnly) {
  EXPECT_EQ(PostgresPlaceholders("a = ?1 AND b = '?2' AND \"c?3\" = ?10 AND d = 'it''s ?4'"),
            "a = $1 AND b = '?2' AND \"c?3\" = $10 AND d = 'it''s ?4'");
}

TEST(PostgresPiecesTest, SqlStatesMapToTheStatusVocabulary) {
  const std::vector<std::pair<const char*, StatusCode>> cases = {
      {"08006", StatusCode::kUnavailable},        {"57P01", StatusCode::kUnavailable},
      {"57014", StatusCode::kUnavailable},        {"53100", StatusCode::kUnavailable},
      {"40001", StatusCode::kUnavailable},        {"40P01", StatusCode::kUnavailable},
      {"55P03", StatusCode::kUnavailable},        {"25006", StatusCode::kUnavailable},
      {"23505", StatusCode::kInvalidArgument},    {"23514", StatusCode::kInvalidArgument},
      {"22021", StatusCode::kInvalidArgument},    {"28P01", StatusCode::kFailedPrecondition},
      {"3D000", StatusCode::kFailedPrecondition}, {"42501", StatusCode::kFailedPrecondition},
      {"XX001", StatusCode::kFailedPrecondition}, {"42601", StatusCode::kInternal},
      {"42P01", StatusCode::kInternal},
  };
  for (const auto& [state, code] : cases) EXPECT_EQ(CodeForSqlState(state), code) << state;
  EXPECT_EQ(CodeForConnectFailure("FATAL:  password authentication failed for user \"x\""),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeForConnectFailure("connection to server on socket \"/x/.s.PGSQL.5432\" failed: "
                                  "No such file or directory"),
            StatusCode::kUnavailable);
  EXPECT_EQ(CodeForConnectFailure("FATAL:  the database system is starting up"),
            StatusCode::kUnavailable);
  EXPECT_EQ(CodeForConnectFailure("FATAL:  sorry, too many clients already"),
            StatusCode::kUnavailable);
}

TEST(PostgresPiecesTest, RedactorHidesEveryOccurrence) {
  Redactor r;
  r.Add("s3cret");
  r.Add("");  // ignored
  EXPECT_EQ(r.Apply("a s3cret b s3crets3cret"), "a *** b ******");
}

}  // namespace
}  // namespace cds::store
