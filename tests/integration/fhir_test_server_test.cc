// Checks the FHIR test server (tests/fhir_server/server.mjs) and its launcher
// (tests/support/fhir_test_server.h): FHIR read and search with paging, and every test-control
// knob the other integration tests rely on.
#include "tests/support/fhir_test_server.h"

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "base/json.h"

#include "tests/support/status_matchers.h"

namespace cds::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kPatientId = "pat-1";

// A Patient and five Observations for it (LOINC 5196-1, hepatitis B surface antigen), one of
// which is linked by a Synthea-style urn:uuid reference, plus one Observation with another code.
constexpr std::string_view kBundle = R"json({
  "resourceType": "Bundle",
  "type": "transaction",
  "entry": [
    {"fullUrl": "urn:uuid:9b3c1f2e-0d7a-4c55-9a51-2f0e8c6d4b11",
     "resource": {"resourceType": "Patient", "id": "pat-1",
                  "name": [{"family": "Testpatient", "given": ["Ada"]}],
                  "birthDate": "1980-02-03"},
     "request": {"method": "PUT", "url": "Patient/pat-1"}},
    {"resource": {"resourceType": "Observation", "id": "obs-1", "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "5196-1"}]},
                  "subject": {"reference": "Patient/pat-1"},
                  "effectiveDateTime": "2021-01-01T08:00:00Z"},
     "request": {"method": "PUT", "url": "Observation/obs-1"}},
    {"resource": {"resourceType": "Observation", "id": "obs-2", "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "5196-1"}]},
                  "subject": {"reference": "Patient/pat-1"},
                  "effectiveDateTime": "2022-01-01T08:00:00Z"},
     "request": {"method": "PUT", "url": "Observation/obs-2"}},
    {"resource": {"resourceType": "Observation", "id": "obs-3", "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "5196-1"}]},
                  "subject": {"reference": "Patient/pat-1"},
                  "effectiveDateTime": "2023-01-01T08:00:00Z"},
     "request": {"method": "PUT", "url": "Observation/obs-3"}},
    {"resource": {"resourceType": "Observation", "id": "obs-4", "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "5196-1"}]},
                  "subject": {"reference": "Patient/pat-1"},
                  "effectiveDateTime": "2024-01-01T08:00:00Z"},
     "request": {"method": "PUT", "url": "Observation/obs-4"}},
    {"fullUrl": "urn:uuid:4f1d7f0c-8a3e-4b1b-9c2d-6e5a4b3c2d1e",
     "resource": {"resourceType": "Observation", "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "5196-1"}]},
                  "subject": {"reference": "urn:uuid:9b3c1f2e-0d7a-4c55-9a51-2f0e8c6d4b11"},
                  "effectiveDateTime": "2025-01-01T08:00:00Z"},
     "request": {"method": "POST", "url": "Observation"}},
    {"resource": {"resourceType": "Observation", "id": "obs-other", "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "16935-9"}]},
                  "subject": {"reference": "Patient/pat-1"},
                  "effectiveDateTime": "2020-01-01T08:00:00Z"},
     "request": {"method": "PUT", "url": "Observation/obs-other"}}
  ]
})json";

std::unique_ptr<json::Document> Parse(const std::string& text) {
  auto doc = json::ParseJson(text, json::JsonLimits{});
  EXPECT_OK(doc);
  if (!doc.ok()) return nullptr;
  return std::move(doc).value();
}

// The path and query of an absolute URL that must start with `origin` ("http://127.0.0.1:N").
std::string PathOf(const std::string& url, const std::string& origin) {
  EXPECT_THAT(url, StartsWith(origin));
  return url.substr(origin.size());
}

std::string NextLink(const json::Value& bundle) {
  const json::Value* links = json::GetArray(bundle, "link");
  if (links == nullptr) return "";
  for (const json::Value& link : links->GetArray()) {
    if (json::GetString(link, "relation") == "next") {
      return std::string(json::GetString(link, "url").value_or(""));
    }
  }
  return "";
}

// One server for the suite (starting node takes most of a second); each test starts from a
// reset server with kBundle loaded.
class FhirTestServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_reason_ = new std::string;
    server_ = FhirTestServer::Start(skip_reason_).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete skip_reason_;
    skip_reason_ = nullptr;
  }

  void SetUp() override {
    if (server_ == nullptr) GTEST_SKIP() << *skip_reason_;
    origin_ = "http://127.0.0.1:" + std::to_string(server_->port());
    ASSERT_OK(server_->Reset());
    ASSERT_OK(server_->Load(std::string(kBundle)));
  }

  std::unique_ptr<httplib::Client> Client() {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client->set_connection_timeout(5);
    client->set_read_timeout(10);
    return client;
  }

  // GET base_url + relative, e.g. "/Patient/pat-1".
  httplib::Result Get(const std::string& relative, const httplib::Headers& headers = {}) {
    return Client()->Get("/fhir/R4" + relative, headers);
  }

  static FhirTestServer* server_;
  static std::string* skip_reason_;
  std::string origin_;
};

FhirTestServer* FhirTestServerTest::server_ = nullptr;
std::string* FhirTestServerTest::skip_reason_ = nullptr;

TEST_F(FhirTestServerTest, BaseUrlIsLoopbackFhirR4) {
  EXPECT_EQ(server_->base_url(), origin_ + "/fhir/R4");
  EXPECT_GT(server_->port(), 0);
  EXPECT_TRUE(server_->running());
}

TEST_F(FhirTestServerTest, ReadsPatientById) {
  httplib::Result r = Get("/Patient/" + std::string(kPatientId));
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->get_header_value("Content-Type"), StartsWith("application/fhir+json"));
  auto doc = Parse(r->body);
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(json::GetString(*doc, "resourceType"), "Patient");
  EXPECT_EQ(json::GetString(*doc, "id"), kPatientId);

  httplib::Result missing = Get("/Patient/nobody");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_THAT(missing->body, HasSubstr("OperationOutcome"));
}

TEST_F(FhirTestServerTest, SearchPagesThroughNextLinks) {
  std::string path = "/fhir/R4/Observation?patient=" + std::string(kPatientId) +
                     "&code=http://loinc.org|5196-1&_sort=-date&_count=2";
  std::set<std::string> ids;
  std::string last_date = "9999";
  int pages = 0;
  auto client = Client();
  while (!path.empty()) {
    ASSERT_LT(++pages, 10) << "too many pages";
    httplib::Result r = client->Get(path);
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    ASSERT_EQ(r->status, 200) << r->body;
    auto doc = Parse(r->body);
    ASSERT_NE(doc, nullptr);
    EXPECT_EQ(json::GetString(*doc, "type"), "searchset");
    EXPECT_EQ(json::GetInt64(*doc, "total"), 5);
    const json::Value* entries = json::GetArray(*doc, "entry");
    ASSERT_NE(entries, nullptr) << r->body;
    EXPECT_LE(entries->Size(), 2u);
    for (const json::Value& entry : entries->GetArray()) {
      const json::Value* resource = json::GetObject(entry, "resource");
      ASSERT_NE(resource, nullptr);
      std::string id(json::GetString(*resource, "id").value_or(""));
      EXPECT_EQ(json::GetString(entry, "fullUrl"), server_->base_url() + "/Observation/" + id);
      std::string date(json::GetString(*resource, "effectiveDateTime").value_or(""));
      EXPECT_LT(date, last_date) << "_sort=-date is newest first";
      last_date = date;
      EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
    }
    std::string next = NextLink(*doc);
    path = next.empty() ? "" : PathOf(next, origin_);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_TRUE(ids.contains("obs-1"));
  EXPECT_TRUE(ids.contains("4f1d7f0c-8a3e-4b1b-9c2d-6e5a4b3c2d1e")) << "urn:uuid id and reference";
  EXPECT_FALSE(ids.contains("obs-other"));
}

TEST_F(FhirTestServerTest, SearchAcceptsCodeListsAndSubject) {
  httplib::Result r = Get("/Observation?subject=Patient/" + std::string(kPatientId) +
                          "&code=http://loinc.org|5196-1,http://loinc.org|16935-9&_count=100");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto doc = Parse(r->body);
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(json::GetInt64(*doc, "total"), 6);
  EXPECT_EQ(NextLink(*doc), "");

  httplib::Result unknown = Get("/Observation?no-such-param=1");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
}

TEST_F(FhirTestServerTest, RecordsRequestsWithAuthorization) {
  ASSERT_OK(server_->ClearRequests());
  ASSERT_TRUE(Get("/Patient/pat-1", {{"Authorization", "Bearer token-abc"}}));
  ASSERT_TRUE(Get("/Observation?patient=pat-1"));
  StatusOr<std::string> requests = server_->Requests();
  ASSERT_OK(requests);
  auto doc = Parse(*requests);
  ASSERT_NE(doc, nullptr);
  ASSERT_TRUE(doc->IsArray()) << *requests;
  ASSERT_EQ(doc->Size(), 2u) << *requests;
  const json::Value& first = (*doc)[0];
  EXPECT_EQ(json::GetString(first, "method"), "GET");
  EXPECT_EQ(json::GetString(first, "url"), "/fhir/R4/Patient/pat-1");
  EXPECT_EQ(json::GetString(first, "authorization"), "Bearer token-abc");
  const json::Value* no_auth = json::Find((*doc)[1], "authorization");
  ASSERT_NE(no_auth, nullptr);
  EXPECT_TRUE(no_auth->IsNull());

  ASSERT_OK(server_->ClearRequests());
  StatusOr<std::string> cleared = server_->Requests();
  ASSERT_OK(cleared);
  EXPECT_EQ(*cleared, "[]");
}

TEST_F(FhirTestServerTest, RequireTokenAnswers401WithoutIt) {
  ASSERT_OK(server_->Configure(R"({"requireToken": "s3cret"})"));
  httplib::Result without = Get("/Patient/pat-1");
  ASSERT_TRUE(without);
  EXPECT_EQ(without->status, 401);
  EXPECT_THAT(without->body, HasSubstr("OperationOutcome"));

  httplib::Result wrong = Get("/Patient/pat-1", {{"Authorization", "Bearer other"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);

  httplib::Result with = Get("/Patient/pat-1", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(with);
  EXPECT_EQ(with->status, 200);
}

TEST_F(FhirTestServerTest, DelayMsDelaysResponses) {
  ASSERT_OK(server_->Configure(R"({"delayMs": 400})"));
  auto start = std::chrono::steady_clock::now();
  httplib::Result r = Get("/Patient/pat-1");
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_GE(elapsed, std::chrono::milliseconds(400));

  ASSERT_OK(server_->Configure(R"({"delayMs": null})"));
  start = std::chrono::steady_clock::now();
  ASSERT_TRUE(Get("/Patient/pat-1"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(400));
}

TEST_F(FhirTestServerTest, FailStatusAnswersEveryRequest) {
  ASSERT_OK(server_->Configure(R"({"failStatus": 503})"));
  httplib::Result r = Get("/Patient/pat-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_THAT(r->body, HasSubstr("OperationOutcome"));
  httplib::Result search = Get("/Observation?patient=pat-1");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, 503);
}

TEST_F(FhirTestServerTest, RedirectToAnswers302WithLocation) {
  ASSERT_OK(server_->Configure(R"({"redirectTo": "http://127.0.0.1:1"})"));
  httplib::Result r = Get("/Patient/pat-1?_format=json");  // httplib does not follow by default.
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(r->get_header_value("Location"),
            "http://127.0.0.1:1/fhir/R4/Patient/pat-1?_format=json");
}

TEST_F(FhirTestServerTest, OperationOutcomeForReplacesSearchBundle) {
  ASSERT_OK(server_->Configure(R"({"operationOutcomeFor": "Observation"})"));
  httplib::Result r = Get("/Observation?patient=pat-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto doc = Parse(r->body);
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(json::GetString(*doc, "resourceType"), "OperationOutcome");

  httplib::Result read = Get("/Patient/pat-1");  // Other types and reads are untouched.
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
}

TEST_F(FhirTestServerTest, ConfigureRejectsUnknownFields) {
  EXPECT_THAT(server_->Configure(R"({"delay": 5})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown config field")));
}

TEST_F(FhirTestServerTest, ResetEmptiesRepositoryAndConfig) {
  ASSERT_OK(server_->Configure(R"({"failStatus": 500})"));
  ASSERT_OK(server_->Reset());
  httplib::Result r = Get("/Patient/pat-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  StatusOr<std::string> requests = server_->Requests();
  ASSERT_OK(requests);
  EXPECT_THAT(*requests, HasSubstr("/fhir/R4/Patient/pat-1"));
}

TEST(FhirTestServerStopTest, StopRefusesConnections) {
  std::string skip_reason;
  std::unique_ptr<FhirTestServer> server = FhirTestServer::Start(&skip_reason);
  if (server == nullptr) GTEST_SKIP() << skip_reason;
  EXPECT_TRUE(server->running());
  int port = server->port();
  server->Stop();
  EXPECT_FALSE(server->running());
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2);
  httplib::Result r = client.Get("/fhir/R4/Patient/pat-1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), httplib::Error::Connection);
  EXPECT_THAT(server->Reset(), StatusIs(StatusCode::kUnavailable, HasSubstr("Connection")));
  server->Stop();  // Idempotent; the destructor calls it again.
}

TEST(FhirTestServerStopTest, TwoServersRunSideBySide) {
  std::string skip_reason;
  std::unique_ptr<FhirTestServer> first = FhirTestServer::Start(&skip_reason);
  if (first == nullptr) GTEST_SKIP() << skip_reason;
  std::unique_ptr<FhirTestServer> second = FhirTestServer::Start(&skip_reason);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first->port(), second->port()) << "each server gets its own ephemeral port";
}

}  // namespace
}  // namespace cds::testing
