// Connection, Statement and Transaction: a thin, Status-returning layer over SQLite's C API.
//
// Internal to store/ (SqliteStore is the public face). A Connection owns one sqlite3 handle
// and every statement prepared on it; Prepare() caches by SQL text, so each statement is
// compiled once per connection. A Statement is a borrow of a cached statement: it must not
// outlive its Connection, and when the borrow ends the statement is reset and its bindings
// cleared, so no value from one call can leak into the next.
//
// Thread-safety: none. Handles are opened with SQLITE_OPEN_NOMUTEX because the owner holds
// one mutex across the whole use of a connection (bind, step, read columns, reset); SQLite's
// own per-call mutex could not make that sequence atomic anyway.
//
// Errors: every SQLite failure becomes a Status via SqliteStatus(). Values are only ever
// bound, never spliced into SQL text, and messages carry SQLite's text (which names columns
// and constraints, not bound values).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "base/status.h"

namespace cds::store {

// Maps a SQLite result code to the project's vocabulary:
//   CONSTRAINT, MISMATCH, RANGE, TOOBIG         -> kInvalidArgument (the row itself is bad)
//   CANTOPEN, NOTADB, CORRUPT, READONLY, PERM,
//   AUTH                                        -> kFailedPrecondition (the file is unusable)
//   BUSY, LOCKED, IOERR, FULL, NOMEM, PROTOCOL  -> kUnavailable (may succeed if retried later)
//   anything else                               -> kInternal (a bug in our SQL)
// `db` may be null (open failed before a handle existed); `what` names the operation.
Status SqliteStatus(int rc, sqlite3* db, std::string_view what);

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Binders use 1-based indexes, matching ?1, ?2... in the SQL. A failed bind is remembered
  // and reported by the next Step()/Run(), so call sites can chain binds without checks.
  Statement& BindText(int index, std::string_view value);
  Statement& BindInt64(int index, int64_t value);
  // Binds NULL for an empty string: the schema stores "absent" as NULL, never as ''.
  Statement& BindTextOrNull(int index, std::string_view value);
  Statement& BindNull(int index);

  // true when a row is ready to read, false when the statement has finished.
  StatusOr<bool> Step();
  // Steps to completion, for statements that produce no rows.
  Status Run();

  // Column readers; valid only after Step() returned true. NULL reads as 0 / "".
  int ColumnCount() const { return sqlite3_column_count(stmt_); }
  int64_t ColumnInt64(int column) const;
  std::string ColumnText(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  friend class Connection;
  Statement(sqlite3_stmt* stmt, bool* in_use);

  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache's flag for this statement; cleared when the borrow ends
  int bind_rc_ = SQLITE_OK;
};

class Connection {
 public:
  // Opens `path`, creating the file if absent (its directory must exist). The handle uses
  // extended result codes, the given busy timeout and SQLite's defensive mode. Fails with
  // kFailedPrecondition if SQLite could only open the file read-only.
  static StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, int busy_timeout_ms);

  // Takes ownership of `db` (which may be a handle whose open failed; it is still closed).
  explicit Connection(sqlite3* db) : db_(db) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs fixed SQL (pragmas, DDL). REQUIRES: `sql` contains no caller-supplied text.
  Status Exec(const std::string& sql);
  // The first column of the first row of fixed SQL, e.g. a pragma's value.
  StatusOr<std::string> QueryText(const char* sql);
  StatusOr<int64_t> QueryInt64(const char* sql);

  // A borrow of the cached statement for `sql`, preparing it on first use. Fails with
  // kInternal if the same statement is already borrowed (nested use is a bug).
  StatusOr<Statement> Prepare(const char* sql);

  // Rows changed by the most recent INSERT/UPDATE/DELETE on this connection.
  int64_t Changes() const { return sqlite3_changes64(db_); }
  sqlite3* handle() const { return db_; }

 private:
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db_;
  std::map<std::string, Cached, std::less<>> cache_;  // node-based: &Cached::in_use is stable
};

// An IMMEDIATE transaction: takes SQLite's write lock at BEGIN, so a read-then-write sequence
// never fails half-way with SQLITE_BUSY_SNAPSHOT and the busy timeout applies to the wait.
// Rolls back on destruction unless Commit() succeeded.
class Transaction {
 public:
  static StatusOr<Transaction> Begin(Connection& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Connection* db) : db_(db) {}
  Connection* db_;  // null once committed, rolled back or moved from
};

}  // namespace cds::store
