#include "base/ascii.h"

#include <gtest/gtest.h>

namespace cds {
namespace {

TEST(AsciiTest, LowerMapsOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("HTTP/1.1 IgM-Kappa"), "http/1.1 igm-kappa");
  EXPECT_EQ(AsciiLower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // UTF-8 bytes untouched
  EXPECT_EQ(AsciiLower(""), "");
}

TEST(AsciiTest, UpperMapsOnlyAsciiLetters) {
  EXPECT_EQ(AsciiUpper("q.h.s. bid"), "Q.H.S. BID");
  EXPECT_EQ(AsciiUpper("\xC3\xA9t\xC3\xA9"), "\xC3\xA9T\xC3\xA9");  // UTF-8 bytes untouched
  EXPECT_EQ(AsciiUpper(""), "");
}

TEST(AsciiTest, EqualsIgnoreCase) {
  EXPECT_TRUE(EqualsIgnoreAsciiCase("Content-Length", "content-LENGTH"));
  EXPECT_TRUE(EqualsIgnoreAsciiCase("", ""));
  EXPECT_FALSE(EqualsIgnoreAsciiCase("mg/dL", "mg/d"));
  EXPECT_FALSE(EqualsIgnoreAsciiCase("mg", "mh"));
  EXPECT_FALSE(EqualsIgnoreAsciiCase("\xC3\xA9", "\xC3\x89"));  // not Unicode folding
}

TEST(AsciiTest, StripBlanks) {
  EXPECT_EQ(StripAsciiBlanks(" \t chunked \t"), "chunked");
  EXPECT_EQ(StripAsciiBlanks("a b"), "a b");
  EXPECT_EQ(StripAsciiBlanks(" \t "), "");
  EXPECT_EQ(StripAsciiBlanks("\nx\n"), "\nx\n");  // only spaces and tabs
}

}  // namespace
}  // namespace cds
