#include "store/sqlite_schema.h"

#include <iterator>
#include <string>

#include "base/log.h"
#include "base/status_macros.h"

namespace cds::store {
namespace {

// Version 1.
//
// issued_card: one row per card we returned. card_uuid is the PRIMARY KEY, which gives the
// unique index feedback correlation looks up by; issued_at is indexed for retention pruning.
//
// feedback: one row per distinct feedback item. UNIQUE(card_uuid, outcome, outcome_time)
// makes a re-sent item a no-op (the spec says the same card may be reported more than once)
// and its index, led by card_uuid, serves per-card lookups. The card's hook_instance,
// service and rule are copied in when the card is known, so feedback keeps its provenance
// after issued_card rows are pruned. Empty optional text is stored as NULL.
//
// The CHECK constraints repeat the caller's validation as a last line of defence: a row that
// breaks one fails its whole batch rather than entering the reports.
constexpr const char* kMigrationV1 = R"sql(
CREATE TABLE issued_card (
  card_uuid        TEXT PRIMARY KEY NOT NULL CHECK (card_uuid <> ''),
  hook_instance    TEXT NOT NULL,
  service_id       TEXT NOT NULL,
  rule_id          TEXT NOT NULL,
  indicator        TEXT NOT NULL CHECK (indicator IN ('info', 'warning', 'critical')),
  issued_at        INTEGER NOT NULL,
  suggestion_uuids TEXT NOT NULL DEFAULT '[]'
                   CHECK (json_valid(suggestion_uuids) AND json_type(suggestion_uuids) = 'array')
);
CREATE INDEX issued_card_by_issued_at ON issued_card (issued_at);

CREATE TABLE feedback (
  id                   INTEGER PRIMARY KEY,
  service_id           TEXT NOT NULL,
  card_uuid            TEXT NOT NULL CHECK (card_uuid <> ''),
  outcome              TEXT NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
  outcome_time         INTEGER NOT NULL,
  outcome_timestamp    TEXT NOT NULL,
  accepted_suggestions TEXT NOT NULL DEFAULT '[]'
                       CHECK (json_valid(accepted_suggestions)
                              AND json_type(accepted_suggestions) = 'array'),
  override_system      TEXT,
  override_code        TEXT,
  override_display     TEXT,
  user_comment         TEXT,
  received_at          INTEGER NOT NULL,
  card_known           INTEGER NOT NULL CHECK (card_known IN (0, 1)),
  hook_instance        TEXT,
  card_service_id      TEXT,
  rule_id              TEXT,
  UNIQUE (card_uuid, outcome, outcome_time)
);
CREATE INDEX feedback_by_received_at ON feedback (received_at);
CREATE INDEX feedback_by_hook_instance ON feedback (hook_instance);
)sql";

// Version 2: what several instances and the audit trail need.
//
// issued_card and feedback gain the link to the audit record (call_id); issued_card keeps
// what the audit and the alert-fatigue controls need about a card (summary, pseudonymous
// patient and encounter keys, user, evidence fingerprint, the override reasons offered).
//
// used_jti: JWT ids accepted, until they expire (the replay check).
//
// hook_call and its children: the audit trail. Children cascade on delete (the connections
// enable foreign keys), so retention deletes only hook_call rows. Issued cards are not
// children: they have their own retention and feed feedback correlation.
//
// remembered_override, encounter_snooze: the alert-fatigue state, one row per key, each
// with an expiry that the purge and the lookups use.
constexpr const char* kMigrationV2 = R"sql(
ALTER TABLE issued_card ADD COLUMN call_id TEXT;
ALTER TABLE issued_card ADD COLUMN summary TEXT;
ALTER TABLE issued_card ADD COLUMN patient_key TEXT;
ALTER TABLE issued_card ADD COLUMN user_id TEXT;
ALTER TABLE issued_card ADD COLUMN encounter_key TEXT;
ALTER TABLE issued_card ADD COLUMN evidence_fingerprint TEXT;
ALTER TABLE issued_card ADD COLUMN override_reasons TEXT NOT NULL DEFAULT '[]'
  CHECK (json_valid(override_reasons) AND json_type(override_reasons) = 'array');
CREATE INDEX issued_card_by_call_id ON issued_card (call_id);

ALTER TABLE feedback ADD COLUMN call_id TEXT;

CREATE TABLE used_jti (
  iss        TEXT NOT NULL,
  jti        TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (iss, jti)
);
CREATE INDEX used_jti_by_expires_at ON used_jti (expires_at);

CREATE TABLE hook_call (
  call_id       TEXT PRIMARY KEY NOT NULL CHECK (call_id <> ''),
  called_at     INTEGER NOT NULL,
  service_id    TEXT NOT NULL,
  hook          TEXT NOT NULL,
  hook_instance TEXT NOT NULL,
  user_id       TEXT,
  patient_key   TEXT,
  http_status   INTEGER NOT NULL CHECK (http_status BETWEEN 100 AND 599),
  latency_us    INTEGER NOT NULL CHECK (latency_us >= 0)
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
  id      INTEGER PRIMARY KEY,
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
  created_at           INTEGER NOT NULL,
  expires_at           INTEGER NOT NULL CHECK (expires_at > created_at),
  PRIMARY KEY (patient_key, rule_id)
);
CREATE INDEX remembered_override_by_expires_at ON remembered_override (expires_at);

CREATE TABLE encounter_snooze (
  user_id       TEXT NOT NULL CHECK (user_id <> ''),
  encounter_key TEXT NOT NULL CHECK (encounter_key <> ''),
  rule_id       TEXT NOT NULL CHECK (rule_id <> ''),
  card_uuid     TEXT,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL CHECK (expires_at > created_at),
  PRIMARY KEY (user_id, encounter_key, rule_id)
);
CREATE INDEX encounter_snooze_by_expires_at ON encounter_snooze (expires_at);
)sql";

// kMigrations[i] takes the file from version i to i + 1.
constexpr const char* kMigrations[] = {kMigrationV1, kMigrationV2};
static_assert(std::size(kMigrations) == kSchemaVersion, "one migration per schema version");

Status TooNew(int64_t version) {
  return FailedPreconditionError("schema version " + std::to_string(version) +
                                 " is newer than this binary supports (" +
                                 std::to_string(kSchemaVersion) + ")");
}

// Applies the migration after `version` unless another connection got there first.
Status MigrateOneStep(Connection& db, int target) {
  CDS_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db));
  // Re-read under the write lock: the value read before BEGIN may be stale.
  CDS_ASSIGN_OR_RETURN(int64_t version, db.QueryInt64("PRAGMA user_version"));
  if (version >= target) return txn.Commit();
  if (version < 0) return FailedPreconditionError("negative schema version");
  CDS_RETURN_IF_ERROR(
      db.Exec(kMigrations[version]).WithContext("migration " + std::to_string(version + 1)));
  // PRAGMA takes no bound parameters; the value is our own integer.
  CDS_RETURN_IF_ERROR(db.Exec("PRAGMA user_version = " + std::to_string(version + 1)));
  CDS_RETURN_IF_ERROR(txn.Commit());
  CDS_LOG(kInfo, "store_schema_migrated").Field("from", version).Field("to", version + 1);
  return OkStatus();
}

}  // namespace

Status MigrateSchema(Connection& db) { return MigrateSchemaTo(db, kSchemaVersion); }

Status MigrateSchemaTo(Connection& db, int target) {
  if (target < 0 || target > kSchemaVersion) return InternalError("no such schema version");
  while (true) {
    CDS_ASSIGN_OR_RETURN(int64_t version, db.QueryInt64("PRAGMA user_version"));
    if (version > kSchemaVersion) return TooNew(version);
    if (version >= target) return OkStatus();
    CDS_RETURN_IF_ERROR(MigrateOneStep(db, target));
  }
}

Status CheckSchemaVersion(Connection& db) {
  CDS_ASSIGN_OR_RETURN(int64_t version, db.QueryInt64("PRAGMA user_version"));
  if (version > kSchemaVersion) return TooNew(version);
  if (version != kSchemaVersion) {
    return FailedPreconditionError("schema version " + std::to_string(version) + ", expected " +
                                   std::to_string(kSchemaVersion));
  }
  return OkStatus();
}

}  // namespace cds::store
