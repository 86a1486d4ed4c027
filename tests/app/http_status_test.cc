// app/http_status: the one place a Status becomes an HTTP status and an OperationOutcome
// body. Every StatusCode's HTTP status; the FHIR issue code of each HTTP status; 401 says
// nothing and a 500 never carries internal text; diagnostics from the EHR's input stay
// valid JSON.
#include "app/http_status.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace cds::app {
namespace {

struct StatusCase {
  std::string name;
  StatusCode code;
  int http;
};
void PrintTo(const StatusCase& c, std::ostream* os) { *os << c.name; }

class HttpStatusForTest : public ::testing::TestWithParam<StatusCase> {};

TEST_P(HttpStatusForTest, Maps) {
  EXPECT_EQ(HttpStatusFor(Status(GetParam().code, "m")), GetParam().http);
}

INSTANTIATE_TEST_SUITE_P(
    Codes, HttpStatusForTest,
    ::testing::Values(StatusCase{"Ok", StatusCode::kOk, 200},
                      StatusCase{"InvalidArgument", StatusCode::kInvalidArgument, 400},
                      StatusCase{"Unauthenticated", StatusCode::kUnauthenticated, 401},
                      StatusCase{"PermissionDenied", StatusCode::kPermissionDenied, 403},
                      StatusCase{"NotFound", StatusCode::kNotFound, 404},
                      // The rules need data that cannot be obtained: the CDS Hooks answer.
                      StatusCase{"FailedPrecondition", StatusCode::kFailedPrecondition, 412},
                      StatusCase{"ResourceExhausted", StatusCode::kResourceExhausted, 413},
                      StatusCase{"UnsupportedMediaType", StatusCode::kUnsupportedMediaType, 415},
                      StatusCase{"Unavailable", StatusCode::kUnavailable, 503},
                      StatusCase{"DeadlineExceeded", StatusCode::kDeadlineExceeded, 503},
                      StatusCase{"Internal", StatusCode::kInternal, 500}),
    [](const auto& row) { return row.param.name; });

// The single issue of an OperationOutcome body; fails the test unless the body is one.
const rapidjson::Value* Issue(const rapidjson::Document& d, const std::string& body) {
  EXPECT_FALSE(d.HasParseError()) << body;
  if (d.HasParseError() || !d.IsObject()) return nullptr;
  EXPECT_STREQ(d["resourceType"].GetString(), "OperationOutcome") << body;
  EXPECT_TRUE(d["issue"].IsArray() && d["issue"].Size() == 1) << body;
  if (!d["issue"].IsArray() || d["issue"].Size() != 1) return nullptr;
  const rapidjson::Value& issue = d["issue"][0];
  EXPECT_STREQ(issue["severity"].GetString(), "error") << body;
  return &issue;
}

struct OutcomeCase {
  int http;
  std::string issue_code;  // FHIR IssueType
  bool keeps_diagnostics;
};
void PrintTo(const OutcomeCase& c, std::ostream* os) { *os << c.http; }

class OperationOutcomeTest : public ::testing::TestWithParam<OutcomeCase> {};

TEST_P(OperationOutcomeTest, IssueCodeAndDiagnostics) {
  const OutcomeCase& c = GetParam();
  std::string body = OperationOutcomeJson(c.http, "detail \"quoted\"\nline two");
  rapidjson::Document d;
  d.Parse(body.c_str());
  const rapidjson::Value* issue = Issue(d, body);
  ASSERT_NE(issue, nullptr);
  EXPECT_STREQ((*issue)["code"].GetString(), c.issue_code.c_str()) << body;
  if (c.keeps_diagnostics) {
    ASSERT_TRUE(issue->HasMember("diagnostics")) << body;
    EXPECT_STREQ((*issue)["diagnostics"].GetString(), "detail \"quoted\"\nline two");
  } else if (issue->HasMember("diagnostics")) {
    EXPECT_EQ(std::string((*issue)["diagnostics"].GetString()).find("quoted"), std::string::npos)
        << "internal text leaked: " << body;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, OperationOutcomeTest,
    ::testing::Values(OutcomeCase{400, "invalid", true}, OutcomeCase{401, "login", false},
                      OutcomeCase{403, "forbidden", true}, OutcomeCase{404, "not-found", true},
                      OutcomeCase{405, "not-supported", true}, OutcomeCase{408, "timeout", true},
                      OutcomeCase{412, "incomplete", true}, OutcomeCase{413, "too-long", true},
                      OutcomeCase{414, "too-long", true}, OutcomeCase{415, "not-supported", true},
                      OutcomeCase{431, "too-long", true}, OutcomeCase{500, "exception", false},
                      OutcomeCase{501, "not-supported", true}, OutcomeCase{503, "transient", true}),
    [](const auto& row) { return std::to_string(row.param.http); });

TEST(OperationOutcomeTest, UnauthenticatedSaysNothing) {
  std::string body = OperationOutcomeFor(UnauthenticatedError("[CDS-AUTH-11] token expired"));
  EXPECT_EQ(body,
            R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"login"}]})");
}

TEST(OperationOutcomeTest, InternalErrorsCarryAFixedSentence) {
  std::string body = OperationOutcomeFor(InternalError("std::bad_alloc in RuleX at 0x7f"));
  rapidjson::Document d;
  d.Parse(body.c_str());
  const rapidjson::Value* issue = Issue(d, body);
  ASSERT_NE(issue, nullptr);
  EXPECT_STREQ((*issue)["diagnostics"].GetString(), "internal error; the event is logged");
}

TEST(OperationOutcomeTest, EmptyDiagnosticsAreOmitted) {
  std::string body = OperationOutcomeJson(404, "");
  EXPECT_EQ(body.find("diagnostics"), std::string::npos) << body;
}

TEST(OperationOutcomeTest, ForAStatusUsesItsHttpStatusAndMessage) {
  std::string body = OperationOutcomeFor(FailedPreconditionError("hbvSerology: not in prefetch"));
  rapidjson::Document d;
  d.Parse(body.c_str());
  const rapidjson::Value* issue = Issue(d, body);
  ASSERT_NE(issue, nullptr);
  EXPECT_STREQ((*issue)["code"].GetString(), "incomplete");
  EXPECT_STREQ((*issue)["diagnostics"].GetString(), "hbvSerology: not in prefetch");
}

}  // namespace
}  // namespace cds::app
