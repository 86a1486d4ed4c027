#include "auth/replay_cache.h"

#include <gtest/gtest.h>

namespace cds::auth {
namespace {

using Result = ReplayCache::Result;

TEST(ReplayCacheTest, SecondUseOfAJtiIsAReplay) {
  ReplayCache cache(10);
  EXPECT_EQ(cache.Record("iss", "j1", 200, 100), Result::kRecorded);
  EXPECT_EQ(cache.Record("iss", "j1", 200, 150), Result::kReplay);
  EXPECT_EQ(cache.Record("iss", "j2", 200, 150), Result::kRecorded);
}

TEST(ReplayCacheTest, JtisAreScopedByIssuerWithoutAmbiguity) {
  ReplayCache cache(10);
  EXPECT_EQ(cache.Record("other", "j1", 200, 100), Result::kRecorded);
  EXPECT_EQ(cache.Record("iss", "j1", 200, 100), Result::kRecorded);
  // Plain concatenation would make ("ab","c") collide with ("a","bc").
  EXPECT_EQ(cache.Record("ab", "c", 200, 100), Result::kRecorded);
  EXPECT_EQ(cache.Record("a", "bc", 200, 100), Result::kRecorded);
}

TEST(ReplayCacheTest, ForgetsPairsOnlyAfterTheyExpire) {
  ReplayCache cache(10);
  EXPECT_EQ(cache.Record("iss", "j1", 200, 100), Result::kRecorded);
  EXPECT_EQ(cache.Record("iss", "j1", 200, 199), Result::kReplay);
  EXPECT_EQ(cache.Record("iss", "x", 300, 200), Result::kRecorded);  // evicts j1
  EXPECT_EQ(cache.size(), 1u);
}

TEST(ReplayCacheTest, WhenFullEvictsExpiredThenRefuses) {
  ReplayCache cache(2);
  EXPECT_EQ(cache.Record("iss", "a", 150, 100), Result::kRecorded);
  EXPECT_EQ(cache.Record("iss", "b", 300, 100), Result::kRecorded);
  // Full of live entries: refuse rather than forget "a" or "b".
  EXPECT_EQ(cache.Record("iss", "c", 300, 120), Result::kFull);
  EXPECT_EQ(cache.Record("iss", "a", 150, 120), Result::kReplay);
  // Once "a" has expired there is room again.
  EXPECT_EQ(cache.Record("iss", "c", 300, 150), Result::kRecorded);
  EXPECT_EQ(cache.Record("iss", "b", 300, 150), Result::kReplay);
  EXPECT_EQ(cache.size(), 2u);
}

}  // namespace
}  // namespace cds::auth
