#include "store/feedback_store.h"

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/schema.h"

#include "tests/store/store_test_util.h"
#include "tests/support/status_matchers.h"

namespace cds::store {
namespace {

using ::cds::store::testing::MakeCard;
using ::cds::store::testing::MakeFeedback;
using ::cds::store::testing::RawDb;
using ::cds::store::testing::ScratchDir;
using ::cds::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FeedbackStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = FeedbackStore::Open(path_);
    ASSERT_OK(store);
    store_ = std::move(store).value();
  }

  ScratchDir dir_;
  std::string path_ = dir_.File("feedback.db");
  std::unique_ptr<FeedbackStore> store_;
};

TEST_F(FeedbackStoreTest, OpenAppliesSchemaInWalMode) {
  RawDb raw(path_);
  EXPECT_EQ(raw.QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(raw.QueryText("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"),
            "feedback\nissued_card");
}

TEST_F(FeedbackStoreTest, CardsCommitAtNormalAndFeedbackAtFull) {
  auto levels = store_->SynchronousLevelsForTesting();
  ASSERT_OK(levels);
  EXPECT_EQ(levels->first, 1);   // NORMAL
  EXPECT_EQ(levels->second, 2);  // FULL
}

TEST_F(FeedbackStoreTest, CardUuidLookupsUseAnIndex) {
  RawDb raw(path_);
  EXPECT_THAT(raw.QueryText("EXPLAIN QUERY PLAN SELECT * FROM issued_card WHERE card_uuid = 'x'",
                            /*column=*/3),
              HasSubstr("USING INDEX"));
  EXPECT_THAT(raw.QueryText("EXPLAIN QUERY PLAN SELECT * FROM feedback WHERE card_uuid = 'x'",
                            /*column=*/3),
              HasSubstr("USING INDEX"));
}

TEST_F(FeedbackStoreTest, IssuedCardRoundTrips) {
  IssuedCard card = MakeCard("card-1");
  card.suggestion_uuids = {"s-1", "s-2"};
  ASSERT_OK(store_->RecordIssuedCards({card, MakeCard("card-2")}));

  auto found = store_->FindIssuedCard("card-1");
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  const IssuedCard& got = **found;
  EXPECT_EQ(got.card_uuid, "card-1");
  EXPECT_EQ(got.hook_instance, "hi-1");
  EXPECT_EQ(got.service_id, "statin-ldl");
  EXPECT_EQ(got.rule_id, "ldl_statin");
  EXPECT_EQ(got.indicator, "warning");
  EXPECT_EQ(got.issued_at, card.issued_at);
  EXPECT_THAT(got.suggestion_uuids, ElementsAre("s-1", "s-2"));

  auto missing = store_->FindIssuedCard("no-such-card");
  ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_F(FeedbackStoreTest, RepeatedCardUuidKeepsFirstCopy) {
  ASSERT_OK(store_->RecordIssuedCards({MakeCard("card-1", "first")}));
  ASSERT_OK(store_->RecordIssuedCards({MakeCard("card-1", "second")}));
  auto found = store_->FindIssuedCard("card-1");
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->hook_instance, "first");
  EXPECT_EQ(RawDb(path_).QueryInt("SELECT COUNT(*) FROM issued_card"), 1);
}

TEST_F(FeedbackStoreTest, FeedbackForKnownCardRecordsItsOrigin) {
  ASSERT_OK(store_->RecordIssuedCards({MakeCard("card-1", "hook-instance-7")}));
  Feedback f = MakeFeedback("card-1", "overridden");
  f.override_system = "https://example.com/cds-hooks/override-reason-system";
  f.override_code = "d7ecf885";
  f.override_display = "Patient declined";
  f.user_comment = "A comment entered by the clinician.";
  Feedback accepted = MakeFeedback("card-1", "accepted", f.outcome_time + 1);
  accepted.accepted_suggestions = {"e56e1945-20b3-4393-8503-a1a20fd73152"};

  auto results = store_->RecordFeedback({f, accepted});
  ASSERT_OK(results);
  EXPECT_THAT(*results, ElementsAre(FeedbackResult::kStored, FeedbackResult::kStored));

  auto list = store_->ListFeedback(10);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  const StoredFeedback& overridden = (*list)[1];  // same received_at: newer row first
  EXPECT_TRUE(overridden.card_known);
  EXPECT_EQ(overridden.hook_instance, "hook-instance-7");
  EXPECT_EQ(overridden.card_service_id, "statin-ldl");
  EXPECT_EQ(overridden.rule_id, "ldl_statin");
  EXPECT_EQ(overridden.feedback.outcome, "overridden");
  EXPECT_EQ(overridden.feedback.outcome_timestamp, "2020-12-11T00:00:00Z");
  EXPECT_EQ(overridden.feedback.override_system, f.override_system);
  EXPECT_EQ(overridden.feedback.override_code, "d7ecf885");
  EXPECT_EQ(overridden.feedback.override_display, "Patient declined");
  EXPECT_EQ(overridden.feedback.user_comment, f.user_comment);
  EXPECT_TRUE(overridden.feedback.accepted_suggestions.empty());
  EXPECT_THAT((*list)[0].feedback.accepted_suggestions,
              ElementsAre("e56e1945-20b3-4393-8503-a1a20fd73152"));
}

TEST_F(FeedbackStoreTest, FeedbackForUnknownCardIsStoredWithoutOrigin) {
  auto results = store_->RecordFeedback({MakeFeedback("never-issued")});
  ASSERT_OK(results);
  EXPECT_THAT(*results, ElementsAre(FeedbackResult::kStored));
  auto list = store_->ListFeedback(10);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_FALSE((*list)[0].card_known);
  EXPECT_EQ((*list)[0].hook_instance, "");
  EXPECT_EQ((*list)[0].rule_id, "");
  RawDb raw(path_);
  // Absent values are NULL on disk, not empty strings.
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM feedback WHERE hook_instance IS NULL "
                         "AND override_code IS NULL AND user_comment IS NULL"),
            1);
}

// The same card may be reported more than once; processing must be idempotent.
TEST_F(FeedbackStoreTest, RepeatedFeedbackIsStoredOnce) {
  const Feedback f = MakeFeedback("card-1");
  auto first = store_->RecordFeedback({f, f});
  ASSERT_OK(first);
  EXPECT_THAT(*first, ElementsAre(FeedbackResult::kStored, FeedbackResult::kDuplicate));
  auto again = store_->RecordFeedback({f});
  ASSERT_OK(again);
  EXPECT_THAT(*again, ElementsAre(FeedbackResult::kDuplicate));

  RawDb raw(path_);
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM feedback"), 1);
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM feedback WHERE card_uuid = 'card-1'"), 1);

  // A different outcome time is a new decision, not a repeat.
  auto later = store_->RecordFeedback({MakeFeedback("card-1", "overridden", f.outcome_time + 1)});
  ASSERT_OK(later);
  EXPECT_THAT(*later, ElementsAre(FeedbackResult::kStored));
  EXPECT_EQ(raw.QueryInt("SELECT COUNT(*) FROM feedback"), 2);
}

TEST_F(FeedbackStoreTest, BatchWithAFailingRowStoresNothing) {
  Feedback bad = MakeFeedback("card-2");
  bad.outcome = "ignored";  // breaks CHECK (outcome IN ('accepted', 'overridden'))
  auto results = store_->RecordFeedback({MakeFeedback("card-1"), bad, MakeFeedback("card-3")});
  EXPECT_THAT(results, StatusIs(StatusCode::kInvalidArgument,
                                AllOf(HasSubstr("item 1"), HasSubstr("CHECK constraint"))));
  EXPECT_EQ(RawDb(path_).QueryInt("SELECT COUNT(*) FROM feedback"), 0);

  // The connection is usable again and the good row was not half-remembered.
  auto retry = store_->RecordFeedback({MakeFeedback("card-1")});
  ASSERT_OK(retry);
  EXPECT_THAT(*retry, ElementsAre(FeedbackResult::kStored));
}

TEST_F(FeedbackStoreTest, FeedbackAndCardsSurviveReopen) {
  ASSERT_OK(store_->RecordIssuedCards({MakeCard("card-1", "hook-instance-9")}));
  ASSERT_OK(store_->RecordFeedback({MakeFeedback("other-card")}));
  store_.reset();  // closes both connections

  auto reopened = FeedbackStore::Open(path_);
  ASSERT_OK(reopened);
  auto count = (*reopened)->CountFeedback();
  ASSERT_OK(count);
  EXPECT_EQ(*count, 1);
  // Feedback after a restart is still tied to the card issued before it.
  ASSERT_OK((*reopened)->RecordFeedback({MakeFeedback("card-1")}));
  auto list = (*reopened)->ListFeedback(1);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].card_known);
  EXPECT_EQ((*list)[0].hook_instance, "hook-instance-9");
}

TEST_F(FeedbackStoreTest, HostileTextIsStoredVerbatim) {
  Feedback f = MakeFeedback("x'); DROP TABLE feedback; --");
  using std::string_literals::operator""s;
  f.user_comment = "Robert'); DROP TABLE issued_card;--\0after NUL \"q\" \xC3\xA9"s;
  f.accepted_suggestions = {"\"]", "\0"s, ""};
  ASSERT_OK(store_->RecordFeedback({f}));
  auto list = store_->ListFeedback(1);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].feedback.card_uuid, f.card_uuid);
  EXPECT_EQ((*list)[0].feedback.user_comment, f.user_comment);
  EXPECT_EQ((*list)[0].feedback.accepted_suggestions, f.accepted_suggestions);
  EXPECT_EQ(RawDb(path_).QueryText("SELECT name FROM sqlite_schema WHERE type = 'table' "
                                   "ORDER BY name"),
            "feedback\nissued_card");
}

TEST_F(FeedbackStoreTest, ListIsNewestFirstAndLimited) {
  for (int i = 0; i < 5; ++i) {
    Feedback f = MakeFeedback("card-" + std::to_string(i));
    f.received_at = 1000 + (i * 7) % 5;  // received out of insertion order
    ASSERT_OK(store_->RecordFeedback({f}));
  }
  auto list = store_->ListFeedback(3);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].feedback.received_at, 1004);
  EXPECT_EQ((*list)[1].feedback.received_at, 1003);
  EXPECT_EQ((*list)[2].feedback.received_at, 1002);
  auto none = store_->ListFeedback(0);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(FeedbackStoreTest, EmptyBatchesAreNoOps) {
  EXPECT_OK(store_->RecordIssuedCards({}));
  auto results = store_->RecordFeedback({});
  ASSERT_OK(results);
  EXPECT_TRUE(results->empty());
}

TEST(FeedbackStorePruneTest, PrunesOldCardsInBatchesAndKeepsFeedbackOrigin) {
  ScratchDir dir;
  const std::string path = dir.File("feedback.db");
  auto store = FeedbackStore::Open(path, StoreOptions{.prune_batch_size = 2});
  ASSERT_OK(store);
  std::vector<IssuedCard> cards;
  for (int i = 0; i < 5; ++i) {
    cards.push_back(MakeCard("old-" + std::to_string(i)));
    cards.back().issued_at = 100 + i;
  }
  cards.push_back(MakeCard("new"));
  cards.back().issued_at = 500;
  ASSERT_OK((*store)->RecordIssuedCards(cards));
  ASSERT_OK((*store)->RecordFeedback({MakeFeedback("old-0")}));

  auto pruned = (*store)->PruneIssuedCards(200);
  ASSERT_OK(pruned);
  EXPECT_EQ(*pruned, 5);
  EXPECT_EQ(RawDb(path).QueryText("SELECT card_uuid FROM issued_card"), "new");

  ASSERT_OK((*store)->RecordFeedback({MakeFeedback("old-1")}));
  auto list = (*store)->ListFeedback(10);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_FALSE((*list)[0].card_known);  // old-1: its card was pruned before the feedback
  EXPECT_TRUE((*list)[1].card_known);   // old-0: origin copied while the card existed
  EXPECT_EQ((*list)[1].hook_instance, "hi-1");
}

}  // namespace
}  // namespace cds::store
