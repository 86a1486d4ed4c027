#include "base/uuid.h"

#include <set>

#include <gtest/gtest.h>

namespace cds {
namespace {

TEST(UuidTest, Version4AndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string u = NewUuid();
    ASSERT_TRUE(IsUuid(u)) << u;
    EXPECT_EQ(u[14], '4');
    EXPECT_TRUE(u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b');
    EXPECT_TRUE(seen.insert(u).second);
  }
}

TEST(UuidTest, IsUuidRejectsOtherShapes) {
  EXPECT_TRUE(IsUuid("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"));
  EXPECT_TRUE(IsUuid("D1577C69-DFBE-44AD-BA6D-3E05E953B2EA"));
  EXPECT_FALSE(IsUuid("d1577c69dfbe44adba6d3e05e953b2ea"));
  EXPECT_FALSE(IsUuid("d1577c69-dfbe-44ad-ba6d-3e05e953b2eg"));
  EXPECT_FALSE(IsUuid(""));
}

}  // namespace
}  // namespace cds
