// hooks::PatientData: the three states of a data key (ready / not fetched / unavailable)
// for every shape a prefetch value or a FHIR answer can take (null, OperationOutcome,
// paginated searchsets, keys this service did not ask for).
#include "hooks/patient_data.h"

#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

std::unique_ptr<json::Document> ParseDoc(std::string_view text) {
  auto doc = json::ParseJson(text, json::JsonLimits{});
  EXPECT_THAT(doc, IsOk());
  return std::move(doc).value();
}

CdsRequest RequestWithPrefetch(const std::string& key, const std::string& value_json) {
  auto r = CdsRequest::Parse(
      ParseDoc(R"({"hook":"patient-view","hookInstance":"h","context":{"patientId":"p1"},
      "prefetch":{")" +
               key + R"(":)" + value_json + "}}"),
      Hook::kPatientView);
  EXPECT_THAT(r, IsOk());
  return std::move(r).value();
}

std::string Obs(const std::string& id, const std::string& patient = "p1") {
  return R"({"resourceType":"Observation","id":")" + id + R"(","subject":{"reference":"Patient/)" +
         patient + R"("}})";
}

std::string Searchset(const std::vector<std::string>& resources, const std::string& extra = "") {
  std::string s = R"({"resourceType":"Bundle","type":"searchset")" + extra + R"(,"entry":[)";
  for (size_t i = 0; i < resources.size(); ++i) {
    if (i > 0) s += ",";
    s += R"({"fullUrl":"urn:uuid:00000000-0000-0000-0000-00000000000)" + std::to_string(i) +
         R"(","resource":)" + resources[i] + "}";
  }
  return s + "]}";
}

constexpr char kErrorOutcome[] =
    R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":"secret"}]})";
constexpr char kWarningOutcome[] =
    R"({"resourceType":"OperationOutcome","issue":[{"severity":"warning","code":"informational"}]})";

struct PrefetchCase {
  std::string name;
  std::string value;  // the prefetch value for key "labs"
  DataState state;
  size_t resources;
  std::string reason_or_next;  // substring of reason (unavailable) or next_page (not fetched)
};
void PrintTo(const PrefetchCase& c, std::ostream* os) { *os << c.name; }

class PrefetchValue : public ::testing::TestWithParam<PrefetchCase> {};

TEST_P(PrefetchValue, GivesState) {
  const PrefetchCase& c = GetParam();
  CdsRequest r = RequestWithPrefetch("labs", c.value);
  PatientData data("p1", 100);
  ASSERT_THAT(data.LoadRequest(r, {"labs"}), IsOk());
  const DataEntry* e = data.Find("labs");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->state, c.state);
  if (c.state == DataState::kReady) {
    EXPECT_EQ(e->resources.size(), c.resources);
  }
  if (c.state == DataState::kUnavailable) {
    EXPECT_THAT(e->reason, HasSubstr(c.reason_or_next));
    EXPECT_THAT(e->reason,
                ::testing::Not(HasSubstr("secret")));  // diagnostics may echo patient data
  }
  if (c.state == DataState::kNotFetched) {
    EXPECT_EQ(e->next_page, c.reason_or_next);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, PrefetchValue,
    ::testing::Values(
        // null and an empty searchset both mean "known: no data".
        PrefetchCase{"Null", "null", DataState::kReady, 0, ""},
        PrefetchCase{"EmptySearchset", Searchset({}), DataState::kReady, 0, ""},
        PrefetchCase{"SearchsetWithoutEntry",
                     R"({"resourceType":"Bundle","type":"searchset","total":0})", DataState::kReady,
                     0, ""},
        PrefetchCase{"Searchset", Searchset({Obs("o1"), Obs("o2")}), DataState::kReady, 2, ""},
        PrefetchCase{"SingleResource", R"({"resourceType":"Patient","id":"p1"})", DataState::kReady,
                     1, ""},
        // An OperationOutcome as the value, or an error entry in the searchset.
        PrefetchCase{"OperationOutcomeValue", kErrorOutcome, DataState::kUnavailable, 0,
                     "the EHR sent an OperationOutcome instead of data (error/processing)"},
        PrefetchCase{"SearchsetWithErrorOutcome", Searchset({Obs("o1"), kErrorOutcome}),
                     DataState::kUnavailable, 0,
                     "the search result carries an error OperationOutcome"},
        PrefetchCase{"SearchsetWithWarningOutcome", Searchset({Obs("o1"), kWarningOutcome}),
                     DataState::kReady, 1, ""},
        // cqf-ruler's legacy {"response": ..., "resource": ...} wrapper.
        PrefetchCase{
            "LegacyWrapper",
            R"({"response":{"status":"200 OK"},"resource":)" + Searchset({Obs("o1")}) + "}",
            DataState::kReady, 1, ""},
        // Not a resource (the spec's own example has "user": "123"): fetch it instead.
        PrefetchCase{"BareString", R"("123")", DataState::kNotFetched, 0, ""},
        PrefetchCase{"ObjectWithoutResourceType", R"({"id":"x"})", DataState::kNotFetched, 0, ""},
        PrefetchCase{"Array", "[]", DataState::kNotFetched, 0, ""},
        PrefetchCase{"LegacyWrapperWithoutResource", R"({"response":{"status":"404"}})",
                     DataState::kNotFetched, 0, ""},
        // A paginated prefetch is not complete; the next link is kept for fetching.
        PrefetchCase{"NextLink",
                     Searchset({Obs("o1")},
                               R"(,"link":[{"relation":"self","url":"https://ehr/fhir/Observation"},
                        {"relation":"next","url":"https://ehr/fhir/Observation?page=2"}])"),
                     DataState::kNotFetched, 0, "https://ehr/fhir/Observation?page=2"}),
    [](const auto& row) { return row.param.name; });

TEST(PatientData, KeysNotAskedForAreIgnoredAndAbsentKeysAreUnseen) {
  CdsRequest r = RequestWithPrefetch("other", Searchset({Obs("o1")}));
  PatientData data("p1", 100);
  ASSERT_THAT(data.LoadRequest(r, {"labs"}), IsOk());
  EXPECT_EQ(data.Find("other"), nullptr);  // a key the service did not ask for
  EXPECT_EQ(data.Find("labs"), nullptr);   // absent: not fetched
  EXPECT_EQ(data.resource_count(), 0u);
}

TEST(PatientData, ResourcesOfAnotherPatientAreDroppedAndCounted) {
  CdsRequest r = RequestWithPrefetch(
      "labs",
      Searchset(
          {Obs("mine"), Obs("theirs", "p2"), R"({"resourceType":"Patient","id":"p2"})",
           R"({"resourceType":"Observation","id":"nosubject"})",
           R"({"resourceType":"Condition","id":"c1","patient":{"reference":"Patient/p2"}})"}));
  PatientData data("p1", 100);
  ASSERT_THAT(data.LoadRequest(r, {"labs"}), IsOk());
  const DataEntry* e = data.Find("labs");
  ASSERT_NE(e, nullptr);
  ASSERT_EQ(e->resources.size(), 2u);  // "mine" and the one that names no patient
  EXPECT_EQ(data.foreign_resources_dropped(), 3u);
  EXPECT_NE(data.index().Find("Observation", "mine"), nullptr);
  EXPECT_EQ(data.index().Find("Observation", "theirs"), nullptr);
}

TEST(PatientData, IndexesFullUrlsAndDraftOrders) {
  auto r = CdsRequest::Parse(
      ParseDoc(R"({"hook":"order-sign","hookInstance":"h","context":{"patientId":"p1",
      "draftOrders":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationRequest","id":"d1",
      "subject":{"reference":"Patient/p1"}}}]}},"prefetch":{"labs":)" +
               Searchset({Obs("o1")}) + "}}"),
      Hook::kOrderSign);
  ASSERT_THAT(r, IsOk());
  PatientData data("p1", 100);
  ASSERT_THAT(data.LoadRequest(*r, {"labs"}), IsOk());
  const DataEntry* orders = data.Find("context.draftOrders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->state, DataState::kReady);
  EXPECT_EQ(orders->resources.size(), 1u);
  EXPECT_NE(data.index().Find("MedicationRequest", "d1"), nullptr);
  json::Value empty(rapidjson::kObjectType);
  EXPECT_NE(data.index().Resolve(empty, "urn:uuid:00000000-0000-0000-0000-000000000000"), nullptr);
}

TEST(PatientData, MaxResourcesIsResourceExhausted) {
  CdsRequest r = RequestWithPrefetch("labs", Searchset({Obs("o1"), Obs("o2"), Obs("o3")}));
  PatientData data("p1", 2);
  EXPECT_THAT(
      data.LoadRequest(r, {"labs"}),
      StatusIs(StatusCode::kResourceExhausted, "request carries more than 2 FHIR resources"));
}

TEST(PatientData, ForeignResourcesCountTowardsTheLimit) {
  CdsRequest r =
      RequestWithPrefetch("labs", Searchset({Obs("o1", "p2"), Obs("o2", "p2"), Obs("o3", "p2")}));
  PatientData data("p1", 2);
  EXPECT_THAT(data.LoadRequest(r, {"labs"}),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("more than 2")));
}

fhir::FhirResponse Response(StatusCode code, std::vector<std::string> pages,
                            bool truncated = false) {
  fhir::FhirResponse resp;
  resp.status = code == StatusCode::kOk ? OkStatus() : Status(code, "HTTP says no");
  for (const std::string& p : pages) resp.pages.push_back(ParseDoc(p));
  resp.truncated = truncated;
  return resp;
}

struct FetchCase {
  std::string name;
  StatusCode code;
  std::vector<std::string> pages;
  bool truncated;
  bool is_read;
  DataState state;
  size_t resources;
  std::string reason;
};
void PrintTo(const FetchCase& c, std::ostream* os) { *os << c.name; }

class Fetched : public ::testing::TestWithParam<FetchCase> {};

TEST_P(Fetched, GivesState) {
  const FetchCase& c = GetParam();
  PatientData data("p1", 100);
  ASSERT_THAT(data.AddFetched("k", Response(c.code, c.pages, c.truncated), c.is_read), IsOk());
  const DataEntry* e = data.Find("k");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->state, c.state);
  if (c.state == DataState::kReady) {
    EXPECT_EQ(e->resources.size(), c.resources);
  }
  EXPECT_THAT(e->reason, HasSubstr(c.reason));
}

INSTANTIATE_TEST_SUITE_P(
    Answers, Fetched,
    ::testing::Values(
        FetchCase{"Read",
                  StatusCode::kOk,
                  {R"({"resourceType":"Medication","id":"m1"})"},
                  false,
                  true,
                  DataState::kReady,
                  1,
                  ""},
        // A read that finds nothing is an answer: the resource does not exist.
        FetchCase{"ReadNotFound", StatusCode::kNotFound, {}, false, true, DataState::kReady, 0, ""},
        // A search URL answering 404 is a broken server, not "no results".
        FetchCase{"SearchNotFound",
                  StatusCode::kNotFound,
                  {},
                  false,
                  false,
                  DataState::kUnavailable,
                  0,
                  "HTTP says no"},
        FetchCase{"Unavailable",
                  StatusCode::kUnavailable,
                  {},
                  false,
                  false,
                  DataState::kUnavailable,
                  0,
                  "HTTP says no"},
        FetchCase{"DeadlineExceeded",
                  StatusCode::kDeadlineExceeded,
                  {},
                  false,
                  true,
                  DataState::kUnavailable,
                  0,
                  "HTTP says no"},
        FetchCase{"PermissionDenied",
                  StatusCode::kPermissionDenied,
                  {},
                  false,
                  false,
                  DataState::kUnavailable,
                  0,
                  "HTTP says no"},
        FetchCase{"Truncated",
                  StatusCode::kOk,
                  {Searchset({Obs("o1")})},
                  true,
                  false,
                  DataState::kUnavailable,
                  0,
                  "the FHIR search had more pages than the configured page cap"},
        FetchCase{"SeveralPages",
                  StatusCode::kOk,
                  {Searchset({Obs("o1")}), Searchset({Obs("o2"), Obs("o3")})},
                  false,
                  false,
                  DataState::kReady,
                  3,
                  ""},
        FetchCase{"PageWithErrorOutcome",
                  StatusCode::kOk,
                  {Searchset({Obs("o1")}), Searchset({kErrorOutcome})},
                  false,
                  false,
                  DataState::kUnavailable,
                  0,
                  "error OperationOutcome"}),
    [](const auto& row) { return row.param.name; });

TEST(PatientData, FetchedNextPageAddsToThePrefetchedFirstPage) {
  CdsRequest r = RequestWithPrefetch(
      "labs",
      Searchset({Obs("o1")},
                R"(,"link":[{"relation":"next","url":"https://ehr/fhir/Observation?page=2"}])"));
  PatientData data("p1", 100);
  ASSERT_THAT(data.LoadRequest(r, {"labs"}), IsOk());
  ASSERT_EQ(data.Find("labs")->state, DataState::kNotFetched);
  ASSERT_THAT(data.AddFetched("labs", Response(StatusCode::kOk, {Searchset({Obs("o2")})}), false),
              IsOk());
  const DataEntry* e = data.Find("labs");
  EXPECT_EQ(e->state, DataState::kReady);
  EXPECT_TRUE(e->next_page.empty());
  EXPECT_EQ(e->resources.size(), 2u);
}

TEST(PatientData, MarkUnavailableDropsWhatWasThere) {
  PatientData data("p1", 100);
  ASSERT_THAT(data.AddFetched("k", Response(StatusCode::kOk, {Searchset({Obs("o1")})}), false),
              IsOk());
  data.MarkUnavailable("k", "timed out");
  const DataEntry* e = data.Find("k");
  EXPECT_EQ(e->state, DataState::kUnavailable);
  EXPECT_TRUE(e->resources.empty());
  EXPECT_EQ(e->reason, "timed out");
}

// Regression: when a fetched page exceeded max_resources, the page was freed while the
// index (and the entry) still pointed into it; the engine carries on after that error.
TEST(PatientData, FetchedPageOutlivesALimitError) {
  PatientData data("p1", 2);
  EXPECT_THAT(
      data.AddFetched(
          "k", Response(StatusCode::kOk, {Searchset({Obs("o1"), Obs("o2"), Obs("o3")})}), false),
      StatusIs(StatusCode::kResourceExhausted, HasSubstr("more than 2")));
  const json::Value* o1 = data.index().Find("Observation", "o1");
  ASSERT_NE(o1, nullptr);
  EXPECT_EQ(json::GetString(*o1, "id").value_or(""), "o1");  // still readable (ASan checks it)
}

}  // namespace
}  // namespace cds::hooks
