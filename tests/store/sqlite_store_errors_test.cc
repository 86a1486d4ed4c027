// Unusable paths and damaged files must give a clear Status, never a crash.
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sqlite_store.h"

#include "tests/store/store_test_util.h"
#include "tests/support/status_matchers.h"
#include <unistd.h>

namespace cds::store {
namespace {

using ::cds::store::testing::MakeFeedback;
using ::cds::store::testing::RawDb;
using ::cds::store::testing::ScratchDir;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

TEST(SqliteStoreErrorsTest, EmptyPathIsInvalidArgument) {
  EXPECT_THAT(SqliteStore::Open(""), StatusIs(StatusCode::kInvalidArgument, HasSubstr("path")));
}

TEST(SqliteStoreErrorsTest, InMemoryDatabaseIsRefused) {
  // Two connections to ":memory:" would be two unrelated databases, and nothing would persist.
  EXPECT_THAT(SqliteStore::Open(":memory:"),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("WAL is required")));
}

TEST(SqliteStoreErrorsTest, MissingParentDirectory) {
  ScratchDir dir;
  EXPECT_THAT(SqliteStore::Open(dir.File("no/such/dir/feedback.db")),
              StatusIs(StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("open SQLite store"), HasSubstr("unable to open"))));
}

TEST(SqliteStoreErrorsTest, PathIsADirectory) {
  ScratchDir dir;
  EXPECT_THAT(SqliteStore::Open(dir.path()),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("unable to open")));
}

TEST(SqliteStoreErrorsTest, ParentIsARegularFile) {
  ScratchDir dir;
  WriteFile(dir.File("plain"), "x");
  EXPECT_THAT(SqliteStore::Open(dir.File("plain/feedback.db")),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("unable to open")));
}

TEST(SqliteStoreErrorsTest, ReadOnlyFile) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores file permissions";
  ScratchDir dir;
  const std::string path = dir.File("feedback.db");
  ASSERT_OK(SqliteStore::Open(path));
  std::filesystem::permissions(path, std::filesystem::perms::owner_read);
  EXPECT_THAT(SqliteStore::Open(path),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("read-only")));
}

TEST(SqliteStoreErrorsTest, NotADatabase) {
  ScratchDir dir;
  const std::string path = dir.File("feedback.db");
  WriteFile(path, std::string(8192, 'Z'));
  EXPECT_THAT(SqliteStore::Open(path),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("not a database")));
}

TEST(SqliteStoreErrorsTest, NewerSchemaIsRefused) {
  ScratchDir dir;
  const std::string path = dir.File("feedback.db");
  ASSERT_OK(SqliteStore::Open(path));
  ASSERT_EQ(RawDb(path).Exec("PRAGMA user_version = 99"), SQLITE_OK);
  EXPECT_THAT(SqliteStore::Open(path),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("schema version 99 is newer")));
}

TEST(SqliteStoreErrorsTest, CorruptPagesGiveAnErrorNotACrash) {
  ScratchDir dir;
  const std::string path = dir.File("feedback.db");
  {
    auto store = SqliteStore::Open(path);
    ASSERT_OK(store);
    for (int i = 0; i < 200; ++i) {
      Feedback f = MakeFeedback("card-" + std::to_string(i));
      f.user_comment = std::string(200, 'c');  // enough rows to spread over many pages
      ASSERT_OK((*store)->RecordFeedback({f}));
    }
  }  // closing the last connection checkpoints the WAL into the main file
  ASSERT_FALSE(std::filesystem::exists(path + "-wal"));

  // Keep page 1 (header and schema), overwrite every other page with garbage.
  const auto size = std::filesystem::file_size(path);
  ASSERT_GT(size, 8192u);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(4096);
  const std::string garbage(size - 4096, '\xA5');
  file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  file.close();

  // Today the schema fits in page 1, so Open succeeds and the damage shows on first use; a
  // larger future schema may make Open itself fail, which is just as acceptable.
  auto store = SqliteStore::Open(path);
  if (!store.ok()) {
    EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition) << store.status().ToString();
    return;
  }
  EXPECT_THAT((*store)->ListFeedback(1000),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("malformed")));
  EXPECT_THAT((*store)->RecordFeedback({MakeFeedback("card-new")}),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("malformed")));
}

}  // namespace
}  // namespace cds::store
