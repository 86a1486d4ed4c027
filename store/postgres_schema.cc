#include "store/postgres_schema.h"

#include <iterator>
#include <string>

#include "base/log.h"
#include "base/status_macros.h"

namespace cds::store {
namespace {

// The same tables, keys, indexes and CHECK constraints as sqlite_schema.cc, version for
// version; times are BIGINT milliseconds, JSON lists TEXT checked as json.
constexpr const char* kMigrationV1 = R"sql(
CREATE TABLE issued_card (
  card_uuid        TEXT PRIMARY KEY CHECK (card_uuid <> ''),
  hook_instance    TEXT NOT NULL,
  service_id       TEXT NOT NULL,
  rule_id          TEXT NOT NULL,
  indicator        TEXT NOT NULL CHECK (indicator IN ('info', 'warning', 'critical')),
  issued_at        BIGINT NOT NULL,
  suggestion_uuids TEXT NOT NULL DEFAULT '[]'
                   CHECK (json_typeof(suggestion_uuids::json) = 'array')
);
CREATE INDEX issued_card_by_issued_at ON issued_card (issued_at);

CREATE TABLE feedback (
  id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  service_id           TEXT NOT NULL,
  card_uuid            TEXT NOT NULL CHECK (card_uuid <> ''),
  outcome              TEXT NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
  outcome_time         BIGINT NOT NULL,
  outcome_timestamp    TEXT NOT NULL,
  accepted_suggestions TEXT NOT NULL DEFAULT '[]'
                       CHECK (json_typeof(accepted_suggestions::json) = 'array'),
  override_system      TEXT,
  override_code        TEXT,
  override_display     TEXT,
  user_comment         TEXT,
  received_at          BIGINT NOT NULL,
  card_known           INTEGER NOT NULL CHECK (card_known IN (0, 1)),
  hook_instance        TEXT,
  card_service_id      TEXT,
  rule_id              TEXT,
  UNIQUE (card_uuid, outcome, outcome_time)
);
CREATE INDEX feedback_by_received_at ON feedback (received_at);
CREATE INDEX feedback_by_hook_instance ON feedback (hook_instance);
)sql";

constexpr const char* kMigrationV2 = R"sql(
ALTER TABLE issued_card
  ADD COLUMN call_id TEXT,
  ADD COLUMN summary TEXT,
  ADD COLUMN patient_key TEXT,
  ADD COLUMN user_id TEXT,
  ADD COLUMN encounter_key TEXT,
  ADD COLUMN evidence_fingerprint TEXT,
  ADD COLUMN override_reasons TEXT NOT NULL DEFAULT '[]'
    CHECK (json_typeof(override_reasons::json) = 'array');
CREATE INDEX issued_card_by_call_id ON issued_card (call_id);

ALTER TABLE feedback ADD COLUMN call_id TEXT;

CREATE TABLE used_jti (
  iss        TEXT NOT NULL,
  jti        TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (iss, jti)
);
CREATE INDEX used_jti_by_expires_at ON used_jti (expires_at);

CREATE TABLE hook_call (
  call_id       TEXT PRIMARY KEY CHECK (call_id <> ''),
  called_at     BIGINT NOT NULL,
  service_id    TEXT NOT NULL,
  hook          TEXT NOT NULL,
  hook_instance TEXT NOT NULL,
  user_id       TEXT,
  patient_key   TEXT,
  http_status   INTEGER NOT NULL CHECK (http_status BETWEEN 100 AND 599),
  latency_us    BIGINT NOT NULL CHECK (latency_us >= 0)
);
CREATE INDEX hook_call_by_called_at ON hook_call (called_at);

CREATE TABLE hook_call_rule (
  call_id TEXT NOT NULL REFERENCES hook_call (call_id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  rule_id TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('fired', 'not_applicable', 'insufficient_data',
                                           'data_unavailable', 'failed')),
  PRIMARY KEY (call_id, rule_id)
);

CREATE TABLE hook_call_data_source (
  call_id      TEXT NOT NULL REFERENCES hook_call (call_id) ON DELETE CASCADE,
  prefetch_key TEXT NOT NULL,
  source       TEXT NOT NULL CHECK (source IN ('prefetch', 'fetched', 'failed')),
  PRIMARY KEY (call_id, prefetch_key)
);

CREATE TABLE suppressed_card (
  id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  call_id TEXT NOT NULL REFERENCES hook_call (call_id) ON DELETE CASCADE,
  rule_id TEXT NOT NULL,
  reason  TEXT NOT NULL CHECK (reason IN ('remembered_override', 'snoozed', 'folded')),
  detail  TEXT
);
CREATE INDEX suppressed_card_by_call_id ON suppressed_card (call_id);

CREATE TABLE remembered_override (
  patient_key          TEXT NOT NULL CHECK (patient_key <> ''),
  rule_id              TEXT NOT NULL CHECK (rule_id <> ''),
  reason_system        TEXT,
  reason_code          TEXT NOT NULL CHECK (reason_code <> ''),
  reason_display       TEXT,
  evidence_fingerprint TEXT,
  card_uuid            TEXT,
  created_at           BIGINT NOT NULL,
  expires_at           BIGINT NOT NULL CHECK (expires_at > created_at),
  PRIMARY KEY (patient_key, rule_id)
);
CREATE INDEX remembered_override_by_expires_at ON remembered_override (expires_at);

CREATE TABLE encounter_snooze (
  user_id       TEXT NOT NULL CHECK (user_id <> ''),
  encounter_key TEXT NOT NULL CHECK (encounter_key <> ''),
  rule_id       TEXT NOT NULL CHECK (rule_id <> ''),
  card_uuid     TEXT,
  created_at    BIGINT NOT NULL,
  expires_at    BIGINT NOT NULL CHECK (expires_at > created_at),
  PRIMARY KEY (user_id, encounter_key, rule_id)
);
CREATE INDEX encounter_snooze_by_expires_at ON encounter_snooze (expires_at);
)sql";

struct Migration {
  const char* description;
  const char* sql;
};

// kMigrations[i] takes the database from version i to i + 1.
constexpr Migration kMigrations[] = {
    {"issued cards and feedback", kMigrationV1},
    {"audit trail, used JWT ids, remembered overrides and snoozes", kMigrationV2},
};
static_assert(std::size(kMigrations) == kSchemaVersion, "one migration per schema version");

constexpr const char* kCreateVersionTableSql =
    "CREATE TABLE IF NOT EXISTS cds_schema_migration ("
    "version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
    "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";

Status TooNew(int version) {
  return FailedPreconditionError("schema version " + std::to_string(version) +
                                 " is newer than this binary supports (" +
                                 std::to_string(kSchemaVersion) + ")");
}

StatusOr<int> ReadVersionInTransaction(PgConnection& conn) {
  CDS_ASSIGN_OR_RETURN(SqlResult result,
                       conn.Execute("SELECT to_regclass('cds_schema_migration') IS NOT NULL", {}));
  if (result.rows.size() != 1 || result.rows[0].size() != 1) return InternalError("no row");
  if (CellText(result.rows[0][0]) != "t") return 0;
  CDS_ASSIGN_OR_RETURN(
      result, conn.Execute("SELECT COALESCE(MAX(version), 0) FROM cds_schema_migration", {}));
  if (result.rows.size() != 1 || result.rows[0].size() != 1) return InternalError("no row");
  CDS_ASSIGN_OR_RETURN(int64_t version, CellInt(result.rows[0][0]));
  return static_cast<int>(version);
}

Status MigrateLocked(PgConnection& conn, int timeout_ms, int target, int* from) {
  // SET LOCAL ends with the transaction; the lock wait counts against the timeout too.
  CDS_RETURN_IF_ERROR(
      conn.Run("SET LOCAL statement_timeout = " + std::to_string(timeout_ms)).status());
  CDS_RETURN_IF_ERROR(
      conn.Run("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")").status());
  CDS_RETURN_IF_ERROR(conn.Run(kCreateVersionTableSql).status());
  CDS_ASSIGN_OR_RETURN(int version, ReadVersionInTransaction(conn));
  *from = version;
  if (version > kSchemaVersion) return TooNew(version);
  for (int v = version; v < target; ++v) {
    Status applied = conn.Run(kMigrations[v].sql).status();
    if (!applied.ok()) return applied.WithContext("migration " + std::to_string(v + 1));
    CDS_RETURN_IF_ERROR(conn.Execute("INSERT INTO cds_schema_migration (version, description) "
                                     "VALUES (?1, ?2)",
                                     {int64_t{v + 1}, kMigrations[v].description})
                            .status());
  }
  return OkStatus();
}

}  // namespace

Status MigratePostgresSchema(PgConnection& conn, int timeout_ms, int target) {
  if (target < 0 || target > kSchemaVersion) return InternalError("no such schema version");
  CDS_RETURN_IF_ERROR(conn.Run("BEGIN").status());
  int from = 0;
  Status migrated = MigrateLocked(conn, timeout_ms, target, &from);
  if (!migrated.ok()) {
    (void)conn.Run("ROLLBACK");
    return migrated.WithContext("migrate PostgreSQL schema");
  }
  CDS_ASSIGN_OR_RETURN(std::string tag, conn.Run("COMMIT"));
  if (tag != "COMMIT") return InternalError("migrate PostgreSQL schema: commit was rolled back");
  if (from < target) {
    CDS_LOG(kInfo, "store_schema_migrated")
        .Field("backend", "postgresql")
        .Field("from", from)
        .Field("to", target);
  }
  return OkStatus();
}

StatusOr<int> ReadPostgresSchemaVersion(PgConnection& conn) {
  auto version = ReadVersionInTransaction(conn);
  if (!version.ok()) return version.status().WithContext("read PostgreSQL schema version");
  return version;
}

Status CheckPostgresSchemaVersion(PgConnection& conn) {
  CDS_ASSIGN_OR_RETURN(int version, ReadPostgresSchemaVersion(conn));
  if (version > kSchemaVersion) return TooNew(version);
  if (version != kSchemaVersion) {
    return FailedPreconditionError("schema version " + std::to_string(version) + ", expected " +
                                   std::to_string(kSchemaVersion) +
                                   " (run `cds-hooks-server migrate`)");
  }
  return OkStatus();
}

}  // namespace cds::store
