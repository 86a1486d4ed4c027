// base/decimal: rounding that restores the decimal a computation stands for, and numbers
// written as clinicians read them.
#include "base/decimal.h"

#include <gtest/gtest.h>

namespace cds {
namespace {

TEST(RoundToSignificantDigitsTest, KeepsDecimals) {
  EXPECT_EQ(RoundToSignificantDigits(0.1 * 3), 0.3);
  EXPECT_EQ(RoundToSignificantDigits(24.0 / 8 * 20), 60);
  EXPECT_EQ(RoundToSignificantDigits(0), 0);
}

TEST(FormatNumberTest, WritesNumbersWithoutNoise) {
  EXPECT_EQ(FormatNumber(4), "4");
  EXPECT_EQ(FormatNumber(0.05), "0.05");
  EXPECT_EQ(FormatNumber(4.2), "4.2");
  EXPECT_EQ(FormatNumber(1500000), "1500000");
  EXPECT_EQ(FormatNumber(-2500000), "-2500000");
  EXPECT_EQ(FormatNumber(1e-7), "1e-07");
}

}  // namespace
}  // namespace cds
