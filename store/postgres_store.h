// PostgresStore: the Store (store.h) in a PostgreSQL database, for several instances of the
// service sharing one truth. Through libpq (Debian libpq-dev): see README "Storage".
//
// Connections come from a pool (postgres_pool.h) that reconnects by itself after the server
// comes back; every statement runs under statement_timeout_ms (reports under
// report_timeout_ms). Feedback commits wait for the WAL flush (synchronous_commit=on);
// issued cards, audit records and used JWT ids commit with synchronous_commit=off, so a
// database crash may lose their last fraction of a second, never half of one.
//
// Open() connects once, and with SchemaMode::kMigrate applies pending migrations under an
// advisory lock (postgres_schema.h), so instances starting together migrate once.
//
// Thread-safety and errors as in store.h. A connection attempt refused for credentials or a
// missing database is kFailedPrecondition; an unreachable server, a statement timeout or a
// server shutting down is kUnavailable. No message or log line carries the password.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"

#include "store/postgres_options.h"
#include "store/sql_store.h"

namespace cds::store {

class PostgresLanes;

class PostgresStore final : public SqlStore {
 public:
  // kInvalidArgument for bad options or an unparsable URL; otherwise as above.
  static StatusOr<std::unique_ptr<PostgresStore>> Open(const PostgresOptions& options,
                                                       SchemaMode mode = SchemaMode::kMigrate);

  // Connections open now (lent or idle); for tests of the pool.
  int OpenConnectionsForTesting();

 private:
  explicit PostgresStore(std::unique_ptr<PostgresLanes> lanes, int batch_size);
};

// The schema version of the database (0 if never migrated), connecting once and changing
// nothing. For `check-config`.
StatusOr<int> InspectPostgresSchema(const PostgresOptions& options);

}  // namespace cds::store
