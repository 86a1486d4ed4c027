#include "store/sqlite_schema.h"

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sqlite_connection.h"

#include "tests/store/store_test_util.h"
#include "tests/support/status_matchers.h"

namespace cds::store {
namespace {

using ::cds::store::testing::RawDb;
using ::cds::store::testing::ScratchDir;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Connection::Open(path_, 1000);
    ASSERT_OK(db);
    db_ = std::move(db).value();
  }

  ScratchDir dir_;
  std::string path_ = dir_.File("schema.db");
  std::unique_ptr<Connection> db_;
};

TEST_F(SchemaTest, MigratesAnEmptyFileToTheCurrentVersion) {
  ASSERT_OK(MigrateSchema(*db_));
  EXPECT_EQ(RawDb(path_).QueryInt("PRAGMA user_version"), kSchemaVersion);
  EXPECT_OK(CheckSchemaVersion(*db_));
}

TEST_F(SchemaTest, MigratingTwiceIsANoOp) {
  ASSERT_OK(MigrateSchema(*db_));
  const std::string schema_sql = "SELECT type, name, sql FROM sqlite_schema ORDER BY name";
  const std::string once = RawDb(path_).QueryText(schema_sql, /*column=*/2);
  ASSERT_OK(MigrateSchema(*db_));
  EXPECT_EQ(RawDb(path_).QueryText(schema_sql, /*column=*/2), once);
  EXPECT_EQ(RawDb(path_).QueryInt("PRAGMA user_version"), kSchemaVersion);
}

TEST_F(SchemaTest, CheckRefusesAnUnmigratedFile) {
  EXPECT_THAT(CheckSchemaVersion(*db_),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("schema version 0")));
}

TEST_F(SchemaTest, RefusesAFileFromANewerBinary) {
  ASSERT_OK(db_->Exec("PRAGMA user_version = " + std::to_string(kSchemaVersion + 1)));
  EXPECT_THAT(MigrateSchema(*db_), StatusIs(StatusCode::kFailedPrecondition, HasSubstr("newer")));
  EXPECT_THAT(CheckSchemaVersion(*db_),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("newer")));
}

TEST_F(SchemaTest, ConstraintsRejectRowsTheCallerShouldHaveRefused) {
  ASSERT_OK(MigrateSchema(*db_));
  RawDb raw(path_);
  const std::string insert =
      "INSERT INTO feedback (service_id, card_uuid, outcome, outcome_time, outcome_timestamp, "
      "accepted_suggestions, received_at, card_known) VALUES ";
  EXPECT_EQ(raw.Exec(insert + "('s', 'c', 'accepted', 1, 't', '[]', 1, 0)"), SQLITE_OK);
  EXPECT_EQ(raw.Exec(insert + "('s', 'c2', 'ignored', 1, 't', '[]', 1, 0)"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec(insert + "('s', 'c3', 'accepted', 1, 't', '{}', 1, 0)"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec(insert + "('s', '', 'accepted', 1, 't', '[]', 1, 0)"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("INSERT INTO issued_card (card_uuid, hook_instance, service_id, rule_id, "
                     "indicator, issued_at) VALUES ('c', 'h', 's', 'r', 'hard-stop', 1)"),
            SQLITE_CONSTRAINT);
}

}  // namespace
}  // namespace cds::store
