// FeedbackStore: durable SQLite storage for the cards we issued and the feedback EHRs send.
//
// Feedback (CDS Hooks 2.0 §Feedback) names only a card uuid, not the hookInstance, service or
// rule that produced the card. The service therefore records every issued card here when it
// answers, and RecordFeedback() ties each feedback item back to that origin, across restarts.
//
// Durability: the file is in WAL mode. Issued cards are committed with synchronous=NORMAL (a
// power loss may drop the last moments of card records, which only costs correlation for
// those cards); feedback is committed with synchronous=FULL, so once RecordFeedback() returns
// OK the rows survive power loss and the HTTP layer may answer 200.
//
// Ownership: Open() returns the sole owner of two SQLite connections to `path`; destroying the
// store closes them. Several stores (or processes) may open the same file; SQLite's locking
// and the busy timeout arbitrate writers.
//
// Thread-safety: every method may be called from any number of threads at once. Each
// connection is guarded by its own mutex, so card writes do not queue behind feedback reads.
//
// Errors: no exceptions; every failure is a Status. kInvalidArgument means a row broke a
// schema constraint (e.g. an outcome other than accepted/overridden); kFailedPrecondition
// means the file cannot be used (cannot be created, read-only, not a database, corrupt,
// written by a newer binary); kUnavailable means a transient condition (lock wait timed out,
// I/O error, disk full); kInternal is a bug. Messages never contain stored values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace cds::store {

class Connection;

struct IssuedCard {
  std::string card_uuid;
  std::string hook_instance;
  std::string service_id;
  std::string rule_id;
  std::string indicator;  // info | warning | critical
  cds::EpochMillis issued_at = 0;
  std::vector<std::string> suggestion_uuids;
};

// One element of a feedback array, already validated by the caller (hooks/feedback.h).
struct Feedback {
  std::string service_id;  // from the URL /cds-services/{id}/feedback
  std::string card_uuid;
  std::string outcome;                // accepted | overridden
  cds::EpochMillis outcome_time = 0;  // parsed outcomeTimestamp (UTC ms)
  std::string outcome_timestamp;      // as sent, for audit
  std::vector<std::string> accepted_suggestions;
  // overrideReason.reason and overrideReason.userComment; empty = absent (stored as NULL).
  std::string override_system, override_code, override_display, user_comment;
  cds::EpochMillis received_at = 0;
};

enum class FeedbackResult { kStored, kDuplicate };

struct StoredFeedback {
  Feedback feedback;
  bool card_known = false;  // the card was in the issued-card table when feedback arrived
  // The card's origin, copied at RecordFeedback() time; empty when !card_known.
  std::string hook_instance, card_service_id, rule_id;
};

struct StoreOptions {
  // How long a write waits for SQLite's single write lock before failing with kUnavailable.
  // Writes are short, so a long wait means something is stuck; keep it well under the
  // client's HTTP timeout.
  int busy_timeout_ms = 5000;
  // Issued cards deleted per transaction by PruneIssuedCards(): bounds how long a prune
  // holds the write lock that the card hot path also needs.
  int prune_batch_size = 1000;
};

class FeedbackStore {
 public:
  // Opens or creates the database at `path` (its directory must exist) and brings the schema
  // to the current version. Fails with kInvalidArgument for an empty path and
  // kFailedPrecondition when the file cannot be used (see above).
  static cds::StatusOr<std::unique_ptr<FeedbackStore>> Open(const std::string& path,
                                                            const StoreOptions& options = {});

  FeedbackStore(const FeedbackStore&) = delete;
  FeedbackStore& operator=(const FeedbackStore&) = delete;
  ~FeedbackStore();

  // Records `cards` in one transaction. A card uuid already present is left as first
  // recorded: uuids are random, so a repeat is a retry of the same card.
  cds::Status RecordIssuedCards(const std::vector<IssuedCard>& cards);

  // The issued card with this uuid, or nullopt if it was never recorded or was pruned.
  cds::StatusOr<std::optional<IssuedCard>> FindIssuedCard(std::string_view card_uuid);

  // Stores `items` in ONE transaction: either every item is stored (or found to be a
  // duplicate) or, on error, nothing is. Idempotent: an item whose (card_uuid, outcome,
  // outcome_time) is already stored is kDuplicate and the first copy is kept. Feedback for
  // an unknown card is stored too, with card_known = false. Result i describes items[i].
  // Returns only after the commit is synced to disk.
  cds::StatusOr<std::vector<FeedbackResult>> RecordFeedback(const std::vector<Feedback>& items);

  cds::StatusOr<int64_t> CountFeedback();

  // Up to `limit` stored items, most recently received first (ties: most recently stored
  // first), for informaticists' reports.
  cds::StatusOr<std::vector<StoredFeedback>> ListFeedback(size_t limit);

  // Retention: deletes issued cards with issued_at < older_than, in batches of
  // StoreOptions::prune_batch_size. Stored feedback keeps its copied origin. Returns the
  // number of cards deleted. On error, batches already committed stay deleted.
  cds::StatusOr<int64_t> PruneIssuedCards(cds::EpochMillis older_than);

  // PRAGMA synchronous of the (cards, feedback) connections: 1 = NORMAL, 2 = FULL.
  cds::StatusOr<std::pair<int64_t, int64_t>> SynchronousLevelsForTesting();

 private:
  FeedbackStore(std::unique_ptr<Connection> cards_db, std::unique_ptr<Connection> feedback_db,
                const StoreOptions& options);

  const StoreOptions options_;
  // Two connections because PRAGMA synchronous is per connection; see feedback_store.cc.
  std::mutex cards_mu_;
  std::unique_ptr<Connection> cards_db_;  // GUARDED_BY(cards_mu_); synchronous=NORMAL
  std::mutex feedback_mu_;
  std::unique_ptr<Connection> feedback_db_;  // GUARDED_BY(feedback_mu_); synchronous=FULL
};

}  // namespace cds::store
