// SqliteStore: the Store (store.h) in one SQLite file, the embedded default for a single
// instance.
//
// Durability: the file is in WAL mode. Issued cards, audit records and used JWT ids are
// committed with synchronous=NORMAL (a power loss may drop the last moments of them);
// feedback is committed with synchronous=FULL, so once RecordFeedback() returns OK the rows
// survive power loss and the HTTP layer may answer 200.
//
// Ownership: Open() returns the sole owner of three SQLite connections to `path` (relaxed
// writes, durable writes, reports); destroying the store closes them. Several stores (or
// processes) may open the same file; SQLite's locking and the busy timeout arbitrate
// writers, and migrations run in IMMEDIATE transactions, so two processes opening a new
// file at once both end up with the whole schema, applied once.
//
// Thread-safety: every method may be called from any number of threads at once. Each
// connection is guarded by its own mutex, so card writes do not queue behind feedback
// commits or report queries.
//
// Errors (store.h): kInvalidArgument for a row that breaks a schema constraint;
// kFailedPrecondition when the file cannot be used (cannot be created, read-only, not a
// database, corrupt, written by a newer binary); kUnavailable for a transient condition
// (lock wait timed out, I/O error, disk full); kInternal is a bug. Messages never contain
// stored values.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "base/status.h"

#include "store/sql_store.h"

namespace cds::store {

struct SqliteOptions {
  // How long a write waits for SQLite's single write lock before failing with kUnavailable.
  // Writes are short, so a long wait means something is stuck; keep it well under the
  // client's HTTP timeout.
  int busy_timeout_ms = 5000;
  // Rows deleted per transaction by the retention purges: bounds how long a purge holds
  // the write lock that the card hot path also needs.
  int prune_batch_size = 1000;
};

class SqliteLanes;

class SqliteStore final : public SqlStore {
 public:
  // Opens or creates the database at `path` (its directory must exist) and, with
  // SchemaMode::kMigrate, brings the schema to kSchemaVersion. Fails with kInvalidArgument
  // for an empty path or bad options and kFailedPrecondition when the file cannot be used
  // (see above) or, with kCheck, is not at kSchemaVersion.
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                     const SqliteOptions& options = {},
                                                     SchemaMode mode = SchemaMode::kMigrate);

  // PRAGMA synchronous of the (relaxed, durable) connections: 1 = NORMAL, 2 = FULL.
  StatusOr<std::pair<int64_t, int64_t>> SynchronousLevelsForTesting();

 private:
  SqliteStore(std::unique_ptr<SqliteLanes> lanes, const SqliteOptions& options);
};

// The schema version of the file at `path` without creating or changing anything: nullopt
// when there is no file yet (it will be created at start-up).
StatusOr<std::optional<int>> InspectSqliteSchema(const std::string& path);

}  // namespace cds::store
