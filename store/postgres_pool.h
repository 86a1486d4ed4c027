// PgPool: at most `pool_size` PostgreSQL connections, lent one per operation, reconnecting
// by itself after the server comes back. Internal to store/.
//
// Acquire() hands out an idle connection that still looks alive (a dead one, e.g. after a
// server restart, is dropped on the spot), or opens a new one while fewer than pool_size
// exist, or waits up to statement_timeout_ms for one to be returned (then kUnavailable).
// After a failed connection attempt, Acquire() fails at once with the same error until a
// back-off has passed (reconnect_backoff_ms, doubling to max_reconnect_backoff_ms), so an
// outage costs callers microseconds, not a connect timeout each. The first success resets
// the back-off.
//
// A Lease returns its connection on destruction, or closes it if it is broken or was left
// inside a transaction.
//
// Thread-safety: Acquire() and Lease destruction may run on any threads. The pool must
// outlive its leases.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "base/status.h"

#include "store/postgres_connection.h"

namespace cds::store {

class PgPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PgConnection& operator*() const { return *conn_; }
    PgConnection* operator->() const { return conn_.get(); }

   private:
    friend class PgPool;
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  explicit PgPool(PgConnectSpec spec);
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  StatusOr<Lease> Acquire();

  const PgConnectSpec& spec() const { return spec_; }
  // Connections open now (lent or idle); for tests.
  int OpenConnectionsForTesting();

 private:
  using SteadyClock = std::chrono::steady_clock;
  void Return(std::unique_ptr<PgConnection> conn);

  const PgConnectSpec spec_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // GUARDED_BY(mu_)
  int open_ = 0;                                     // GUARDED_BY(mu_); idle + lent + opening
  SteadyClock::time_point next_attempt_;             // GUARDED_BY(mu_)
  std::chrono::milliseconds backoff_;                // GUARDED_BY(mu_)
  Status last_failure_;                              // GUARDED_BY(mu_)
};

}  // namespace cds::store
