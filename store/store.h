// Store: the service's durable state behind one interface, with an embedded SQLite backend
// (one instance; sqlite_store.h) and a PostgreSQL backend (several instances sharing one
// database; postgres_store.h). Both pass the same test suite (tests/store/store_test.cc).
//
// What it keeps (records.h):
//   - issued cards, so feedback (which names only a card uuid) can be tied to its hook call,
//     service and rule across restarts and across instances;
//   - feedback, stored atomically per batch and idempotently;
//   - used JWT ids (iss, jti) until they expire: an atomic insert-if-absent, so a token
//     accepted by one instance is refused by every other;
//   - the audit trail of hook calls and the alert-fatigue state (remembered overrides,
//     encounter snoozes), with retention purges and the override-analytics aggregates.
//
// Durability: feedback (with the follow-ups it starts) is committed durably before
// RecordFeedback() returns OK, so the HTTP layer may then answer 200. Issued cards, audit
// records and used JWT ids are committed without waiting for the disk (SQLite
// synchronous=NORMAL, PostgreSQL synchronous_commit=off): a power loss or database crash may
// drop the last moments of them, never corrupt or half-write them.
//
// Thread-safety: every method may be called from any number of threads at once.
//
// Errors: no exceptions; every failure is a Status whose message never contains stored
// values or credentials. kInvalidArgument: a row broke a schema constraint (nothing of its
// batch is stored). kUnavailable: transient (database unreachable or restarting, lock or
// statement timeout, disk full); the same call may succeed later, and the store reconnects
// by itself. kFailedPrecondition: the database cannot be used (cannot be opened, refused
// credentials, corrupt, schema written by a newer binary). kInternal: a bug.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

#include "store/records.h"

namespace cds::store {

// The schema version this binary writes and expects, the same number on both backends.
// Migration N takes a database from version N-1 to N (sqlite_schema.cc, postgres_schema.cc).
inline constexpr int kSchemaVersion = 2;

// At open: bring the schema to kSchemaVersion, or only check that it is there.
enum class SchemaMode { kMigrate, kCheck };

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;

  // The schema version the database is at (kSchemaVersion once open).
  virtual StatusOr<int> SchemaVersion() = 0;

  // --- Issued cards and feedback -------------------------------------------------------

  // Records `cards` in one transaction. A card uuid already present is left as first
  // recorded: uuids are random, so a repeat is a retry of the same card.
  virtual Status RecordIssuedCards(const std::vector<IssuedCard>& cards) = 0;

  // The issued card with this uuid, or nullopt if it was never recorded or was pruned.
  virtual StatusOr<std::optional<IssuedCard>> FindIssuedCard(std::string_view card_uuid) = 0;

  // Stores `items` in ONE transaction: either every item is stored (or found to be a
  // duplicate) or, on error, nothing is. Idempotent: an item whose (card_uuid, outcome,
  // outcome_time) is already stored is kDuplicate and the first copy is kept. Feedback for
  // an unknown card is stored too, with card_known = false. For a known card, the item is
  // linked to the card's hook call, and an override reason sent with system and code but
  // no display gets the display the card offered. `follow_up` (may be empty) is asked, for
  // each newly stored item of a known card, what remembered override or snooze it starts;
  // those are written in the same transaction. Result i describes items[i]. Returns only
  // after the commit is durable.
  virtual StatusOr<std::vector<FeedbackResult>> RecordFeedback(
      const std::vector<Feedback>& items, const FeedbackFollowUpPolicy& follow_up) = 0;
  StatusOr<std::vector<FeedbackResult>> RecordFeedback(const std::vector<Feedback>& items) {
    return RecordFeedback(items, FeedbackFollowUpPolicy());
  }

  virtual StatusOr<int64_t> CountFeedback() = 0;

  // Up to `limit` stored items, most recently received first (ties: most recently stored
  // first), for informaticists' reports.
  virtual StatusOr<std::vector<StoredFeedback>> ListFeedback(size_t limit) = 0;

  // Retention: deletes issued cards with issued_at < older_than, in batches. Stored
  // feedback keeps its copied origin. Returns the number of cards deleted. On error,
  // batches already committed stay deleted.
  virtual StatusOr<int64_t> PruneIssuedCards(EpochMillis older_than) = 0;

  // --- JWT replay ----------------------------------------------------------------------

  // Records (iss, jti) as used until `expires_at`, unless it is already recorded with an
  // expiry after `now` (kReplay). Atomic across threads, processes and instances sharing
  // the database: of two concurrent calls with the same pair, exactly one is kRecorded.
  virtual StatusOr<JtiResult> RecordJti(std::string_view iss, std::string_view jti,
                                        EpochMillis expires_at, EpochMillis now) = 0;

  // --- Audit trail ---------------------------------------------------------------------

  // Records `calls` in one transaction, each with its rule outcomes, data sources,
  // suppressed cards and issued cards (which become issued cards for feedback too).
  // Idempotent by call_id: a call already recorded is left as first recorded.
  virtual Status RecordHookCalls(const std::vector<HookCallRecord>& calls) = 0;

  // The audit record of one call (cards in uuid order), or nullopt.
  virtual StatusOr<std::optional<HookCallRecord>> FindHookCall(std::string_view call_id) = 0;

  // Retention: deletes hook calls with called_at < older_than (with their rule outcomes,
  // data sources and suppressions), in batches. Issued cards follow PruneIssuedCards().
  virtual StatusOr<int64_t> PurgeHookCalls(EpochMillis older_than) = 0;

  // --- Alert-fatigue controls ----------------------------------------------------------

  // Inserts or replaces the override remembered for (patient_key, rule_id); an older
  // created_at never replaces a newer one.
  virtual Status RememberOverride(const RememberedOverride& item) = 0;

  // The overrides remembered for this patient that have not expired at `now`, by rule id.
  // One query per hook call: the caller checks each fired rule against the result.
  virtual StatusOr<std::vector<RememberedOverride>> FindRememberedOverrides(
      std::string_view patient_key, EpochMillis now) = 0;

  // Inserts or replaces the snooze for (user_id, encounter_key, rule_id).
  virtual Status SnoozeInEncounter(const EncounterSnooze& item) = 0;

  // The snoozes of this user in this encounter that have not expired at `now`.
  virtual StatusOr<std::vector<EncounterSnooze>> FindSnoozes(std::string_view user_id,
                                                             std::string_view encounter_key,
                                                             EpochMillis now) = 0;

  // Deletes used JWT ids, remembered overrides and snoozes that expired at or before `now`.
  virtual StatusOr<ExpiredRowsPurged> PurgeExpired(EpochMillis now) = 0;

  // --- Override analytics --------------------------------------------------------------

  // The aggregates of the override-analytics page over `range` (see records.h).
  virtual StatusOr<OverrideAnalytics> QueryOverrideAnalytics(const AnalyticsRange& range) = 0;
};

}  // namespace cds::store
