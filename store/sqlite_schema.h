// The SQLite store's schema and its migrations (postgres_schema.h has the same versions for
// PostgreSQL). Internal to store/.
//
// The schema version lives in SQLite's PRAGMA user_version. Migration N (1-based) takes a
// file from version N-1 to N; they are applied in order, each in its own IMMEDIATE
// transaction together with the user_version bump, so a crash or a concurrent opener leaves
// the file at a whole version. Migrations are append-only: a released one is never edited.
//
// Thread-safety: the functions use only the Connection passed in (see sqlite_connection.h).
// Errors: a file written by a newer binary (user_version above kSchemaVersion) is
// kFailedPrecondition; SQLite failures map as in SqliteStatus().
#pragma once

#include "base/status.h"

#include "store/sqlite_connection.h"
#include "store/store.h"

namespace cds::store {

// Brings the file behind `db` to kSchemaVersion. A no-op when it is already there.
Status MigrateSchema(Connection& db);

// Brings the file to `version` (<= kSchemaVersion) only; for tests of later migrations.
Status MigrateSchemaTo(Connection& db, int version);

// kFailedPrecondition unless the file is exactly at kSchemaVersion. For connections opened
// after another one has migrated.
Status CheckSchemaVersion(Connection& db);

}  // namespace cds::store
