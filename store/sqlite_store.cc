#include "store/sqlite_store.h"

#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>

#include "base/status_macros.h"

#include "store/sqlite_connection.h"
#include "store/sqlite_schema.h"

// Why separate connections to one file.
//
// PRAGMA synchronous is a property of a connection, and the two write paths need different
// settings. In WAL mode, synchronous=NORMAL appends a commit to the WAL without fsync (the WAL
// is synced only at checkpoints), while synchronous=FULL also fsyncs the WAL after every
// commit. So the relaxed connection (cards, audit, used JWT ids) runs NORMAL and the durable
// connection (feedback) runs FULL, each set once at open. This is safe across the shared
// WAL: fsync flushes the whole file, so a FULL commit also persists any NORMAL frames before
// it, and nothing the NORMAL connection does can un-persist a FULL commit, because the WAL is
// only rewound after a checkpoint has synced the database file. Flipping the pragma on one
// connection around each transaction would also work, but an early return between the flips
// could leave feedback committing at NORMAL; with fixed per-connection settings there is no
// such state. SQLite still admits one writer at a time; the busy timeout and BEGIN IMMEDIATE
// make the connections wait their turn. A third, query-only connection serves reports, so a
// long analytics query never holds the mutex the hook path's writes need (WAL lets it read
// while the others write).

namespace cds::store {
namespace {

// rowid keeps the batch selection on the table's own b-tree.
const SqlDialect kSqliteDialect = {
    .prune_issued_cards =
        "DELETE FROM issued_card WHERE rowid IN "
        "(SELECT rowid FROM issued_card WHERE issued_at < ?1 LIMIT ?2)",
    .suggestions_accepted =
        "SELECT c.rule_id, (c.issued_at + ?3) / 86400000 AS day, "
        "SUM(json_array_length(f.accepted_suggestions)) "
        "FROM issued_card c JOIN feedback f ON f.card_uuid = c.card_uuid "
        "WHERE f.outcome = 'accepted' AND c.issued_at >= ?1 AND c.issued_at < ?2 "
        "GROUP BY c.rule_id, day",
};

// One borrowed connection: holds its lane's mutex for the session's lifetime.
class SqliteSession final : public SqlSession {
 public:
  SqliteSession(std::mutex& mu, Connection& db) : lock_(mu), db_(db) {}
  ~SqliteSession() override { Rollback(); }

  Status Begin() override {
    CDS_ASSIGN_OR_RETURN(Statement begin, db_.Prepare("BEGIN IMMEDIATE"));
    return begin.Run();
  }

  Status Commit() override {
    CDS_ASSIGN_OR_RETURN(Statement commit, db_.Prepare("COMMIT"));
    return commit.Run();
  }

  void Rollback() override {
    // Some errors (I/O, full disk) make SQLite roll back by itself; only roll back what is
    // open.
    if (sqlite3_get_autocommit(db_.handle()) != 0) return;
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

  StatusOr<SqlResult> Execute(const char* sql, std::initializer_list<SqlParam> params) override {
    CDS_ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(sql));
    int index = 1;
    for (const SqlParam& param : params) {
      if (const auto* text = std::get_if<std::string_view>(&param)) {
        stmt.BindText(index, *text);
      } else if (const auto* number = std::get_if<int64_t>(&param)) {
        stmt.BindInt64(index, *number);
      } else {
        stmt.BindNull(index);
      }
      ++index;
    }
    SqlResult result;
    while (true) {
      CDS_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
      if (!has_row) break;
      std::vector<std::optional<std::string>>& row = result.rows.emplace_back();
      const int columns = stmt.ColumnCount();
      row.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (stmt.ColumnIsNull(c)) {
          row.emplace_back();
        } else {
          row.emplace_back(stmt.ColumnText(c));
        }
      }
    }
    result.affected_rows = db_.Changes();
    return result;
  }

 private:
  std::unique_lock<std::mutex> lock_;
  Connection& db_;
};

StatusOr<std::unique_ptr<Connection>> OpenConnection(const std::string& path,
                                                     const SqliteOptions& options, bool migrate,
                                                     const char* extra_pragma) {
  CDS_ASSIGN_OR_RETURN(std::unique_ptr<Connection> db,
                       Connection::Open(path, options.busy_timeout_ms));
  // journal_mode=WAL is persistent in the file, but answering "wal" is also how we learn the
  // file is a database at all (a foreign file fails here with NOTADB).
  CDS_ASSIGN_OR_RETURN(std::string mode, db->QueryText("PRAGMA journal_mode = WAL"));
  if (mode != "wal") {
    return FailedPreconditionError("journal_mode is '" + mode + "', WAL is required");
  }
  CDS_RETURN_IF_ERROR(migrate ? MigrateSchema(*db) : CheckSchemaVersion(*db));
  // The audit tables' children cascade from hook_call; SQLite enforces foreign keys only on
  // connections that ask.
  CDS_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys = ON"));
  CDS_RETURN_IF_ERROR(db->Exec(extra_pragma));
  return db;
}

}  // namespace

class SqliteLanes final : public SqlLanes {
 public:
  SqliteLanes(std::unique_ptr<Connection> relaxed, std::unique_ptr<Connection> durable,
              std::unique_ptr<Connection> reports)
      : relaxed_(std::move(relaxed)), durable_(std::move(durable)), reports_(std::move(reports)) {}

  StatusOr<std::unique_ptr<SqlSession>> Open(Lane lane) override {
    switch (lane) {
      case Lane::kRelaxed:
        return std::unique_ptr<SqlSession>(std::make_unique<SqliteSession>(relaxed_mu_, *relaxed_));
      case Lane::kDurable:
        return std::unique_ptr<SqlSession>(std::make_unique<SqliteSession>(durable_mu_, *durable_));
      case Lane::kReports:
        return std::unique_ptr<SqlSession>(std::make_unique<SqliteSession>(reports_mu_, *reports_));
    }
    return InternalError("unknown lane");
  }

  const SqlDialect& dialect() const override { return kSqliteDialect; }
  std::string_view name() const override { return "sqlite"; }

  StatusOr<int> SchemaVersion() override {
    std::lock_guard<std::mutex> lock(reports_mu_);
    CDS_ASSIGN_OR_RETURN(int64_t version, reports_->QueryInt64("PRAGMA user_version"));
    return static_cast<int>(version);
  }

  StatusOr<std::pair<int64_t, int64_t>> SynchronousLevels() {
    std::pair<int64_t, int64_t> levels;
    {
      std::lock_guard<std::mutex> lock(relaxed_mu_);
      CDS_ASSIGN_OR_RETURN(levels.first, relaxed_->QueryInt64("PRAGMA synchronous"));
    }
    std::lock_guard<std::mutex> lock(durable_mu_);
    CDS_ASSIGN_OR_RETURN(levels.second, durable_->QueryInt64("PRAGMA synchronous"));
    return levels;
  }

 private:
  std::mutex relaxed_mu_;
  std::unique_ptr<Connection> relaxed_;  // GUARDED_BY(relaxed_mu_); synchronous=NORMAL
  std::mutex durable_mu_;
  std::unique_ptr<Connection> durable_;  // GUARDED_BY(durable_mu_); synchronous=FULL
  std::mutex reports_mu_;
  std::unique_ptr<Connection> reports_;  // GUARDED_BY(reports_mu_); query_only
};

StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                         const SqliteOptions& options,
                                                         SchemaMode mode) {
  if (path.empty()) return InvalidArgumentError("SQLite store: empty path");
  if (options.busy_timeout_ms < 0 || options.prune_batch_size <= 0) {
    return InvalidArgumentError("SQLite store: busy_timeout_ms and prune_batch_size");
  }
  // The relaxed connection opens first and migrates; the others then only check.
  const bool migrate = mode == SchemaMode::kMigrate;
  auto relaxed = OpenConnection(path, options, migrate, "PRAGMA synchronous = NORMAL");
  if (!relaxed.ok()) return relaxed.status().WithContext("open SQLite store");
  auto durable = OpenConnection(path, options, /*migrate=*/false, "PRAGMA synchronous = FULL");
  if (!durable.ok()) return durable.status().WithContext("open SQLite store");
  auto reports = OpenConnection(path, options, /*migrate=*/false, "PRAGMA query_only = 1");
  if (!reports.ok()) return reports.status().WithContext("open SQLite store");
  auto lanes =
      std::make_unique<SqliteLanes>(std::move(*relaxed), std::move(*durable), std::move(*reports));
  // The constructor is private; nothing else can build a half-opened store.
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(lanes), options));
}

SqliteStore::SqliteStore(std::unique_ptr<SqliteLanes> lanes, const SqliteOptions& options)
    : SqlStore(std::move(lanes), options.prune_batch_size) {}

StatusOr<std::pair<int64_t, int64_t>> SqliteStore::SynchronousLevelsForTesting() {
  return static_cast<SqliteLanes&>(lanes()).SynchronousLevels();
}

StatusOr<std::optional<int>> InspectSqliteSchema(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<int>();
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Connection db(raw);  // closes even a failed handle
  if (rc != SQLITE_OK) return SqliteStatus(rc, raw, "open '" + path + "'");
  CDS_ASSIGN_OR_RETURN(int64_t version, db.QueryInt64("PRAGMA user_version"));
  return std::optional<int>(static_cast<int>(version));
}

}  // namespace cds::store
