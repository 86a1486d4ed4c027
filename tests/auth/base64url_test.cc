#include "auth/base64url.h"

#include <string>

#include "tests/support/status_matchers.h"

namespace cds::auth {
namespace {

using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

TEST(Base64UrlTest, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
    StatusOr<std::string> decoded = Base64UrlDecode(Base64UrlEncode(bytes));
    ASSERT_OK(decoded);
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base64UrlTest, MatchesRfc4648Vectors) {
  // RFC 4648 §10, with padding removed and the url-safe alphabet.
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8").value(), "\xfb\xff");
  EXPECT_EQ(Base64UrlDecode("Zm9vYg").value(), "foob");
}

TEST(Base64UrlTest, RejectsStandardAlphabetPaddingAndWhitespace) {
  for (const char* bad : {"+/8", "Zg==", "Zm9\n", "Zm 9", "Zm9.", "Zm9\x80"}) {
    EXPECT_THAT(Base64UrlDecode(bad),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid character")))
        << bad;
  }
}

TEST(Base64UrlTest, RejectsImpossibleLength) {
  EXPECT_THAT(Base64UrlDecode("Zm9vY"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("impossible length")));
}

TEST(Base64UrlTest, RejectsNonCanonicalTrailingBits) {
  // "Zg" is the only canonical spelling of "f"; "Zh" carries a stray low bit.
  EXPECT_THAT(Base64UrlDecode("Zh"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("trailing bits")));
  EXPECT_THAT(Base64UrlDecode("Zm9"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("trailing bits")));
}

}  // namespace
}  // namespace cds::auth
