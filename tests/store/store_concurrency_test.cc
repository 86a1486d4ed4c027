// Many HTTP worker threads write cards and feedback at once, through two stores on one
// database (two processes, or two instances); nothing may be lost or doubled.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/store/store_fixture.h"

namespace cds::store::testing {
namespace {

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

TEST_P(StoreTest, EightWritersFinalCountsAreExact) {
  // Two stores on one database, as after a rolling restart or with two instances:
  // contention is resolved by the database's locks as well as by each store's own.
  std::unique_ptr<Store>& first = store_;
  auto second = OpenStore();
  ASSERT_OK(second);

  Tally tally;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Store& store = t % 2 == 0 ? *first : **second;
    threads.emplace_back([&store, t, &tally] { Work(store, t, tally); });
  }
  for (std::thread& thread : threads) thread.join();

  constexpr int kAnswers = kThreads * kRounds;
  EXPECT_EQ(tally.errors.load(), 0);
  EXPECT_EQ(tally.stored.load(), kAnswers);
  EXPECT_EQ(tally.duplicates.load(), kAnswers);
  EXPECT_EQ(tally.found.load(), kAnswers);

  auto count = first->CountFeedback();
  ASSERT_OK(count);
  EXPECT_EQ(*count, kAnswers);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM issued_card"), kAnswers * kCardsPerResponse);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM feedback"), kAnswers);
  // Each card was recorded before its feedback, so every item found its origin.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM feedback WHERE card_known = 1 "
                     "AND hook_instance || '-c0' = card_uuid"),
            kAnswers);
}

}  // namespace
}  // namespace cds::store::testing
