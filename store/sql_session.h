// SqlSession and SqlLanes: the few things SqlStore (sql_store.h) needs from a SQL database,
// implemented once for SQLite (sqlite_store.cc) and once for PostgreSQL (postgres_store.cc).
// Internal to store/.
//
// SQL text is written once, in the subset both databases share, with ?1, ?2... as
// parameters (PostgreSQL's connection rewrites them to $1, $2...). Where the dialects differ
// the backend supplies the statement (SqlDialect).
//
// A session is one connection, borrowed for one operation (one transaction or one
// statement) by one thread. Lanes separate the kinds of work so that they do not queue
// behind each other where the backend can avoid it, and so that each commits with the
// right durability:
//   kRelaxed  issued cards, audit records, used JWT ids: committed without waiting for the
//             disk (SQLite synchronous=NORMAL; PostgreSQL synchronous_commit=off);
//   kDurable  feedback and what it starts: durable when Commit() returns;
//   kReports  reads for reports and analytics (may be long; SQLite: its own connection).
//
// Errors are the project's Status vocabulary, mapped by the backend (see store.h).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace cds::store {

// A bound parameter: SQL NULL, an integer or text (viewed; must outlive Execute()).
using SqlParam = std::variant<std::nullptr_t, int64_t, std::string_view>;

// Text, or NULL for "" (the schema stores "absent" as NULL, never as '').
inline SqlParam TextOrNull(std::string_view text) {
  return text.empty() ? SqlParam(nullptr) : SqlParam(text);
}

struct SqlResult {
  // Every column as text; nullopt is SQL NULL.
  std::vector<std::vector<std::optional<std::string>>> rows;
  int64_t affected_rows = 0;  // for INSERT / UPDATE / DELETE
};

// Readers for one result cell. NULL reads as "" / 0, as the records expect.
std::string CellText(const std::optional<std::string>& cell);
StatusOr<int64_t> CellInt(const std::optional<std::string>& cell);

enum class Lane { kRelaxed, kDurable, kReports };

class SqlSession {
 public:
  virtual ~SqlSession() = default;
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  // Rolls back an open transaction; safe to call when none is open.
  virtual void Rollback() = 0;
  // Runs `sql` (a string literal: statements are cached by its text).
  virtual StatusOr<SqlResult> Execute(const char* sql, std::initializer_list<SqlParam> params) = 0;
};

// Statements whose text differs between the backends.
struct SqlDialect {
  const char* prune_issued_cards;    // ?1 older_than, ?2 batch size
  const char* suggestions_accepted;  // analytics; ?1 from, ?2 to, ?3 utc offset
};

class SqlLanes {
 public:
  virtual ~SqlLanes() = default;
  virtual StatusOr<std::unique_ptr<SqlSession>> Open(Lane lane) = 0;
  virtual const SqlDialect& dialect() const = 0;
  virtual std::string_view name() const = 0;
  virtual StatusOr<int> SchemaVersion() = 0;
};

// Rolls back on destruction unless Commit() succeeded.
class SqlTransaction {
 public:
  static StatusOr<SqlTransaction> Begin(SqlSession& session);
  SqlTransaction(SqlTransaction&& other) noexcept : session_(other.session_) {
    other.session_ = nullptr;
  }
  SqlTransaction& operator=(SqlTransaction&&) = delete;
  SqlTransaction(const SqlTransaction&) = delete;
  ~SqlTransaction();
  Status Commit();

 private:
  explicit SqlTransaction(SqlSession* session) : session_(session) {}
  SqlSession* session_;  // null once committed, rolled back or moved from
};

}  // namespace cds::store
