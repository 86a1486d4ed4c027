#include "store/schema.h"

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

// kMigrations[i] takes the file from version i to i + 1.
constexpr const char* kMigrations[] = {kMigrationV1};
static_assert(std::size(kMigrations) == kSchemaVersion, "one migration per schema version");

Status TooNew(int64_t version) {
  return FailedPreconditionError("schema version " + std::to_string(version) +
                                 " is newer than this binary supports (" +
                                 std::to_string(kSchemaVersion) + ")");
}

// Applies the migration after `version` unless another connection got there first.
Status MigrateOneStep(Connection& db) {
  CDS_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db));
  // Re-read under the write lock: the value read before BEGIN may be stale.
  CDS_ASSIGN_OR_RETURN(int64_t version, db.QueryInt64("PRAGMA user_version"));
  if (version >= kSchemaVersion) return txn.Commit();
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

Status MigrateSchema(Connection& db) {
  while (true) {
    CDS_ASSIGN_OR_RETURN(int64_t version, db.QueryInt64("PRAGMA user_version"));
    if (version == kSchemaVersion) return OkStatus();
    if (version > kSchemaVersion) return TooNew(version);
    CDS_RETURN_IF_ERROR(MigrateOneStep(db));
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
