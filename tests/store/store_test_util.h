// Helpers for the store tests: a scratch directory per test, a raw SQLite handle for checking
// what is really on disk (independently of the Store API), and row builders.
//
// Not thread-safe; each test owns its helpers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/sqlite_store.h"

#include <stdlib.h>

namespace cds::store::testing {

// A fresh directory under the test temp dir, removed with its contents on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = ::testing::TempDir() + "cds_store_XXXXXX";
    const char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr) << "mkdtemp failed";
    path_ = made != nullptr ? made : pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ignored);
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// A plain sqlite3 connection to the same file; failures are reported as test failures.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << sqlite3_errmsg(db_);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  // The first column of the first row, or -1 (with a test failure) on error.
  int64_t QueryInt(const std::string& sql) {
    std::string text = QueryText(sql);
    return text.empty() ? -1 : std::stoll(text);
  }

  // The first column of every row, joined with '\n'; "" (with a test failure) on error.
  std::string QueryText(const std::string& sql, int column = 0) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return "";
    }
    std::string out;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, column);
      if (!out.empty()) out += '\n';
      if (text != nullptr) out += reinterpret_cast<const char*>(text);
    }
    if (rc != SQLITE_DONE) ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return out;
  }

  // Returns SQLite's result code so tests can assert failures too.
  int Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }

 private:
  sqlite3* db_ = nullptr;
};

inline IssuedCard MakeCard(std::string uuid, std::string hook_instance = "hi-1") {
  IssuedCard card;
  card.card_uuid = std::move(uuid);
  card.hook_instance = std::move(hook_instance);
  card.service_id = "statin-ldl";
  card.rule_id = "ldl_statin";
  card.indicator = "warning";
  card.issued_at = 1'700'000'000'000;
  card.suggestion_uuids = {"e56e1945-20b3-4393-8503-a1a20fd73152"};
  return card;
}

inline Feedback MakeFeedback(std::string card_uuid, std::string outcome = "overridden",
                             EpochMillis outcome_time = 1'607'644'800'000) {
  Feedback f;
  f.service_id = "statin-ldl";
  f.card_uuid = std::move(card_uuid);
  f.outcome = std::move(outcome);
  f.outcome_time = outcome_time;
  f.outcome_timestamp = "2020-12-11T00:00:00Z";
  f.received_at = 1'700'000'100'000;
  return f;
}

}  // namespace cds::store::testing
