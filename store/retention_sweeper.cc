#include "store/retention_sweeper.h"

#include "base/log.h"

namespace cds::store {

RetentionSweeper::RetentionSweeper(Store& store, const Clock& clock, RetentionPolicy policy)
    : store_(store), clock_(clock), policy_(policy), thread_([this] { Run(); }) {}

RetentionSweeper::~RetentionSweeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Status RetentionSweeper::SweepOnce() {
  const EpochMillis now = clock_.Now();
  Status first;
  auto note = [&first](const Status& s) {
    if (!s.ok() && first.ok()) first = s;
  };
  auto expired = store_.PurgeExpired(now);
  note(expired.status());
  auto cards = store_.PruneIssuedCards(now - policy_.issued_card_retention_ms);
  note(cards.status());
  auto calls = store_.PurgeHookCalls(now - policy_.audit_retention_ms);
  note(calls.status());
  if (!first.ok()) {
    CDS_LOG(kWarn, "retention_sweep_failed").Field("error", first.message());
    return first;
  }
  if (expired->jtis + expired->remembered_overrides + expired->snoozes + *cards + *calls > 0) {
    CDS_LOG(kInfo, "retention_swept")
        .Field("jtis", expired->jtis)
        .Field("remembered_overrides", expired->remembered_overrides)
        .Field("snoozes", expired->snoozes)
        .Field("issued_cards", *cards)
        .Field("hook_calls", *calls);
  }
  return OkStatus();
}

void RetentionSweeper::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    (void)SweepOnce();  // logged
    lock.lock();
    wake_.wait_for(lock, policy_.interval, [this] { return stopping_; });
  }
}

}  // namespace cds::store
