#include "store/sqlite_connection.h"

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/store/store_test_util.h"
#include "tests/support/status_matchers.h"

namespace cds::store {
namespace {

using ::cds::store::testing::ScratchDir;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Connection::Open(dir_.File("c.db"), 1000);
    ASSERT_OK(db);
    db_ = std::move(db).value();
    ASSERT_OK(db_->Exec("CREATE TABLE t (v TEXT NOT NULL)"));
  }

  int64_t CountRows() {
    auto n = db_->QueryInt64("SELECT COUNT(*) FROM t");
    EXPECT_OK(n);
    return n.value_or(-1);
  }

  ScratchDir dir_;
  std::unique_ptr<Connection> db_;
};

TEST_F(ConnectionTest, NestedBorrowOfOneStatementIsRefused) {
  auto first = db_->Prepare("SELECT 1");
  ASSERT_OK(first);
  EXPECT_THAT(db_->Prepare("SELECT 1"),
              StatusIs(StatusCode::kInternal, HasSubstr("already borrowed")));
  { Statement release = std::move(first).value(); }
  EXPECT_OK(db_->Prepare("SELECT 1"));
}

TEST_F(ConnectionTest, BindingsDoNotLeakIntoTheNextBorrow) {
  {
    auto stmt = db_->Prepare("SELECT ?1");
    ASSERT_OK(stmt);
    stmt->BindInt64(1, 42);
    ASSERT_OK(stmt->Step());
    EXPECT_EQ(stmt->ColumnInt64(0), 42);
  }
  auto again = db_->Prepare("SELECT ?1");
  ASSERT_OK(again);
  auto row = again->Step();
  ASSERT_OK(row);
  ASSERT_TRUE(*row);
  EXPECT_TRUE(again->ColumnIsNull(0));
}

TEST_F(ConnectionTest, EmptyTextIsEmptyUnlessAskedForNull) {
  auto stmt = db_->Prepare("SELECT ?1 IS NULL, ?2 IS NULL, length(?1)");
  ASSERT_OK(stmt);
  stmt->BindText(1, std::string_view()).BindTextOrNull(2, "");
  auto row = stmt->Step();
  ASSERT_OK(row);
  ASSERT_TRUE(*row);
  EXPECT_EQ(stmt->ColumnInt64(0), 0);
  EXPECT_EQ(stmt->ColumnInt64(1), 1);
  EXPECT_EQ(stmt->ColumnInt64(2), 0);
}

TEST_F(ConnectionTest, BindErrorIsReportedByStep) {
  auto stmt = db_->Prepare("SELECT ?1");
  ASSERT_OK(stmt);
  stmt->BindInt64(7, 1);  // no such parameter
  EXPECT_THAT(stmt->Step(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("bind")));
}

TEST_F(ConnectionTest, TransactionRollsBackUnlessCommitted) {
  {
    auto txn = Transaction::Begin(*db_);
    ASSERT_OK(txn);
    ASSERT_OK(db_->Exec("INSERT INTO t VALUES ('dropped')"));
  }
  EXPECT_EQ(CountRows(), 0);
  {
    auto txn = Transaction::Begin(*db_);
    ASSERT_OK(txn);
    ASSERT_OK(db_->Exec("INSERT INTO t VALUES ('kept')"));
    ASSERT_OK(txn->Commit());
  }
  EXPECT_EQ(CountRows(), 1);
}

TEST_F(ConnectionTest, ConstraintViolationIsInvalidArgument) {
  auto stmt = db_->Prepare("INSERT INTO t VALUES (?1)");
  ASSERT_OK(stmt);
  stmt->BindTextOrNull(1, "");
  EXPECT_THAT(stmt->Run(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("NOT NULL")));
}

TEST(SqliteStatusTest, MapsResultCodesToStatusCodes) {
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_CHECK, nullptr, "x").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SqliteStatus(SQLITE_NOTADB, nullptr, "x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(SqliteStatus(SQLITE_CANTOPEN, nullptr, "x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(SqliteStatus(SQLITE_BUSY_SNAPSHOT, nullptr, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_IOERR_FSYNC, nullptr, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_ERROR, nullptr, "x").code(), StatusCode::kInternal);
  EXPECT_THAT(SqliteStatus(SQLITE_FULL, nullptr, "commit"),
              StatusIs(StatusCode::kUnavailable, HasSubstr("commit: database or disk is full")));
}

}  // namespace
}  // namespace cds::store
