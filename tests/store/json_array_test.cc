#include "store/json_array.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace cds::store {
namespace {

using ::cds::testing::StatusIs;
using ::testing::HasSubstr;
using std::string_literals::operator""s;

TEST(JsonArrayTest, RoundTripsAnyBytesOfValidUtf8) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"e56e1945-20b3-4393-8503-a1a20fd73152"},
      {"", "\"quoted\"", "back\\slash", "new\nline", "nul\0inside"s, "caf\xC3\xA9"},
  };
  for (const auto& items : cases) {
    auto decoded = DecodeJsonStringArray(EncodeJsonStringArray(items));
    ASSERT_OK(decoded);
    EXPECT_EQ(*decoded, items);
  }
}

TEST(JsonArrayTest, EncodesAsCompactJson) {
  EXPECT_EQ(EncodeJsonStringArray({}), "[]");
  EXPECT_EQ(EncodeJsonStringArray({"a", "b\""}), R"(["a","b\""])");
}

TEST(JsonArrayTest, DecodeRefusesAnythingButAnArrayOfStrings) {
  EXPECT_THAT(DecodeJsonStringArray("{}"), StatusIs(StatusCode::kInternal, HasSubstr("array")));
  EXPECT_THAT(DecodeJsonStringArray("[1]"),
              StatusIs(StatusCode::kInternal, HasSubstr("non-string")));
  EXPECT_THAT(DecodeJsonStringArray("[\"a\""),
              StatusIs(StatusCode::kInternal, HasSubstr("stored string list")));
}

}  // namespace
}  // namespace cds::store
