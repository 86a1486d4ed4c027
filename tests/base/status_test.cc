#include "base/status.h"

#include "base/status_macros.h"

#include "tests/support/status_matchers.h"

namespace cds {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd");
  return x / 2;
}

StatusOr<int> Quarter(int x) {
  CDS_ASSIGN_OR_RETURN(int h, Half(x));
  CDS_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  CDS_RETURN_IF_ERROR(Half(x).status());
  return OkStatus();
}

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, WithContextPrependsAndKeepsCode) {
  Status s = UnavailableError("connection refused").WithContext("prefetch 'patient'");
  EXPECT_THAT(s, StatusIs(StatusCode::kUnavailable, "prefetch 'patient': connection refused"));
  EXPECT_THAT(OkStatus().WithContext("x"), IsOk());
}

TEST(StatusOrTest, ValueAndError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_THAT(Quarter(6), StatusIs(StatusCode::kInvalidArgument, HasSubstr("odd")));
  EXPECT_THAT(CheckEven(3), StatusIs(StatusCode::kInvalidArgument, "odd"));
  EXPECT_THAT(CheckEven(4), IsOk());
  EXPECT_EQ(Quarter(6).value_or(-1), -1);
}

TEST(StatusOrTest, OkStatusWithoutValueBecomesInternal) {
  StatusOr<int> s{OkStatus()};
  EXPECT_THAT(s, StatusIs(StatusCode::kInternal, HasSubstr("OK status")));
}

}  // namespace
}  // namespace cds
