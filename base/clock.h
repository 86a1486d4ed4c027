// Clock: the only source of "now" for rules and token checks, so tests can fix time.
//
// Thread-safe: SystemClock is stateless; test clocks must be set before sharing.
#pragma once

#include <chrono>
#include <cstdint>

namespace cds {

// Milliseconds since the Unix epoch, UTC. Plain integers keep rule arithmetic exact.
using EpochMillis = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual EpochMillis Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  EpochMillis Now() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that returns whatever it was set to. Used by tests and by `eval --now`.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(EpochMillis now) : now_(now) {}
  EpochMillis Now() const override { return now_; }
  void Set(EpochMillis now) { now_ = now; }

 private:
  EpochMillis now_;
};

}  // namespace cds
