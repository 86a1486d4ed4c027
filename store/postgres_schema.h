// The PostgreSQL store's schema and its migrations: the same versions as sqlite_schema.h.
// Internal to store/.
//
// Applied versions are rows of cds_schema_migration (version, description, applied_at).
// Migrate() runs in ONE transaction that first takes a transaction-level advisory lock, so
// when several instances start at once one applies the pending migrations and the others
// wait, then find nothing left to do; DDL is transactional in PostgreSQL, so a crash or
// error leaves the database at the version it had. Migrations are append-only: a released
// one is never edited.
//
// Errors: a database written by a newer binary (a version above kSchemaVersion) is
// kFailedPrecondition; others map as in postgres_connection.h.
#pragma once

#include "base/status.h"

#include "store/postgres_connection.h"
#include "store/store.h"

namespace cds::store {

// The key of the advisory lock that serialises migrations.
inline constexpr int64_t kMigrationLockKey = 0x43445348'4f4f4b53;  // "CDSHOOKS"

// Brings the database to `target` (<= kSchemaVersion; default: the current version).
// `timeout_ms` bounds the whole migration, waiting for the lock included.
Status MigratePostgresSchema(PgConnection& conn, int timeout_ms, int target = kSchemaVersion);

// The version the database is at (0 when it has never been migrated).
StatusOr<int> ReadPostgresSchemaVersion(PgConnection& conn);

// kFailedPrecondition unless the database is exactly at kSchemaVersion.
Status CheckPostgresSchemaVersion(PgConnection& conn);

}  // namespace cds::store
