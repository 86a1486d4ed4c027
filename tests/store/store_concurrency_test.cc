// Many HTTP worker threads write cards and feedback at once; nothing may be lost or doubled.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sqlite_store.h"

#include "tests/store/store_test_util.h"
#include "tests/support/status_matchers.h"

namespace cds::store {
namespace {

using ::cds::store::testing::MakeCard;
using ::cds::store::testing::MakeFeedback;
using ::cds::store::testing::RawDb;
using ::cds::store::testing::ScratchDir;

constexpr int kThreads = 8;
constexpr int kRounds = 40;
constexpr int kCardsPerResponse = 2;

struct Tally {
  std::atomic<int> stored{0};
  std::atomic<int> duplicates{0};
  std::atomic<int> found{0};
  std::atomic<int> errors{0};
};

// One worker: answers kRounds hooks (recording their cards), then gets feedback for the first
// card of each answer, re-sent once, and looks the card up as a report would.
void Work(Store& store, int thread, Tally& tally) {
  for (int round = 0; round < kRounds; ++round) {
    const std::string prefix = "t" + std::to_string(thread) + "-r" + std::to_string(round);
    std::vector<IssuedCard> cards;
    for (int c = 0; c < kCardsPerResponse; ++c) {
      cards.push_back(MakeCard(prefix + "-c" + std::to_string(c), prefix));
    }
    if (!store.RecordIssuedCards(cards).ok()) ++tally.errors;

    const Feedback f = MakeFeedback(prefix + "-c0");
    auto results = store.RecordFeedback({f, f});
    if (!results.ok() || results->size() != 2) {
      ++tally.errors;
      continue;
    }
    for (FeedbackResult r : *results) {
      ++(r == FeedbackResult::kStored ? tally.stored : tally.duplicates);
    }
    auto card = store.FindIssuedCard(prefix + "-c1");
    if (card.ok() && card->has_value()) ++tally.found;
    if (!card.ok()) ++tally.errors;
  }
}

TEST(StoreConcurrencyTest, EightWritersFinalCountsAreExact) {
  ScratchDir dir;
  const std::string path = dir.File("feedback.db");
  // Two stores on one file, as after a rolling restart: contention is resolved by SQLite's
  // locks and the busy timeout as well as by each store's mutexes.
  auto first = SqliteStore::Open(path);
  auto second = SqliteStore::Open(path);
  ASSERT_OK(first);
  ASSERT_OK(second);

  Tally tally;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Store& store = t % 2 == 0 ? **first : **second;
    threads.emplace_back([&store, t, &tally] { Work(store, t, tally); });
  }
  for (std::thread& thread : threads) thread.join();

  constexpr int kAnswers = kThreads * kRounds;
  EXPECT_EQ(tally.errors.load(), 0);
  EXPECT_EQ(tally.stored.load(), kAnswers);
  EXPECT_EQ(tally.duplicates.load(), kAnswers);
  EXPECT_EQ(tally.found.load(), kAnswers);

  auto count = (*first)->CountFeedback();
  ASSERT_OK(count);
  EXPECT_EQ(*count, kAnswers);
  RawDb raw(path);
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM issued_card"), kAnswers * kCardsPerResponse);
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM feedback"), kAnswers);
  // Each card was recorded before its feedback, so every item found its origin.
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM feedback WHERE card_known = 1 "
                         "AND hook_instance || '-c0' = card_uuid"),
            kAnswers);
}

}  // namespace
}  // namespace cds::store
