#include "store/postgres_pool.h"

#include <algorithm>
#include <string>
#include <utility>

#include "base/log.h"

namespace cds::store {

PgPool::PgPool(PgConnectSpec spec)
    : spec_(std::move(spec)), backoff_(spec_.options.reconnect_backoff_ms) {}

PgPool::Lease::~Lease() {
  if (conn_ != nullptr) pool_->Return(std::move(conn_));
}

void PgPool::Return(std::unique_ptr<PgConnection> conn) {
  // A connection left mid-transaction (a failed ROLLBACK) must not be lent again.
  if (conn->broken() || conn->InTransaction()) conn.reset();
  std::lock_guard<std::mutex> lock(mu_);
  if (conn != nullptr) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  returned_.notify_one();
}

int PgPool::OpenConnectionsForTesting() {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

StatusOr<PgPool::Lease> PgPool::Acquire() {
  const auto deadline =
      SteadyClock::now() + std::chrono::milliseconds(spec_.options.statement_timeout_ms);
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (!idle_.empty()) {
      // Most recently returned first: it is the least likely to have timed out.
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      if (conn->LooksAlive()) return Lease(this, std::move(conn));
      CDS_LOG(kInfo, "postgresql_connection_dropped").Field("reason", "server closed it");
      conn.reset();
      lock.lock();
      --open_;
      continue;
    }
    if (open_ < spec_.options.pool_size) {
      const SteadyClock::time_point now = SteadyClock::now();
      if (now < next_attempt_) {
        const auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(next_attempt_ - now).count();
        return Status(last_failure_.code(), last_failure_.message() + " (next attempt in " +
                                                std::to_string(wait) + " ms)");
      }
      ++open_;  // reserve the slot while connecting without the lock
      lock.unlock();
      StatusOr<std::unique_ptr<PgConnection>> conn = PgConnection::Connect(spec_);
      lock.lock();
      if (!conn.ok()) {
        --open_;
        last_failure_ = conn.status();
        next_attempt_ = SteadyClock::now() + backoff_;
        backoff_ = std::min(backoff_ * 2,
                            std::chrono::milliseconds(spec_.options.max_reconnect_backoff_ms));
        returned_.notify_one();
        return conn.status();
      }
      backoff_ = std::chrono::milliseconds(spec_.options.reconnect_backoff_ms);
      next_attempt_ = SteadyClock::time_point();
      return Lease(this, std::move(conn).value());
    }
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= spec_.options.pool_size) {
      return UnavailableError("PostgreSQL connection pool exhausted: all " +
                              std::to_string(spec_.options.pool_size) + " connections busy for " +
                              std::to_string(spec_.options.statement_timeout_ms) + " ms");
    }
  }
}

}  // namespace cds::store
