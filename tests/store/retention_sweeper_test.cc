// RetentionSweeper over each backend: expired and old rows go, live ones stay, at start-up
// and on demand.
#include "store/retention_sweeper.h"

#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/store/store_fixture.h"

namespace cds::store::testing {
namespace {

constexpr EpochMillis kDay = 86'400'000;

TEST_P(StoreTest, RetentionSweeperDeletesWhatIsExpiredOrTooOld) {
  const EpochMillis now = 20'000 * kDay;
  FixedClock clock(now);
  ASSERT_OK(store_->RecordJti("iss", "expired", now - 1, now - 60'000));
  ASSERT_OK(store_->RecordJti("iss", "live", now + 60'000, now - 60'000));
  IssuedCard old_card = MakeCard("old");
  old_card.issued_at = now - 401 * kDay;
  IssuedCard recent_card = MakeCard("recent");
  recent_card.issued_at = now - 399 * kDay;
  ASSERT_OK(store_->RecordIssuedCards({old_card, recent_card}));
  HookCallRecord old_call;
  old_call.call_id = "old-call";
  old_call.called_at = now - 31 * kDay;
  old_call.service_id = old_call.hook = old_call.hook_instance = "x";
  HookCallRecord recent_call = old_call;
  recent_call.call_id = "recent-call";
  recent_call.called_at = now - 29 * kDay;
  ASSERT_OK(store_->RecordHookCalls({old_call, recent_call}));

  // The first sweep runs as the sweeper starts, on its own thread.
  RetentionSweeper sweeper(*store_, clock,
                           {.issued_card_retention_ms = 400 * kDay,
                            .audit_retention_ms = 30 * kDay,
                            .interval = std::chrono::hours(1)});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (QueryInt("SELECT COUNT(*) FROM hook_call") != 1 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(QueryText("SELECT jti FROM used_jti"), "live");
  EXPECT_EQ(QueryText("SELECT card_uuid FROM issued_card"), "recent");
  EXPECT_EQ(QueryText("SELECT call_id FROM hook_call"), "recent-call");

  // On demand, with time moved on.
  clock.Set(now + 2 * kDay);
  ASSERT_OK(sweeper.SweepOnce());
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM used_jti"), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM issued_card"), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM hook_call"), 0);
}

}  // namespace
}  // namespace cds::store::testing
