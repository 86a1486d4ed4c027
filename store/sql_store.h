// SqlStore: the Store interface written once over SqlLanes (sql_session.h), so that the
// SQLite and PostgreSQL backends share every rule about what is stored and how: feedback
// correlation and idempotence, follow-ups in the feedback transaction, audit records,
// replay checks, retention and the analytics aggregates. A backend supplies connections,
// its dialect's few differing statements and its schema; see sqlite_store.h and
// postgres_store.h.
//
// Internal to store/. Thread-safety and errors as in store.h.
#pragma once

#include <memory>

#include "store/sql_session.h"
#include "store/store.h"

namespace cds::store {

class SqlStore : public Store {
 public:
  std::string_view backend() const override { return lanes_->name(); }
  StatusOr<int> SchemaVersion() override { return lanes_->SchemaVersion(); }

  Status RecordIssuedCards(const std::vector<IssuedCard>& cards) override;
  StatusOr<std::optional<IssuedCard>> FindIssuedCard(std::string_view card_uuid) override;
  using Store::RecordFeedback;
  StatusOr<std::vector<FeedbackResult>> RecordFeedback(
      const std::vector<Feedback>& items, const FeedbackFollowUpPolicy& follow_up) override;
  StatusOr<int64_t> CountFeedback() override;
  StatusOr<std::vector<StoredFeedback>> ListFeedback(size_t limit) override;
  StatusOr<int64_t> PruneIssuedCards(EpochMillis older_than) override;

  StatusOr<JtiResult> RecordJti(std::string_view iss, std::string_view jti, EpochMillis expires_at,
                                EpochMillis now) override;

  Status RecordHookCalls(const std::vector<HookCallRecord>& calls) override;
  StatusOr<std::optional<HookCallRecord>> FindHookCall(std::string_view call_id) override;
  StatusOr<int64_t> PurgeHookCalls(EpochMillis older_than) override;

  Status RememberOverride(const RememberedOverride& item) override;
  StatusOr<std::vector<RememberedOverride>> FindRememberedOverrides(std::string_view patient_key,
                                                                    EpochMillis now) override;
  Status SnoozeInEncounter(const EncounterSnooze& item) override;
  StatusOr<std::vector<EncounterSnooze>> FindSnoozes(std::string_view user_id,
                                                     std::string_view encounter_key,
                                                     EpochMillis now) override;
  StatusOr<ExpiredRowsPurged> PurgeExpired(EpochMillis now) override;

  StatusOr<OverrideAnalytics> QueryOverrideAnalytics(const AnalyticsRange& range) override;

 protected:
  // `batch_size`: rows deleted per transaction by the retention purges, which bounds how
  // long a purge holds locks the hot path also needs. > 0.
  SqlStore(std::unique_ptr<SqlLanes> lanes, int batch_size)
      : lanes_(std::move(lanes)), batch_size_(batch_size) {}

  SqlLanes& lanes() { return *lanes_; }

 private:
  // Runs `sql` (?1 cutoff, ?2 batch size; deletes up to a batch) until a batch comes back
  // short, one transaction per batch on `lane`.
  StatusOr<int64_t> DeleteInBatches(const char* sql, EpochMillis cutoff, Lane lane);

  std::unique_ptr<SqlLanes> lanes_;
  const int batch_size_;
};

}  // namespace cds::store
