#include "store/feedback_store.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "base/status_macros.h"

#include "store/json_array.h"
#include "store/schema.h"
#include "store/sqlite_connection.h"

// Why two connections to one file.
//
// PRAGMA synchronous is a property of a connection, and the two write paths need different
// settings. In WAL mode, synchronous=NORMAL appends a commit to the WAL without fsync (the WAL
// is synced only at checkpoints), while synchronous=FULL also fsyncs the WAL after every
// commit. So the card connection runs NORMAL and the feedback connection runs FULL, each set
// once at open. This is safe across the shared WAL: fsync flushes the whole file, so a FULL
// commit also persists any NORMAL frames before it, and nothing the NORMAL connection does can
// un-persist a FULL commit, because the WAL is only rewound after a checkpoint has synced the
// database file. Flipping the pragma on one connection around each transaction would also
// work, but an early return between the flips could leave feedback committing at NORMAL; with
// fixed per-connection settings there is no such state. SQLite still admits one writer at a
// time; the busy timeout and BEGIN IMMEDIATE make the connections wait their turn.

namespace cds::store {
namespace {

constexpr const char* kInsertCardSql =
    "INSERT INTO issued_card (card_uuid, hook_instance, service_id, rule_id, indicator, "
    "issued_at, suggestion_uuids) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (card_uuid) DO NOTHING";

constexpr const char* kFindCardSql =
    "SELECT card_uuid, hook_instance, service_id, rule_id, indicator, issued_at, "
    "suggestion_uuids FROM issued_card WHERE card_uuid = ?1";

// The conflict target is spelled out so that only the idempotence key is absorbed; a CHECK
// or NOT NULL violation still fails the statement (INSERT OR IGNORE would skip those rows).
constexpr const char* kInsertFeedbackSql =
    "INSERT INTO feedback (service_id, card_uuid, outcome, outcome_time, outcome_timestamp, "
    "accepted_suggestions, override_system, override_code, override_display, user_comment, "
    "received_at, card_known, hook_instance, card_service_id, rule_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
    "ON CONFLICT (card_uuid, outcome, outcome_time) DO NOTHING";

constexpr const char* kCountFeedbackSql = "SELECT COUNT(*) FROM feedback";

constexpr const char* kListFeedbackSql =
    "SELECT service_id, card_uuid, outcome, outcome_time, outcome_timestamp, "
    "accepted_suggestions, override_system, override_code, override_display, user_comment, "
    "received_at, card_known, hook_instance, card_service_id, rule_id "
    "FROM feedback ORDER BY received_at DESC, id DESC LIMIT ?1";

constexpr const char* kPruneBatchSql =
    "DELETE FROM issued_card WHERE rowid IN "
    "(SELECT rowid FROM issued_card WHERE issued_at < ?1 LIMIT ?2)";

StatusOr<std::unique_ptr<Connection>> OpenConnection(const std::string& path,
                                                     const StoreOptions& options, bool migrate,
                                                     const char* synchronous_pragma) {
  CDS_ASSIGN_OR_RETURN(std::unique_ptr<Connection> db,
                       Connection::Open(path, options.busy_timeout_ms));
  // journal_mode=WAL is persistent in the file, but answering "wal" is also how we learn the
  // file is a database at all (a foreign file fails here with NOTADB).
  CDS_ASSIGN_OR_RETURN(std::string mode, db->QueryText("PRAGMA journal_mode = WAL"));
  if (mode != "wal") {
    return FailedPreconditionError("journal_mode is '" + mode + "', WAL is required");
  }
  CDS_RETURN_IF_ERROR(migrate ? MigrateSchema(*db) : CheckSchemaVersion(*db));
  CDS_RETURN_IF_ERROR(db->Exec(synchronous_pragma));
  return db;
}

Status InsertCards(Connection& db, const std::vector<IssuedCard>& cards) {
  CDS_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db));
  for (const IssuedCard& card : cards) {
    CDS_ASSIGN_OR_RETURN(Statement insert, db.Prepare(kInsertCardSql));
    insert.BindText(1, card.card_uuid)
        .BindText(2, card.hook_instance)
        .BindText(3, card.service_id)
        .BindText(4, card.rule_id)
        .BindText(5, card.indicator)
        .BindInt64(6, card.issued_at)
        .BindText(7, EncodeJsonStringArray(card.suggestion_uuids));
    CDS_RETURN_IF_ERROR(insert.Run());
  }
  return txn.Commit();
}

StatusOr<std::optional<IssuedCard>> ReadIssuedCard(Connection& db, std::string_view card_uuid) {
  CDS_ASSIGN_OR_RETURN(Statement find, db.Prepare(kFindCardSql));
  find.BindText(1, card_uuid);
  CDS_ASSIGN_OR_RETURN(bool found, find.Step());
  if (!found) return std::optional<IssuedCard>();
  IssuedCard card;
  card.card_uuid = find.ColumnText(0);
  card.hook_instance = find.ColumnText(1);
  card.service_id = find.ColumnText(2);
  card.rule_id = find.ColumnText(3);
  card.indicator = find.ColumnText(4);
  card.issued_at = find.ColumnInt64(5);
  CDS_ASSIGN_OR_RETURN(card.suggestion_uuids, DecodeJsonStringArray(find.ColumnText(6)));
  return std::optional<IssuedCard>(std::move(card));
}

// Inserts one item inside the caller's transaction.
StatusOr<FeedbackResult> InsertFeedback(Connection& db, const Feedback& f) {
  CDS_ASSIGN_OR_RETURN(std::optional<IssuedCard> card, ReadIssuedCard(db, f.card_uuid));
  const IssuedCard unknown;
  const IssuedCard& origin = card.has_value() ? *card : unknown;
  CDS_ASSIGN_OR_RETURN(Statement insert, db.Prepare(kInsertFeedbackSql));
  insert.BindText(1, f.service_id)
      .BindText(2, f.card_uuid)
      .BindText(3, f.outcome)
      .BindInt64(4, f.outcome_time)
      .BindText(5, f.outcome_timestamp)
      .BindText(6, EncodeJsonStringArray(f.accepted_suggestions))
      .BindTextOrNull(7, f.override_system)
      .BindTextOrNull(8, f.override_code)
      .BindTextOrNull(9, f.override_display)
      .BindTextOrNull(10, f.user_comment)
      .BindInt64(11, f.received_at)
      .BindInt64(12, card.has_value() ? 1 : 0)
      .BindTextOrNull(13, origin.hook_instance)
      .BindTextOrNull(14, origin.service_id)
      .BindTextOrNull(15, origin.rule_id);
  CDS_RETURN_IF_ERROR(insert.Run());
  return db.Changes() == 0 ? FeedbackResult::kDuplicate : FeedbackResult::kStored;
}

StatusOr<std::vector<FeedbackResult>> InsertFeedbackBatch(Connection& db,
                                                          const std::vector<Feedback>& items) {
  std::vector<FeedbackResult> results;
  results.reserve(items.size());
  CDS_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db));
  for (size_t i = 0; i < items.size(); ++i) {
    StatusOr<FeedbackResult> result = InsertFeedback(db, items[i]);
    if (!result.ok()) return result.status().WithContext("item " + std::to_string(i));
    results.push_back(*result);
  }
  CDS_RETURN_IF_ERROR(txn.Commit());
  return results;
}

StatusOr<StoredFeedback> ReadStoredFeedback(const Statement& row) {
  StoredFeedback stored;
  Feedback& f = stored.feedback;
  f.service_id = row.ColumnText(0);
  f.card_uuid = row.ColumnText(1);
  f.outcome = row.ColumnText(2);
  f.outcome_time = row.ColumnInt64(3);
  f.outcome_timestamp = row.ColumnText(4);
  CDS_ASSIGN_OR_RETURN(f.accepted_suggestions, DecodeJsonStringArray(row.ColumnText(5)));
  f.override_system = row.ColumnText(6);
  f.override_code = row.ColumnText(7);
  f.override_display = row.ColumnText(8);
  f.user_comment = row.ColumnText(9);
  f.received_at = row.ColumnInt64(10);
  stored.card_known = row.ColumnInt64(11) != 0;
  stored.hook_instance = row.ColumnText(12);
  stored.card_service_id = row.ColumnText(13);
  stored.rule_id = row.ColumnText(14);
  return stored;
}

StatusOr<std::vector<StoredFeedback>> ReadFeedbackList(Connection& db, size_t limit) {
  CDS_ASSIGN_OR_RETURN(Statement list, db.Prepare(kListFeedbackSql));
  const size_t max = static_cast<size_t>(std::numeric_limits<int64_t>::max());
  list.BindInt64(1, static_cast<int64_t>(std::min(limit, max)));
  std::vector<StoredFeedback> out;
  while (true) {
    CDS_ASSIGN_OR_RETURN(bool has_row, list.Step());
    if (!has_row) return out;
    CDS_ASSIGN_OR_RETURN(StoredFeedback stored, ReadStoredFeedback(list));
    out.push_back(std::move(stored));
  }
}

StatusOr<int64_t> PruneBatch(Connection& db, EpochMillis older_than, int batch_size) {
  CDS_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db));
  {
    CDS_ASSIGN_OR_RETURN(Statement prune, db.Prepare(kPruneBatchSql));
    prune.BindInt64(1, older_than).BindInt64(2, batch_size);
    CDS_RETURN_IF_ERROR(prune.Run());
  }
  const int64_t deleted = db.Changes();
  CDS_RETURN_IF_ERROR(txn.Commit());
  return deleted;
}

}  // namespace

StatusOr<std::unique_ptr<FeedbackStore>> FeedbackStore::Open(const std::string& path,
                                                             const StoreOptions& options) {
  if (path.empty()) return InvalidArgumentError("feedback store: empty path");
  if (options.busy_timeout_ms < 0 || options.prune_batch_size <= 0) {
    return InvalidArgumentError("feedback store: busy_timeout_ms and prune_batch_size");
  }
  // The card connection opens first and migrates; the feedback connection then only checks.
  auto cards = OpenConnection(path, options, /*migrate=*/true, "PRAGMA synchronous = NORMAL");
  if (!cards.ok()) return cards.status().WithContext("open feedback store");
  auto feedback = OpenConnection(path, options, /*migrate=*/false, "PRAGMA synchronous = FULL");
  if (!feedback.ok()) return feedback.status().WithContext("open feedback store");
  // The constructor is private; nothing else can build a half-opened store.
  return std::unique_ptr<FeedbackStore>(
      new FeedbackStore(std::move(*cards), std::move(*feedback), options));
}

FeedbackStore::FeedbackStore(std::unique_ptr<Connection> cards_db,
                             std::unique_ptr<Connection> feedback_db, const StoreOptions& options)
    : options_(options), cards_db_(std::move(cards_db)), feedback_db_(std::move(feedback_db)) {}

FeedbackStore::~FeedbackStore() = default;

Status FeedbackStore::RecordIssuedCards(const std::vector<IssuedCard>& cards) {
  if (cards.empty()) return OkStatus();
  std::lock_guard<std::mutex> lock(cards_mu_);
  return InsertCards(*cards_db_, cards).WithContext("record issued cards");
}

StatusOr<std::optional<IssuedCard>> FeedbackStore::FindIssuedCard(std::string_view card_uuid) {
  std::lock_guard<std::mutex> lock(cards_mu_);
  auto card = ReadIssuedCard(*cards_db_, card_uuid);
  if (!card.ok()) return card.status().WithContext("find issued card");
  return card;
}

StatusOr<std::vector<FeedbackResult>> FeedbackStore::RecordFeedback(
    const std::vector<Feedback>& items) {
  if (items.empty()) return std::vector<FeedbackResult>();  // no transaction, no fsync
  std::lock_guard<std::mutex> lock(feedback_mu_);
  auto results = InsertFeedbackBatch(*feedback_db_, items);
  if (!results.ok()) return results.status().WithContext("record feedback");
  return results;
}

StatusOr<int64_t> FeedbackStore::CountFeedback() {
  std::lock_guard<std::mutex> lock(feedback_mu_);
  auto count = feedback_db_->QueryInt64(kCountFeedbackSql);
  if (!count.ok()) return count.status().WithContext("count feedback");
  return count;
}

StatusOr<std::vector<StoredFeedback>> FeedbackStore::ListFeedback(size_t limit) {
  std::lock_guard<std::mutex> lock(feedback_mu_);
  auto list = ReadFeedbackList(*feedback_db_, limit);
  if (!list.ok()) return list.status().WithContext("list feedback");
  return list;
}

StatusOr<int64_t> FeedbackStore::PruneIssuedCards(EpochMillis older_than) {
  int64_t total = 0;
  while (true) {
    // Locked per batch, so card writes from other threads interleave with a long prune.
    std::lock_guard<std::mutex> lock(cards_mu_);
    auto deleted = PruneBatch(*cards_db_, older_than, options_.prune_batch_size);
    if (!deleted.ok()) return deleted.status().WithContext("prune issued cards");
    total += *deleted;
    if (*deleted < options_.prune_batch_size) return total;
  }
}

StatusOr<std::pair<int64_t, int64_t>> FeedbackStore::SynchronousLevelsForTesting() {
  std::pair<int64_t, int64_t> levels;
  {
    std::lock_guard<std::mutex> lock(cards_mu_);
    CDS_ASSIGN_OR_RETURN(levels.first, cards_db_->QueryInt64("PRAGMA synchronous"));
  }
  std::lock_guard<std::mutex> lock(feedback_mu_);
  CDS_ASSIGN_OR_RETURN(levels.second, feedback_db_->QueryInt64("PRAGMA synchronous"));
  return levels;
}

}  // namespace cds::store
