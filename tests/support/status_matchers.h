// GoogleTest matchers for cds::Status and cds::StatusOr, in the manner of abseil's.
//
//   EXPECT_THAT(s, IsOk());
//   EXPECT_THAT(s, StatusIs(cds::StatusCode::kInvalidArgument, HasSubstr("patientId")));
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status.h"

namespace cds::testing {

inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
const Status& GetStatus(const StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s.ToString();
  return s.ok();
}

MATCHER_P2(StatusIs, code, message_matcher, "") {
  const Status& s = GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, s.message(), result_listener);
}

}  // namespace cds::testing

#define ASSERT_OK(expr) ASSERT_THAT((expr), ::cds::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::cds::testing::IsOk())
