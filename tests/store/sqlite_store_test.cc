#include "store/sqlite_store.h"

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sqlite_connection.h"
#include "store/sqlite_schema.h"

#include "tests/store/store_test_util.h"
#include "tests/support/status_matchers.h"

namespace cds::store {
namespace {

using ::cds::store::testing::MakeCard;
using ::cds::store::testing::MakeFeedback;
using ::cds::store::testing::RawDb;
using ::cds::store::testing::ScratchDir;
using ::cds::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::Open(path_);
    ASSERT_OK(store);
    store_ = std::move(store).value();
  }

  ScratchDir dir_;
  std::string path_ = dir_.File("feedback.db");
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, OpenAppliesSchemaInWalMode) {
  RawDb raw(path_);
  EXPECT_EQ(raw.QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(raw.QueryText("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"),
            "encounter_snooze\nfeedback\nhook_call\nhook_call_data_source\nhook_call_rule\n"
            "issued_card\nremembered_override\nsuppressed_card\nused_jti");
}

TEST_F(SqliteStoreTest, CardsCommitAtNormalAndFeedbackAtFull) {
  auto levels = store_->SynchronousLevelsForTesting();
  ASSERT_OK(levels);
  EXPECT_EQ(levels->first, 1);   // NORMAL
  EXPECT_EQ(levels->second, 2);  // FULL
}

TEST_F(SqliteStoreTest, CardUuidLookupsUseAnIndex) {
  RawDb raw(path_);
  EXPECT_THAT(raw.QueryText("EXPLAIN QUERY PLAN SELECT * FROM issued_card WHERE card_uuid = 'x'",
                            /*column=*/3),
              HasSubstr("USING INDEX"));
  EXPECT_THAT(raw.QueryText("EXPLAIN QUERY PLAN SELECT * FROM feedback WHERE card_uuid = 'x'",
                            /*column=*/3),
              HasSubstr("USING INDEX"));
}

TEST_F(SqliteStoreTest, HostileTextIsStoredVerbatim) {
  const std::string tables_sql =
      "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name";
  const std::string tables_before = RawDb(path_).QueryText(tables_sql);
  Feedback f = MakeFeedback("x'); DROP TABLE feedback; --");
  using std::string_literals::operator""s;
  f.user_comment = "Robert'); DROP TABLE issued_card;--\0after NUL \"q\" \xC3\xA9"s;
  f.accepted_suggestions = {"\"]", "\0"s, ""};
  ASSERT_OK(store_->RecordFeedback({f}));
  auto list = store_->ListFeedback(1);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].feedback.card_uuid, f.card_uuid);
  EXPECT_EQ((*list)[0].feedback.user_comment, f.user_comment);
  EXPECT_EQ((*list)[0].feedback.accepted_suggestions, f.accepted_suggestions);
  EXPECT_EQ(RawDb(path_).QueryText(tables_sql), tables_before);
}

TEST(SqliteStoreSchemaTest, MigratesAVersion1FileKeepingItsRows) {
  ScratchDir dir;
  const std::string path = dir.File("v1.db");
  {
    auto db = Connection::Open(path, 1000);
    ASSERT_OK(db);
    ASSERT_OK((*db)->QueryText("PRAGMA journal_mode = WAL"));
    ASSERT_OK(MigrateSchemaTo(**db, 1));
  }
  RawDb raw(path);
  ASSERT_EQ(raw.Exec("INSERT INTO issued_card (card_uuid, hook_instance, service_id, rule_id, "
                     "indicator, issued_at, suggestion_uuids) "
                     "VALUES ('c-1', 'h-1', 's', 'r', 'info', 5, '[\"x\"]')"),
            SQLITE_OK);
  ASSERT_EQ(raw.Exec("INSERT INTO feedback (service_id, card_uuid, outcome, outcome_time, "
                     "outcome_timestamp, accepted_suggestions, received_at, card_known, rule_id) "
                     "VALUES ('s', 'c-1', 'accepted', 6, 't', '[\"x\"]', 7, 1, 'r')"),
            SQLITE_OK);

  auto store = SqliteStore::Open(path);
  ASSERT_OK(store);
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), kSchemaVersion);
  auto card = (*store)->FindIssuedCard("c-1");
  ASSERT_OK(card);
  ASSERT_TRUE(card->has_value());
  EXPECT_EQ((*card)->hook_instance, "h-1");
  EXPECT_TRUE((*card)->override_reasons.empty());
  auto list = (*store)->ListFeedback(10);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].rule_id, "r");
}

TEST(SqliteStoreSchemaTest, StoresOpeningANewFileTogetherMigrateItOnce) {
  ScratchDir dir;
  const std::string path = dir.File("new.db");
  std::vector<Status> results(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = SqliteStore::Open(path).status(); });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) EXPECT_OK(s);
  EXPECT_EQ(RawDb(path).QueryInt("PRAGMA user_version"), kSchemaVersion);
}

TEST(SqliteStoreSchemaTest, CheckModeAndInspectionChangeNothing) {
  ScratchDir dir;
  const std::string path = dir.File("later.db");
  auto absent = InspectSqliteSchema(path);
  ASSERT_OK(absent);
  EXPECT_FALSE(absent->has_value());
  EXPECT_FALSE(std::filesystem::exists(path)) << "inspection created the file";
  EXPECT_THAT(SqliteStore::Open(path, {}, SchemaMode::kCheck),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("schema version 0")));
  ASSERT_OK(SqliteStore::Open(path));
  auto present = InspectSqliteSchema(path);
  ASSERT_OK(present);
  EXPECT_EQ(*present, std::optional<int>(kSchemaVersion));
  EXPECT_OK(SqliteStore::Open(path, {}, SchemaMode::kCheck));
}

}  // namespace
}  // namespace cds::store
