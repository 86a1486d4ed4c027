// StorageConfig: where the service keeps its state (server.json "storage").
//
//   "storage": {
//     "backend": "sqlite",                       // or "postgresql"
//     "postgresql": {
//       "url": "postgresql://cds@db.hospital.example/cds?sslmode=verify-full",
//       "passfile": "/etc/cds-hooks/pgpass",      // else PGPASSFILE / ~/.pgpass
//       "pool_size": 8, "statement_timeout_ms": 5000, "connect_timeout_s": 5
//     }
//   }
//
// SQLite keeps its file in data_dir. For PostgreSQL an empty url takes everything from the
// standard PG* environment variables (PGHOST, PGDATABASE, PGUSER, PGPASSWORD...), as does
// any parameter the url leaves out. Plain values, validated once through StorageConfigSchema;
// the url itself is checked by the store when it connects (this layer does not know libpq).
#pragma once

#include <string>

#include "config/binder.h"

namespace cds::config {

enum class StorageBackend { kSqlite, kPostgresql };

struct PostgresqlConfig {
  std::string url;
  std::string passfile;
  int pool_size = 8;                // 1-1000
  int statement_timeout_ms = 5000;  // 1-600000
  int connect_timeout_s = 5;        // 2-600 (libpq's minimum is 2)
};

struct StorageConfig {
  StorageBackend backend = StorageBackend::kSqlite;
  PostgresqlConfig postgresql;
};

// The "storage" object's fields (one declaration: parsing, unknown keys, docs).
const Schema<StorageConfig>& StorageConfigSchema();

}  // namespace cds::config
