// RetentionSweeper: keeps the store's tables bounded while the service runs. Every
// `interval` (and once at start) a background thread deletes used JWT ids, remembered
// overrides and snoozes that have expired, issued cards older than the card retention, and
// audit records older than the audit retention, each in small batches (store.h).
//
// Several instances sharing a database may all sweep: deleting is idempotent. Failures
// (e.g. the database is down) are logged and retried at the next interval.
//
// Ownership: borrows the store and clock, which must outlive the sweeper. The destructor
// stops the thread, waiting for a sweep in progress to finish its current batch.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "base/status.h"

#include "store/store.h"

namespace cds::store {

struct RetentionPolicy {
  int64_t issued_card_retention_ms = 400LL * 86'400'000;
  int64_t audit_retention_ms = 400LL * 86'400'000;
  std::chrono::milliseconds interval = std::chrono::minutes(10);
};

class RetentionSweeper {
 public:
  RetentionSweeper(Store& store, const Clock& clock, RetentionPolicy policy);
  ~RetentionSweeper();
  RetentionSweeper(const RetentionSweeper&) = delete;
  RetentionSweeper& operator=(const RetentionSweeper&) = delete;

  // One sweep, now, on the calling thread; the first error, after trying every table.
  Status SweepOnce();

 private:
  void Run();

  Store& store_;
  const Clock& clock_;
  const RetentionPolicy policy_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace cds::store
