// PostgresOptions: how the PostgreSQL store connects (postgres_store.h).
#pragma once

#include <string>

namespace cds::store {

struct PostgresOptions {
  // A libpq connection URI (postgresql://user@host:5432/db?sslmode=verify-full) or
  // key=value string. "" takes everything from the standard PG* environment variables
  // (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE...), as does any parameter
  // the URL leaves out. Prefer a passfile to a password in the URL: the URL sits in
  // server.json. The password is never logged nor put in a Status message.
  std::string url;
  // A libpq password file (host:port:db:user:password lines, mode 0600). "" = libpq's
  // default (PGPASSFILE, else ~/.pgpass).
  std::string passfile;
  // Connections kept open at most; each thread borrows one per operation.
  int pool_size = 8;
  // Server-side limit for each statement (and for waiting on a lock); a statement cut off
  // fails with kUnavailable. Also bounds how long a call waits for a free connection.
  int statement_timeout_ms = 5000;
  // Limit for report and analytics queries, which scan more.
  int report_timeout_ms = 60000;
  // Limit for establishing a connection (libpq connect_timeout, whole seconds, >= 2).
  int connect_timeout_s = 5;
  // After a failed connection attempt, calls fail at once with kUnavailable for this long
  // before the next attempt (doubling up to max_reconnect_backoff_ms), so that an outage
  // answers quickly instead of stalling every request on a connect timeout.
  int reconnect_backoff_ms = 250;
  int max_reconnect_backoff_ms = 4000;
  // Rows deleted per transaction by the retention purges.
  int prune_batch_size = 1000;
  // Limit for applying migrations, including waiting for another instance's migration.
  int migration_timeout_ms = 600000;
};

}  // namespace cds::store
