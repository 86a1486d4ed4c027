#include "store/sqlite_connection.h"

#include <charconv>
#include <string>
#include <system_error>
#include <utility>

namespace cds::store {
namespace {

StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {  // the primary code; extended codes refine it in the low byte's context
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return StatusCode::kInvalidArgument;
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return StatusCode::kFailedPrecondition;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInternal;
  }
}

// Finalizes a one-off (uncached) statement when it goes out of scope.
struct FinalizeStmt {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using OneOffStmt = std::unique_ptr<sqlite3_stmt, FinalizeStmt>;

}  // namespace

Status SqliteStatus(int rc, sqlite3* db, std::string_view what) {
  // sqlite3_errmsg is more specific ("CHECK constraint failed: ...") but only describes the
  // handle's latest error; without a handle, fall back to the generic text of the code.
  const char* text = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message(what);
  message += ": ";
  message += text;
  message += " (sqlite code " + std::to_string(rc) + ")";
  return Status(CodeFor(rc), std::move(message));
}

// --- Statement ---

Statement::Statement(sqlite3_stmt* stmt, bool* in_use) : stmt_(stmt), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : stmt_(other.stmt_), in_use_(other.in_use_), bind_rc_(other.bind_rc_) {
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

Statement& Statement::BindText(int index, std::string_view value) {
  // A null data pointer would bind SQL NULL; an empty string must stay ''.
  const char* data = value.data() != nullptr ? value.data() : "";
  const int rc =
      sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::BindInt64(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::BindTextOrNull(int index, std::string_view value) {
  if (!value.empty()) return BindText(index, value);
  return BindNull(index);
}

Statement& Statement::BindNull(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

StatusOr<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return SqliteStatus(bind_rc_, sqlite3_db_handle(stmt_), "bind");
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, sqlite3_db_handle(stmt_), "step");
}

Status Statement::Run() {
  while (true) {
    StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return OkStatus();
  }
}

int64_t Statement::ColumnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  // Text first, then bytes: the documented order that yields the length of that text.
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// --- Connection ---

StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                       int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  auto conn = std::make_unique<Connection>(raw);  // owns (and will close) even a failed handle
  if (rc != SQLITE_OK) return SqliteStatus(rc, raw, "open '" + path + "'");
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  // All SQL is ours; defensive mode refuses the few statements that can corrupt a file
  // (writable_schema, direct shadow-table writes) should a bug ever build one.
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  // READWRITE silently degrades to read-only when the OS refuses write access; a store that
  // cannot write must fail here, not on the first feedback POST.
  if (sqlite3_db_readonly(raw, "main") == 1) {
    return FailedPreconditionError("open '" + path + "': file is read-only");
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Exec(const std::string& sql) {
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_, "exec");
  return OkStatus();
}

StatusOr<std::string> Connection::QueryText(const char* sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr);
  OneOffStmt stmt(raw);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_, "prepare");
  if (stmt == nullptr) return InternalError("query: empty SQL");
  const int step = sqlite3_step(stmt.get());
  if (step == SQLITE_DONE) return InternalError("query: no row");
  if (step != SQLITE_ROW) return SqliteStatus(step, db_, "query");
  const unsigned char* text = sqlite3_column_text(stmt.get(), 0);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

StatusOr<int64_t> Connection::QueryInt64(const char* sql) {
  StatusOr<std::string> text = QueryText(sql);
  if (!text.ok()) return text.status();
  int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end) return InternalError("query: not an integer");
  return value;
}

StatusOr<Statement> Connection::Prepare(const char* sql) {
  auto it = cache_.find(std::string_view(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    // PERSISTENT: these statements live for the connection's lifetime.
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return SqliteStatus(rc, db_, "prepare");
    }
    if (stmt == nullptr) return InternalError("prepare: empty SQL");
    it = cache_.emplace(sql, Cached{stmt, false}).first;
  }
  if (it->second.in_use) return InternalError("prepare: statement already borrowed");
  it->second.in_use = true;
  return Statement(it->second.stmt, &it->second.in_use);
}

// --- Transaction ---

StatusOr<Transaction> Transaction::Begin(Connection& db) {
  StatusOr<Statement> begin = db.Prepare("BEGIN IMMEDIATE");
  if (!begin.ok()) return begin.status();
  Status status = begin->Run();
  if (!status.ok()) return status.WithContext("begin");
  return Transaction(&db);
}

Transaction::~Transaction() {
  // Some errors (I/O, full disk) make SQLite roll back by itself; only roll back what is open.
  if (db_ == nullptr || sqlite3_get_autocommit(db_->handle()) != 0) return;
  sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::Commit() {
  if (db_ == nullptr) return InternalError("commit: no open transaction");
  StatusOr<Statement> commit = db_->Prepare("COMMIT");
  if (!commit.ok()) return commit.status();
  Status status = commit->Run();
  if (!status.ok()) return status.WithContext("commit");  // destructor rolls back
  db_ = nullptr;
  return OkStatus();
}

}  // namespace cds::store
