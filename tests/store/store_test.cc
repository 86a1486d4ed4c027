// The suite every Store backend passes: SQLite and PostgreSQL (StoreTest is parameterised
// over the backend; tests/store/store_fixture.h).
#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/store/store_fixture.h"

namespace cds::store::testing {
namespace {

using ::cds::testing::StatusIs;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr EpochMillis kDay = 86'400'000;

TEST_P(StoreTest, OpensAtTheCurrentSchemaVersion) {
  auto version = store_->SchemaVersion();
  ASSERT_OK(version);
  EXPECT_EQ(*version, kSchemaVersion);
  // A second instance that only checks the version finds it.
  EXPECT_OK(OpenStore(1000, SchemaMode::kCheck));
  EXPECT_EQ(store_->backend(), GetParam() == Backend::kSqlite ? "sqlite" : "postgresql");
}

TEST_P(StoreTest, IssuedCardRoundTrips) {
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

TEST_P(StoreTest, RepeatedCardUuidKeepsFirstCopy) {
  ASSERT_OK(store_->RecordIssuedCards({MakeCard("card-1", "first")}));
  ASSERT_OK(store_->RecordIssuedCards({MakeCard("card-1", "second")}));
  auto found = store_->FindIssuedCard("card-1");
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->hook_instance, "first");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM issued_card"), 1);
}

TEST_P(StoreTest, FeedbackForKnownCardRecordsItsOrigin) {
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

TEST_P(StoreTest, FeedbackForUnknownCardIsStoredWithoutOrigin) {
  auto results = store_->RecordFeedback({MakeFeedback("never-issued")});
  ASSERT_OK(results);
  EXPECT_THAT(*results, ElementsAre(FeedbackResult::kStored));
  auto list = store_->ListFeedback(10);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_FALSE((*list)[0].card_known);
  EXPECT_EQ((*list)[0].hook_instance, "");
  EXPECT_EQ((*list)[0].rule_id, "");
  // Absent values are NULL on disk, not empty strings.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM feedback WHERE hook_instance IS NULL "
                     "AND override_code IS NULL AND user_comment IS NULL"),
            1);
}

// The same card may be reported more than once; processing must be idempotent.
TEST_P(StoreTest, RepeatedFeedbackIsStoredOnce) {
  const Feedback f = MakeFeedback("card-1");
  auto first = store_->RecordFeedback({f, f});
  ASSERT_OK(first);
  EXPECT_THAT(*first, ElementsAre(FeedbackResult::kStored, FeedbackResult::kDuplicate));
  auto again = store_->RecordFeedback({f});
  ASSERT_OK(again);
  EXPECT_THAT(*again, ElementsAre(FeedbackResult::kDuplicate));

  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM feedback"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM feedback WHERE card_uuid = 'card-1'"), 1);

  // A different outcome time is a new decision, not a repeat.
  auto later = store_->RecordFeedback({MakeFeedback("card-1", "overridden", f.outcome_time + 1)});
  ASSERT_OK(later);
  EXPECT_THAT(*later, ElementsAre(FeedbackResult::kStored));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM feedback"), 2);
}

TEST_P(StoreTest, BatchWithAFailingRowStoresNothing) {
  Feedback bad = MakeFeedback("card-2");
  bad.outcome = "ignored";  // breaks CHECK (outcome IN ('accepted', 'overridden'))
  auto results = store_->RecordFeedback({MakeFeedback("card-1"), bad, MakeFeedback("card-3")});
  EXPECT_THAT(results, StatusIs(StatusCode::kInvalidArgument,
                                AllOf(HasSubstr("item 1"), AnyOf(HasSubstr("CHECK constraint"),
                                                                 HasSubstr("check constraint")))));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM feedback"), 0);

  // The connection is usable again and the good row was not half-remembered.
  auto retry = store_->RecordFeedback({MakeFeedback("card-1")});
  ASSERT_OK(retry);
  EXPECT_THAT(*retry, ElementsAre(FeedbackResult::kStored));
}

TEST_P(StoreTest, FeedbackAndCardsSurviveReopen) {
  ASSERT_OK(store_->RecordIssuedCards({MakeCard("card-1", "hook-instance-9")}));
  ASSERT_OK(store_->RecordFeedback({MakeFeedback("other-card")}));
  store_.reset();  // closes its connections

  auto reopened = OpenStore();
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

TEST_P(StoreTest, ListIsNewestFirstAndLimited) {
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

TEST_P(StoreTest, EmptyBatchesAreNoOps) {
  EXPECT_OK(store_->RecordIssuedCards({}));
  auto results = store_->RecordFeedback({});
  ASSERT_OK(results);
  EXPECT_TRUE(results->empty());
}

TEST_P(StoreTest, PrunesOldCardsInBatchesAndKeepsFeedbackOrigin) {
  auto store = OpenStore(/*batch_size=*/2);
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
  EXPECT_EQ(QueryText("SELECT card_uuid FROM issued_card"), "new");

  ASSERT_OK((*store)->RecordFeedback({MakeFeedback("old-1")}));
  auto list = (*store)->ListFeedback(10);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_FALSE((*list)[0].card_known);  // old-1: its card was pruned before the feedback
  EXPECT_TRUE((*list)[1].card_known);   // old-0: origin copied while the card existed
  EXPECT_EQ((*list)[1].hook_instance, "hi-1");
}

TEST_P(StoreTest, HostileTextIsStoredVerbatim) {
  Feedback f = MakeFeedback("x'); DROP TABLE feedback; --");
  f.user_comment = "Robert'); DROP TABLE issued_card;-- \"q\" \\ $1 ?1 \xC3\xA9 \xF0\x9F\x92\x8A";
  f.accepted_suggestions = {"\"]", "", "[\"nested\"]"};
  ASSERT_OK(store_->RecordFeedback({f}));
  auto list = store_->ListFeedback(1);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].feedback.card_uuid, f.card_uuid);
  EXPECT_EQ((*list)[0].feedback.user_comment, f.user_comment);
  EXPECT_EQ((*list)[0].feedback.accepted_suggestions, f.accepted_suggestions);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM issued_card"), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM feedback"), 1);
}

// --- JWT replay --------------------------------------------------------------------------

TEST_P(StoreTest, SecondUseOfAJtiIsAReplayUntilItExpires) {
  const EpochMillis now = 1'700'000'000'000;
  auto first = store_->RecordJti("https://ehr.example", "jti-1", now + 60'000, now);
  ASSERT_OK(first);
  EXPECT_EQ(*first, JtiResult::kRecorded);
  auto again = store_->RecordJti("https://ehr.example", "jti-1", now + 60'000, now + 1);
  ASSERT_OK(again);
  EXPECT_EQ(*again, JtiResult::kReplay);
  // Once expired the pair is forgotten: a new token may (improbably) reuse the id.
  auto later = store_->RecordJti("https://ehr.example", "jti-1", now + 200'000, now + 60'000);
  ASSERT_OK(later);
  EXPECT_EQ(*later, JtiResult::kRecorded);
  auto replay_of_later =
      store_->RecordJti("https://ehr.example", "jti-1", now + 200'000, now + 60'001);
  ASSERT_OK(replay_of_later);
  EXPECT_EQ(*replay_of_later, JtiResult::kReplay);
}

TEST_P(StoreTest, JtisAreScopedByIssuerWithoutAmbiguity) {
  const EpochMillis now = 1'700'000'000'000;
  for (auto [iss, jti] : {std::pair{"a", "bc"}, {"ab", "c"}, {"other", "bc"}}) {
    auto r = store_->RecordJti(iss, jti, now + 1000, now);
    ASSERT_OK(r);
    EXPECT_EQ(*r, JtiResult::kRecorded) << iss << " " << jti;
  }
}

TEST_P(StoreTest, JtiReplayIsRefusedByAnotherInstance) {
  auto other = OpenStore();
  ASSERT_OK(other);
  const EpochMillis now = 1'700'000'000'000;
  auto first = store_->RecordJti("iss", "shared-jti", now + 60'000, now);
  ASSERT_OK(first);
  EXPECT_EQ(*first, JtiResult::kRecorded);
  auto second = (*other)->RecordJti("iss", "shared-jti", now + 60'000, now + 5);
  ASSERT_OK(second);
  EXPECT_EQ(*second, JtiResult::kReplay);
}

TEST_P(StoreTest, ConcurrentUsesOfOneJtiRecordItExactlyOnce) {
  auto other = OpenStore();
  ASSERT_OK(other);
  constexpr int kThreads = 8;
  constexpr int kJtis = 20;
  const EpochMillis now = 1'700'000'000'000;
  std::atomic<int> recorded{0}, replays{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Store& store = t % 2 == 0 ? *store_ : **other;
    threads.emplace_back([&store, &recorded, &replays, &errors, now] {
      for (int j = 0; j < kJtis; ++j) {
        auto r = store.RecordJti("iss", "jti-" + std::to_string(j), now + 60'000, now);
        if (!r.ok()) {
          ++errors;
        } else {
          ++(*r == JtiResult::kRecorded ? recorded : replays);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(recorded.load(), kJtis);
  EXPECT_EQ(replays.load(), kJtis * (kThreads - 1));
}

// --- Audit trail -------------------------------------------------------------------------

HookCallRecord MakeCall(const std::string& call_id, EpochMillis at) {
  HookCallRecord call;
  call.call_id = call_id;
  call.called_at = at;
  call.service_id = "rituximab-safety-order-select";
  call.hook = "order-select";
  call.hook_instance = "hi-" + call_id;
  call.user_id = "Practitioner/example";
  call.patient_key = "7f3a0c1d9e2b4a68c5d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6";
  call.http_status = 200;
  call.latency_us = 1834;
  call.rules = {{"hbv-serology-missing", RuleOutcome::kFired},
                {"hbv-prophylaxis-missing", RuleOutcome::kNotApplicable},
                {"rituximab-dose", RuleOutcome::kDataUnavailable},
                {"igm-flare", RuleOutcome::kFailed}};
  call.data_sources = {{"patient", DataSource::kPrefetch},
                       {"labs", DataSource::kFetched},
                       {"conditions", DataSource::kFailed}};
  call.suppressed = {
      {"neuropathy-screening", SuppressionReason::kRememberedOverride, "done-elsewhere"},
      {"b12-check", SuppressionReason::kSnoozed, ""}};
  IssuedCard card = MakeCard("card-" + call_id, call.hook_instance);
  card.rule_id = "hbv-serology-missing";
  card.indicator = "critical";
  card.issued_at = at;
  card.summary = "Rituximab ordered without hepatitis B serology";
  card.patient_key = call.patient_key;
  card.user_id = call.user_id;
  card.encounter_key = "e1";
  card.evidence_fingerprint = "fp-1";
  card.override_reasons = {
      {"urn:neuro-cds:override", "serology-elsewhere", "Serology done elsewhere"},
      {"urn:neuro-cds:override", "not-indicated", "Not indicated"}};
  IssuedCard second = card;
  second.card_uuid = "card-" + call_id + "-b";
  second.indicator = "info";
  second.override_reasons.clear();
  second.suggestion_uuids.clear();
  call.cards = {card, second};
  return call;
}

TEST_P(StoreTest, HookCallRoundTripsWithEverythingItRecords) {
  const HookCallRecord call = MakeCall("call-1", 1'700'000'000'000);
  ASSERT_OK(store_->RecordHookCalls({call}));
  auto found = store_->FindHookCall("call-1");
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  const HookCallRecord& got = **found;
  EXPECT_EQ(got.call_id, call.call_id);
  EXPECT_EQ(got.called_at, call.called_at);
  EXPECT_EQ(got.service_id, call.service_id);
  EXPECT_EQ(got.hook, call.hook);
  EXPECT_EQ(got.hook_instance, call.hook_instance);
  EXPECT_EQ(got.user_id, call.user_id);
  EXPECT_EQ(got.patient_key, call.patient_key);
  EXPECT_EQ(got.http_status, call.http_status);
  EXPECT_EQ(got.latency_us, call.latency_us);
  EXPECT_EQ(got.rules, call.rules);  // evaluation order kept
  std::vector<DataSourceUse> sources = call.data_sources;
  std::sort(sources.begin(), sources.end(),
            [](const auto& a, const auto& b) { return a.prefetch_key < b.prefetch_key; });
  EXPECT_EQ(got.data_sources, sources);
  EXPECT_EQ(got.suppressed, call.suppressed);
  ASSERT_EQ(got.cards.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const IssuedCard& want = call.cards[i];  // already in uuid order
    const IssuedCard& have = got.cards[i];
    EXPECT_EQ(have.card_uuid, want.card_uuid);
    EXPECT_EQ(have.call_id, call.call_id);
    EXPECT_EQ(have.summary, want.summary);
    EXPECT_EQ(have.indicator, want.indicator);
    EXPECT_EQ(have.patient_key, want.patient_key);
    EXPECT_EQ(have.user_id, want.user_id);
    EXPECT_EQ(have.encounter_key, want.encounter_key);
    EXPECT_EQ(have.evidence_fingerprint, want.evidence_fingerprint);
    EXPECT_EQ(have.override_reasons, want.override_reasons);
    EXPECT_EQ(have.suggestion_uuids, want.suggestion_uuids);
  }
  // The audit's cards are issued cards: feedback can find them.
  auto card = store_->FindIssuedCard(call.cards[0].card_uuid);
  ASSERT_OK(card);
  ASSERT_TRUE(card->has_value());
  EXPECT_EQ((*card)->call_id, "call-1");

  auto missing = store_->FindHookCall("no-such-call");
  ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreTest, RecordingACallTwiceKeepsTheFirstRecord) {
  HookCallRecord call = MakeCall("call-1", 1'700'000'000'000);
  ASSERT_OK(store_->RecordHookCalls({call}));
  HookCallRecord retry = call;
  retry.latency_us = 99;
  retry.rules.pop_back();
  ASSERT_OK(store_->RecordHookCalls({retry, MakeCall("call-2", 1'700'000'000'000)}));
  auto found = store_->FindHookCall("call-1");
  ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->latency_us, call.latency_us);
  EXPECT_EQ((*found)->rules.size(), call.rules.size());
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM hook_call"), 2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM hook_call_rule"), 8);
}

TEST_P(StoreTest, ACallBreakingAConstraintStoresNothingOfItsBatch) {
  HookCallRecord bad = MakeCall("call-2", 1'700'000'000'000);
  bad.http_status = 42;
  EXPECT_THAT(store_->RecordHookCalls({MakeCall("call-1", 1'700'000'000'000), bad}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("call 1")));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM hook_call"), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM issued_card"), 0);
}

TEST_P(StoreTest, FeedbackIsLinkedToTheAuditRecordOfItsCard) {
  const HookCallRecord call = MakeCall("call-7", 1'700'000'000'000);
  ASSERT_OK(store_->RecordHookCalls({call}));
  ASSERT_OK(store_->RecordFeedback({MakeFeedback(call.cards[0].card_uuid)}));
  auto list = store_->ListFeedback(1);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].card_known);
  EXPECT_EQ((*list)[0].call_id, "call-7");
  EXPECT_EQ((*list)[0].rule_id, "hbv-serology-missing");
}

TEST_P(StoreTest, PurgeDeletesOldCallsWithTheirRulesSourcesAndSuppressions) {
  auto store = OpenStore(/*batch_size=*/2);
  ASSERT_OK(store);
  std::vector<HookCallRecord> calls;
  for (int i = 0; i < 5; ++i) calls.push_back(MakeCall("old-" + std::to_string(i), 100 + i));
  calls.push_back(MakeCall("new", 500));
  ASSERT_OK((*store)->RecordHookCalls(calls));
  auto purged = (*store)->PurgeHookCalls(200);
  ASSERT_OK(purged);
  EXPECT_EQ(*purged, 5);
  EXPECT_EQ(QueryText("SELECT call_id FROM hook_call"), "new");
  for (const char* child : {"hook_call_rule", "hook_call_data_source", "suppressed_card"}) {
    EXPECT_EQ(QueryText(std::string("SELECT DISTINCT call_id FROM ") + child), "new") << child;
  }
  // Issued cards follow their own retention.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM issued_card"), 12);
}

// --- Feedback and the alert-fatigue controls --------------------------------------------

TEST_P(StoreTest, OverrideWithoutDisplayGetsTheDisplayTheCardOffered) {
  const HookCallRecord call = MakeCall("call-1", 1'700'000'000'000);
  ASSERT_OK(store_->RecordHookCalls({call}));
  Feedback code_only = MakeFeedback(call.cards[0].card_uuid, "overridden", 1);
  code_only.override_system = "urn:neuro-cds:override";
  code_only.override_code = "not-indicated";
  Feedback other_system = MakeFeedback(call.cards[0].card_uuid, "overridden", 2);
  other_system.override_system = "urn:other";
  other_system.override_code = "not-indicated";
  Feedback own_display = MakeFeedback(call.cards[0].card_uuid, "overridden", 3);
  own_display.override_system = "urn:neuro-cds:override";
  own_display.override_code = "not-indicated";
  own_display.override_display = "As the clinician's EHR shows it";
  ASSERT_OK(store_->RecordFeedback({code_only, other_system, own_display}));
  auto list = store_->ListFeedback(3);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 3u);
  std::map<EpochMillis, std::string> display_by_time;
  for (const StoredFeedback& f : *list) {
    display_by_time[f.feedback.outcome_time] = f.feedback.override_display;
  }
  EXPECT_EQ(display_by_time[1], "Not indicated");
  EXPECT_EQ(display_by_time[2], "");
  EXPECT_EQ(display_by_time[3], "As the clinician's EHR shows it");
}

// A follow-up policy that remembers every override and snoozes every card, counting calls.
struct RecordingPolicy {
  std::vector<std::string> cards_seen;
  FeedbackFollowUpPolicy Policy() {
    return [this](const IssuedCard& card, const Feedback& item) {
      cards_seen.push_back(card.card_uuid);
      FeedbackFollowUp next;
      if (item.outcome == "overridden") {
        next.remember = RememberedOverride{
            card.patient_key,   card.rule_id,          item.override_system,
            item.override_code, item.override_display, card.evidence_fingerprint,
            card.card_uuid,     item.received_at,      item.received_at + 90 * kDay};
      }
      next.snooze = EncounterSnooze{card.user_id,   card.encounter_key, card.rule_id,
                                    card.card_uuid, item.received_at,   item.received_at + kDay};
      return next;
    };
  }
};

TEST_P(StoreTest, FeedbackStartsRememberedOverridesAndSnoozes) {
  const HookCallRecord call = MakeCall("call-1", 1'700'000'000'000);
  ASSERT_OK(store_->RecordHookCalls({call}));
  Feedback f = MakeFeedback(call.cards[0].card_uuid);
  f.override_system = "urn:neuro-cds:override";
  f.override_code = "serology-elsewhere";
  RecordingPolicy policy;
  auto results = store_->RecordFeedback({f, MakeFeedback("never-issued")}, policy.Policy());
  ASSERT_OK(results);
  // Asked only for the known card.
  EXPECT_THAT(policy.cards_seen, ElementsAre(call.cards[0].card_uuid));

  auto remembered = store_->FindRememberedOverrides(call.patient_key, f.received_at + 1);
  ASSERT_OK(remembered);
  ASSERT_EQ(remembered->size(), 1u);
  const RememberedOverride& r = (*remembered)[0];
  EXPECT_EQ(r.rule_id, "hbv-serology-missing");
  EXPECT_EQ(r.reason_code, "serology-elsewhere");
  EXPECT_EQ(r.reason_display, "Serology done elsewhere");  // filled before the policy ran
  EXPECT_EQ(r.evidence_fingerprint, "fp-1");
  EXPECT_EQ(r.card_uuid, call.cards[0].card_uuid);
  auto snoozes = store_->FindSnoozes(call.user_id, "e1", f.received_at + 1);
  ASSERT_OK(snoozes);
  ASSERT_EQ(snoozes->size(), 1u);
  EXPECT_EQ((*snoozes)[0].rule_id, "hbv-serology-missing");

  // A duplicate is not a new decision: the policy is not asked again.
  ASSERT_OK(store_->RecordFeedback({f}, policy.Policy()));
  EXPECT_EQ(policy.cards_seen.size(), 1u);
}

TEST_P(StoreTest, FollowUpsRollBackWithTheirFeedback) {
  const HookCallRecord call = MakeCall("call-1", 1'700'000'000'000);
  ASSERT_OK(store_->RecordHookCalls({call}));
  Feedback good = MakeFeedback(call.cards[0].card_uuid);
  good.override_code = "serology-elsewhere";
  Feedback bad = MakeFeedback("card-x");
  bad.outcome = "ignored";
  RecordingPolicy policy;
  EXPECT_THAT(store_->RecordFeedback({good, bad}, policy.Policy()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("item 1")));
  EXPECT_EQ(policy.cards_seen.size(), 1u);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM remembered_override"), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM encounter_snooze"), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM feedback"), 0);

  // And a follow-up the schema refuses fails its feedback: nothing is half-stored.
  FeedbackFollowUpPolicy broken = [](const IssuedCard& card, const Feedback&) {
    FeedbackFollowUp next;
    next.snooze = EncounterSnooze{"", "e1", card.rule_id, card.card_uuid, 10, 5};
    return next;
  };
  EXPECT_THAT(store_->RecordFeedback({good}, broken),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("item 0")));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM feedback"), 0);
}

RememberedOverride MakeOverride(const std::string& rule, EpochMillis created, EpochMillis expires,
                                const std::string& code = "done-elsewhere") {
  return RememberedOverride{
      "patient-key-1", rule,   "urn:neuro-cds:override", code, "Done elsewhere", "fp", "c-1",
      created,         expires};
}

TEST_P(StoreTest, RememberedOverridesAreFoundUntilTheyExpireAndOnlyNewerOnesReplaceThem) {
  ASSERT_OK(store_->RememberOverride(MakeOverride("rule-a", 100, 1000)));
  ASSERT_OK(store_->RememberOverride(MakeOverride("rule-b", 100, 500)));
  RememberedOverride other_patient = MakeOverride("rule-a", 100, 1000);
  other_patient.patient_key = "patient-key-2";
  ASSERT_OK(store_->RememberOverride(other_patient));

  auto at_400 = store_->FindRememberedOverrides("patient-key-1", 400);
  ASSERT_OK(at_400);
  ASSERT_EQ(at_400->size(), 2u);
  EXPECT_EQ((*at_400)[0], MakeOverride("rule-a", 100, 1000));
  EXPECT_EQ((*at_400)[1].rule_id, "rule-b");
  auto at_500 = store_->FindRememberedOverrides("patient-key-1", 500);
  ASSERT_OK(at_500);
  ASSERT_EQ(at_500->size(), 1u);
  EXPECT_EQ((*at_500)[0].rule_id, "rule-a");

  ASSERT_OK(store_->RememberOverride(MakeOverride("rule-a", 200, 3000, "newer")));
  ASSERT_OK(store_->RememberOverride(MakeOverride("rule-a", 150, 9000, "older")));
  auto now = store_->FindRememberedOverrides("patient-key-1", 2000);
  ASSERT_OK(now);
  ASSERT_EQ(now->size(), 1u);
  EXPECT_EQ((*now)[0], MakeOverride("rule-a", 200, 3000, "newer"));

  EXPECT_THAT(store_->RememberOverride(MakeOverride("rule-c", 100, 100)),
              StatusIs(StatusCode::kInvalidArgument, ::testing::_));
}

TEST_P(StoreTest, SnoozesAreScopedToUserAndEncounter) {
  ASSERT_OK(store_->SnoozeInEncounter({"Practitioner/1", "enc-1", "rule-a", "c-1", 100, 1000}));
  ASSERT_OK(store_->SnoozeInEncounter({"Practitioner/1", "enc-2", "rule-b", "c-2", 100, 1000}));
  ASSERT_OK(store_->SnoozeInEncounter({"Practitioner/2", "enc-1", "rule-c", "c-3", 100, 1000}));
  auto found = store_->FindSnoozes("Practitioner/1", "enc-1", 500);
  ASSERT_OK(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0], (EncounterSnooze{"Practitioner/1", "enc-1", "rule-a", "c-1", 100, 1000}));
  auto expired = store_->FindSnoozes("Practitioner/1", "enc-1", 1000);
  ASSERT_OK(expired);
  EXPECT_THAT(*expired, IsEmpty());
}

TEST_P(StoreTest, PurgeExpiredDeletesOnlyWhatHasExpired) {
  auto store = OpenStore(/*batch_size=*/2);
  ASSERT_OK(store);
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK((*store)->RecordJti("iss", "old-" + std::to_string(i), 100 + i, 0));
    ASSERT_OK((*store)->RememberOverride(MakeOverride("old-" + std::to_string(i), 1, 100 + i)));
  }
  ASSERT_OK((*store)->RecordJti("iss", "live", 1000, 0));
  ASSERT_OK((*store)->RememberOverride(MakeOverride("live", 1, 1000)));
  ASSERT_OK((*store)->SnoozeInEncounter({"u", "e", "old", "", 1, 150}));
  ASSERT_OK((*store)->SnoozeInEncounter({"u", "e", "live", "", 1, 1000}));
  auto purged = (*store)->PurgeExpired(200);
  ASSERT_OK(purged);
  EXPECT_EQ(purged->jtis, 5);
  EXPECT_EQ(purged->remembered_overrides, 5);
  EXPECT_EQ(purged->snoozes, 1);
  EXPECT_EQ(QueryText("SELECT jti FROM used_jti"), "live");
  EXPECT_EQ(QueryText("SELECT rule_id FROM remembered_override"), "live");
  EXPECT_EQ(QueryText("SELECT rule_id FROM encounter_snooze"), "live");
}

// --- Override analytics ------------------------------------------------------------------

// A month of calls, cards and feedback, generated from a fixed seed; the expected figures are
// computed from the generated records by definition (records.h), not by SQL.
struct AnalyticsData {
  std::vector<HookCallRecord> calls;
  std::vector<Feedback> feedback;
};

AnalyticsData GenerateAnalyticsData(EpochMillis start) {
  std::mt19937 rng(20261125);
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::vector<std::string> rules = {"rule-a", "rule-b", "rule-c"};
  const std::vector<OverrideReasonCoding> reasons = {
      {"urn:r", "elsewhere", "Done elsewhere"},
      {"urn:r", "not-indicated", "Not indicated"},
      {"urn:other", "elsewhere", "Other system"},
  };
  AnalyticsData data;
  int card_number = 0;
  for (int i = 0; i < 160; ++i) {
    // Calls every ~4.7 h over a month, so days and the range edges cut between them.
    HookCallRecord call = MakeCall("c" + std::to_string(i), start + i * 17'000'000LL);
    call.rules.clear();
    call.cards.clear();
    call.suppressed.clear();
    for (const std::string& rule : rules) {
      const RuleOutcome outcome = static_cast<RuleOutcome>(pick(5));
      call.rules.push_back({rule, outcome});
      if (outcome != RuleOutcome::kFired) continue;
      if (pick(4) == 0) {
        call.suppressed.push_back({rule, static_cast<SuppressionReason>(pick(3)), ""});
        continue;
      }
      IssuedCard card = MakeCard("card-" + std::to_string(card_number++), call.hook_instance);
      card.rule_id = rule;
      card.issued_at = call.called_at;
      card.override_reasons = reasons;
      card.suggestion_uuids = {"s1", "s2", "s3"};
      call.cards.push_back(card);
      EpochMillis t = card.issued_at + 60'000;
      for (int n = pick(3); n > 0; --n) {  // 0, 1 or 2 feedback items
        Feedback f = MakeFeedback(card.card_uuid, pick(2) == 0 ? "accepted" : "overridden", t);
        t += 1000;
        if (f.outcome == "accepted") {
          f.accepted_suggestions.assign(card.suggestion_uuids.begin(),
                                        card.suggestion_uuids.begin() + pick(4));
        } else if (pick(5) != 0) {
          const OverrideReasonCoding& reason = reasons[static_cast<size_t>(pick(3))];
          f.override_system = reason.system;
          f.override_code = reason.code;  // display filled by the store
        }
        data.feedback.push_back(f);
      }
    }
    data.calls.push_back(std::move(call));
  }
  return data;
}

OverrideAnalytics ExpectedAnalytics(const AnalyticsData& data, const AnalyticsRange& range) {
  auto day_of = [&range](EpochMillis t) { return (t + range.utc_offset_ms) / kDay; };
  auto in_range = [&range](EpochMillis t) { return t >= range.from && t < range.to; };
  std::map<std::pair<std::string, int64_t>, RuleDayStats> rule_days;
  auto stats = [&rule_days](const std::string& rule, int64_t day) -> RuleDayStats& {
    RuleDayStats& s = rule_days[{rule, day}];
    s.rule_id = rule;
    s.day = day;
    return s;
  };
  std::map<int64_t, DayStats> days;
  std::map<std::pair<std::string, SuppressionReason>, int64_t> suppressions;
  std::map<std::string, const IssuedCard*> card_by_uuid;
  std::map<std::tuple<std::string, std::string, std::string>, OverrideReasonStats> reasons;
  for (const HookCallRecord& call : data.calls) {
    for (const IssuedCard& card : call.cards) card_by_uuid[card.card_uuid] = &card;
    if (!in_range(call.called_at)) continue;
    const int64_t day = day_of(call.called_at);
    days[day].day = day;
    ++days[day].hook_calls;
    for (const RuleEvaluation& r : call.rules) {
      RuleDayStats& s = stats(r.rule_id, day);
      ++s.evaluations;
      int64_t* counters[] = {&s.fired, &s.not_applicable, &s.insufficient_data, &s.data_unavailable,
                             &s.failed};
      ++*counters[static_cast<int>(r.outcome)];
    }
    for (const SuppressedCard& sc : call.suppressed) {
      ++stats(sc.rule_id, day).suppressed;
      ++suppressions[{sc.rule_id, sc.reason}];
    }
  }
  std::map<std::string, const Feedback*> latest;
  for (const Feedback& f : data.feedback) {
    const IssuedCard& card = *card_by_uuid.at(f.card_uuid);
    if (!in_range(card.issued_at)) continue;
    const Feedback*& last = latest[f.card_uuid];
    if (last == nullptr || f.outcome_time > last->outcome_time) last = &f;
    if (f.outcome == "accepted") {
      stats(card.rule_id, day_of(card.issued_at)).suggestions_accepted +=
          static_cast<int64_t>(f.accepted_suggestions.size());
    } else {
      std::string display;
      for (const OverrideReasonCoding& c : card.override_reasons) {
        if (c.system == f.override_system && c.code == f.override_code) display = c.display;
      }
      OverrideReasonStats& r = reasons[{card.rule_id, f.override_system, f.override_code}];
      r = {card.rule_id, f.override_system, f.override_code, display, r.count + 1};
    }
  }
  for (const auto& [uuid, card] : card_by_uuid) {
    if (!in_range(card->issued_at)) continue;
    const int64_t day = day_of(card->issued_at);
    RuleDayStats& s = stats(card->rule_id, day);
    ++s.cards_issued;
    ++days[day].cards_issued;
    days[day].day = day;
    auto it = latest.find(uuid);
    if (it == latest.end()) {
      ++s.ignored;
    } else {
      ++(it->second->outcome == "accepted" ? s.accepted : s.overridden);
    }
  }
  OverrideAnalytics out;
  for (const auto& [day, d] : days) out.days.push_back(d);
  for (const auto& [key, s] : rule_days) out.rule_days.push_back(s);
  for (const auto& [key, r] : reasons) out.override_reasons.push_back(r);
  std::sort(out.override_reasons.begin(), out.override_reasons.end(),
            [](const OverrideReasonStats& a, const OverrideReasonStats& b) {
              return std::tie(a.rule_id, b.count, a.system, a.code) <
                     std::tie(b.rule_id, a.count, b.system, b.code);
            });
  for (const auto& [key, n] : suppressions) out.suppressions.push_back({key.first, key.second, n});
  return out;
}

TEST_P(StoreTest, OverrideAnalyticsPerRuleAndDay) {
  const EpochMillis start = 20'000 * kDay;  // 2024-10-04T00:00Z
  const AnalyticsData data = GenerateAnalyticsData(start);
  ASSERT_OK(store_->RecordHookCalls(data.calls));
  ASSERT_OK(store_->RecordFeedback(data.feedback));

  // Days in CET (UTC+1); the range starts and ends mid-stream.
  AnalyticsRange range{start + 3 * kDay - 3'600'000, start + 24 * kDay - 3'600'000, 3'600'000};
  const OverrideAnalytics expected = ExpectedAnalytics(data, range);
  ASSERT_GT(expected.days.size(), 15u);  // the data exercises what it should
  ASSERT_GT(expected.override_reasons.size(), 5u);
  ASSERT_FALSE(expected.suppressions.empty());

  auto got = store_->QueryOverrideAnalytics(range);
  ASSERT_OK(got);
  EXPECT_EQ(got->days, expected.days);
  EXPECT_EQ(got->rule_days, expected.rule_days);
  EXPECT_EQ(got->override_reasons, expected.override_reasons);
  EXPECT_EQ(got->suppressions, expected.suppressions);

  auto empty = store_->QueryOverrideAnalytics({start - 10 * kDay, start - 5 * kDay, 0});
  ASSERT_OK(empty);
  EXPECT_THAT(empty->days, IsEmpty());
  EXPECT_THAT(empty->rule_days, IsEmpty());
  EXPECT_THAT(store_->QueryOverrideAnalytics({start, start - 1, 0}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("range")));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgresql), BackendName);

}  // namespace
}  // namespace cds::store::testing
