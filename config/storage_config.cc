#include "config/storage_config.h"

namespace cds::config {
namespace {

Schema<PostgresqlConfig> PostgresqlSchema() {
  Schema<PostgresqlConfig> s;
  s.Field("url", &PostgresqlConfig::url,
          "libpq connection URI (\"\": the standard PG* environment variables)")
      .Optional()
      .AllowEmpty();
  s.Field("passfile", &PostgresqlConfig::passfile, "password file (else PGPASSFILE / ~/.pgpass)")
      .Optional()
      .AllowEmpty();
  s.Field("pool_size", &PostgresqlConfig::pool_size, "connections per instance")
      .Optional()
      .Range(1, 1000);
  s.Field("statement_timeout_ms", &PostgresqlConfig::statement_timeout_ms,
          "longest a statement may run")
      .Optional()
      .Range(1, 600'000);
  // libpq's minimum connect timeout is 2 s.
  s.Field("connect_timeout_s", &PostgresqlConfig::connect_timeout_s, "per connection attempt")
      .Optional()
      .Range(2, 600);
  return s;
}

}  // namespace

const Schema<StorageConfig>& StorageConfigSchema() {
  static const Schema<StorageConfig> schema = [] {
    Schema<StorageConfig> s;
    s.Enum("backend", &StorageConfig::backend,
           {{"sqlite", StorageBackend::kSqlite}, {"postgresql", StorageBackend::kPostgresql}},
           "where state is kept: one SQLite file in data_dir, or PostgreSQL for several instances",
           "must be \"sqlite\" or \"postgresql\"")
        .Optional();
    s.Object("postgresql", &StorageConfig::postgresql, PostgresqlSchema(), "the PostgreSQL backend")
        .Optional();
    return s;
  }();
  return schema;
}

}  // namespace cds::config
