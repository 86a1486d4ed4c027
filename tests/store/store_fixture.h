// StoreTest: the fixture of the suite every Store backend must pass, parameterised over the
// backend. For SQLite it opens a file in a scratch directory; for PostgreSQL it starts a
// private server (tests/support/postgres_test_server.h) and skips when PostgreSQL is not
// installed (a failure under CDS_REQUIRE_POSTGRES).
//
// Besides the store under test, a test can open further stores on the same database (a
// second instance, or the same one after a restart) and count rows with plain SQL that
// both databases understand, independently of the Store API.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "store/postgres_store.h"
#include "store/sqlite_store.h"
#include "store/store.h"

#include "tests/store/store_test_util.h"
#include "tests/support/postgres_gtest.h"
#include "tests/support/status_matchers.h"

namespace cds::store::testing {

enum class Backend { kSqlite, kPostgresql };

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgresql";
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgresql) {
      std::string skip;
      postgres_ = ::cds::testing::StartPostgresOrSkip(&skip);
      if (postgres_ == nullptr) GTEST_SKIP() << skip;
    }
    auto store = OpenStore();
    ASSERT_OK(store);
    store_ = std::move(store).value();
  }

  // Another store on the same database: a second instance, or this one after a restart.
  StatusOr<std::unique_ptr<Store>> OpenStore(int batch_size = 1000,
                                             SchemaMode mode = SchemaMode::kMigrate) {
    if (GetParam() == Backend::kSqlite) {
      auto s = SqliteStore::Open(path_, SqliteOptions{.prune_batch_size = batch_size}, mode);
      if (!s.ok()) return s.status();
      return std::unique_ptr<Store>(std::move(s).value());
    }
    PostgresOptions options = postgres_->StoreOptions();
    options.prune_batch_size = batch_size;
    auto s = PostgresStore::Open(options, mode);
    if (!s.ok()) return s.status();
    return std::unique_ptr<Store>(std::move(s).value());
  }

  // The first column of the first row of `sql`, as an integer (-1 and a failure on error).
  int64_t QueryInt(const std::string& sql) {
    std::string text = QueryText(sql);
    return text.empty() ? -1 : std::stoll(text);
  }

  // The first column of every row of `sql`, joined with '\n'.
  std::string QueryText(const std::string& sql) {
    if (GetParam() == Backend::kSqlite) return RawDb(path_).QueryText(sql);
    auto text = postgres_->Query(sql);
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    return text.ok() ? *text : "";
  }

  ScratchDir dir_;
  std::string path_ = dir_.File("store.db");
  std::unique_ptr<::cds::testing::PostgresTestServer> postgres_;
  std::unique_ptr<Store> store_;
};

}  // namespace cds::store::testing
