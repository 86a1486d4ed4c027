// The FHIR fetch path end to end: an EHR request over real HTTP to app::HttpServer, whose FHIR
// client reads what prefetch lacks from a real FHIR server on loopback (FhirTestServer: medplum's
// FhirRouter over an in-memory repository, tests/fhir_server/server.mjs).
//
// One FHIR server per suite (node start-up takes most of a second), reset before every test;
// one CDS service per test, configured to allow-list that FHIR server. The service runs on a
// fixed clock, 2026-11-25T12:00:00Z. Skips (with the launcher's message) when node or
// tests/fhir_server/node_modules is missing; CI sets CDS_REQUIRE_FHIR_SERVER=1 to fail instead.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "tests/support/cds_response_validator.h"
#include "tests/support/fhir_test_server.h"
#include "tests/support/hook_harness.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cds::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kView[] = "rituximab-safety-patient-view";
constexpr char kSelect[] = "rituximab-safety-order-select";
constexpr char kSign[] = "rituximab-safety-order-sign";
constexpr char kToken[] = "fhir-access-token-7d1e";
constexpr char kTruxima[] = "2105831";   // RxNorm SBD: rituximab-abbs [Truxima]
constexpr char kEntecavir[] = "485434";  // RxNorm: entecavir 0.5 MG Oral Tablet
constexpr char kHbsAg[] = "5196-1";
constexpr char kAntiHbc[] = "16933-4";
constexpr char kAntiHbs[] = "22322-2";
const std::string kPos = SnomedValue("10828004");
const std::string kNeg = SnomedValue("260385009");
constexpr char kRecent[] = "2026-06-01T09:00:00Z";  // within 12 months of the service's clock

struct FhirRequest {
  std::string method, url, authorization;  // authorization "" when absent
};

// A collection Bundle of `resources` (JSON objects), for FhirTestServer::Load.
std::string Collection(const std::vector<std::string>& resources) {
  std::string b = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  for (size_t i = 0; i < resources.size(); ++i)
    b += (i ? "," : "") + std::string(R"({"resource":)") + resources[i] + "}";
  return b + "]}";
}

const std::string kPatient =
    R"({"resourceType":"Patient","id":"p1","birthDate":"1961-04-02","gender":"female"})";

std::string Obs(std::string_view id, std::string_view loinc, std::string_view date,
                const std::string& value) {
  return LoincObservation(id, loinc, date, value);
}

// A draft rituximab order at the fixed 1000 mg regimen (the dose check then needs no height or
// weight, so only the data-driven rules speak).
std::string RituximabDraft(std::string_view id = "rx1") {
  return RxMedicationRequest(
      id, kTruxima, "draft", "",
      R"("dosageInstruction":[{"text":"1000 mg IV day 1 and day 15","doseAndRate":[{"doseQuantity":)"
      R"({"value":1000,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}])");
}

// No HBV card of either kind, and nothing reported as unreadable.
void ExpectNoHbvCardAndNothingUnavailable(const HookResponse& r) {
  EXPECT_TRUE(r.Cards("hbv-serology-missing").empty()) << r.body;
  EXPECT_TRUE(r.Cards("hbv-prophylaxis-missing").empty()) << r.body;
  EXPECT_TRUE(r.Cards("data-unavailable").empty()) << r.body;
}

class FhirFetchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_reason_ = new std::string;
    fhir_ = FhirTestServer::Start(skip_reason_).release();
  }
  static void TearDownTestSuite() {
    delete fhir_;
    fhir_ = nullptr;
    delete skip_reason_;
    skip_reason_ = nullptr;
  }

  void SetUp() override {
    if (fhir_ == nullptr) GTEST_SKIP() << *skip_reason_;
    ASSERT_OK(fhir_->Reset());
  }

  // A CDS service allow-listing the FHIR test server (or `allowed` when given).
  std::unique_ptr<TestServer> StartService(int deadline_ms = 5000,
                                           std::vector<std::string> allowed = {}) {
    TestServerOptions o;
    o.config.fhir.allowed_servers =
        allowed.empty() ? std::vector<std::string>{fhir_->base_url()} : allowed;
    o.config.fhir.deadline_ms = deadline_ms;
    o.config.http_threads = 4;
    auto s = TestServer::Start(std::move(o));
    EXPECT_NE(s, nullptr);
    return s;
  }

  void Load(const std::vector<std::string>& resources) {
    ASSERT_OK(fhir_->Load(Collection(resources)));
  }

  std::vector<FhirRequest> Requests() {
    std::vector<FhirRequest> out;
    auto text = fhir_->Requests();
    EXPECT_OK(text);
    if (!text.ok()) return out;
    rapidjson::Document d;
    d.Parse(text->c_str());
    EXPECT_TRUE(d.IsArray()) << *text;
    if (!d.IsArray()) return out;
    for (const auto& r : d.GetArray()) {
      out.push_back({r["method"].GetString(), r["url"].GetString(),
                     r["authorization"].IsString() ? r["authorization"].GetString() : ""});
    }
    return out;
  }

  // Requests whose path (before '?') is /fhir/R4/<type_path>.
  std::vector<FhirRequest> RequestsFor(std::string_view type_path) {
    std::vector<FhirRequest> out;
    std::string prefix = "/fhir/R4/" + std::string(type_path);
    for (const FhirRequest& r : Requests()) {
      std::string path = r.url.substr(0, r.url.find('?'));
      if (path == prefix) out.push_back(r);
    }
    return out;
  }

  // POSTs the hook call; every 200 body passes the response validator.
  HookResponse Call(TestServer& s, std::string_view service, const std::string& body) {
    HookResponse r;
    auto res = s.Client().Post(("/cds-services/" + std::string(service)).c_str(), body,
                               "application/json");
    if (!res) {
      ADD_FAILURE() << "no answer: " << httplib::to_string(res.error());
      return r;
    }
    r.status = res->status;
    r.body = res->body;
    r.doc.Parse(r.body.c_str(), r.body.size());
    if (r.status == 200) {
      EXPECT_EQ(CdsResponseViolations(r.body), "") << r.body;
    }
    return r;
  }

  RequestBuilder Select() {
    RequestBuilder b("order-select");
    b.DraftOrder(RituximabDraft()).FhirServer(fhir_->base_url(), kToken);
    return b;
  }

  // A 412 that names `key` and carries no card: the rule did not turn a failed read into
  // "missing".
  static void Expect412Naming(const HookResponse& r, std::string_view key) {
    EXPECT_EQ(r.status, 412) << r.body;
    EXPECT_THAT(DiagnosticsOf(r.body), HasSubstr(std::string(key))) << r.body;
    EXPECT_EQ(r.body.find("cards"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("serology not on file"), std::string::npos) << r.body;
  }

  static FhirTestServer* fhir_;
  static std::string* skip_reason_;
};

FhirTestServer* FhirFetchTest::fhir_ = nullptr;
std::string* FhirFetchTest::skip_reason_ = nullptr;

TEST_F(FhirFetchTest, NoPrefetchFetchesEverythingAndFlagsPositiveAntiHbcWithoutProphylaxis) {
  Load({kPatient, Obs("hbsag-1", kHbsAg, kRecent, kNeg),
        Obs("hbc-1", kAntiHbc, "2024-03-01T08:00:00Z", kPos),
        Obs("hbs-1", kAntiHbs, kRecent, kNeg)});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  HookResponse r = Call(*service, kSelect, Select().Build());
  ASSERT_EQ(r.status, 200) << r.body;
  const rapidjson::Value* card = r.OnlyCard("hbv-prophylaxis-missing");
  ASSERT_NE(card, nullptr);
  EXPECT_STREQ((*card)["indicator"].GetString(), "critical");
  EXPECT_THAT((*card)["summary"].GetString(), HasSubstr("anti-HBc"));
  EXPECT_THAT((*card)["detail"].GetString(), HasSubstr("Observation/hbc-1"));
  EXPECT_TRUE(r.Cards("hbv-serology-missing").empty())
      << "a positive result is not 'missing': " << r.body;
  EXPECT_TRUE(r.Cards("data-unavailable").empty()) << "every query succeeded: " << r.body;

  // What the service asked for: the serology and IgM searches, the medication lists, for p1.
  std::vector<FhirRequest> obs = RequestsFor("Observation");
  ASSERT_GE(obs.size(), 2u);
  bool serology = false, igm = false;
  for (const FhirRequest& q : obs) {
    EXPECT_EQ(q.method, "GET");
    EXPECT_THAT(q.url, HasSubstr("patient=p1"));
    serology = serology || (q.url.find(kHbsAg) != std::string::npos &&
                            q.url.find(kAntiHbc) != std::string::npos);
    igm = igm || q.url.find("2472-9") != std::string::npos;
  }
  EXPECT_TRUE(serology) << "no hbvSerology search";
  EXPECT_TRUE(igm) << "no IgM search";
  ASSERT_EQ(RequestsFor("MedicationRequest").size(), 1u);
  EXPECT_THAT(RequestsFor("MedicationRequest")[0].url, HasSubstr("patient=p1"));
  EXPECT_EQ(RequestsFor("MedicationStatement").size(), 1u);
  for (const FhirRequest& q : Requests()) EXPECT_EQ(q.method, "GET") << q.url;
}

TEST_F(FhirFetchTest, NoPrefetchRecentNegativeSerologyGivesNoCard) {
  Load({kPatient, Obs("hbsag-1", kHbsAg, kRecent, kNeg), Obs("hbc-1", kAntiHbc, kRecent, kNeg),
        Obs("hbs-1", kAntiHbs, kRecent, kNeg)});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  HookResponse r = Call(*service, kSelect, Select().Build());
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectNoHbvCardAndNothingUnavailable(r);
  EXPECT_FALSE(RequestsFor("Observation").empty()) << "the serology was not fetched";
}

TEST_F(FhirFetchTest, NoPrefetchAntiviralOnTheServerSuppressesTheProphylaxisCard) {
  Load({kPatient, Obs("hbsag-1", kHbsAg, kRecent, kNeg), Obs("hbc-1", kAntiHbc, kRecent, kPos),
        Obs("hbs-1", kAntiHbs, kRecent, kNeg),
        RxMedicationRequest("etv", kEntecavir, "active", "2026-10-01")});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  HookResponse r = Call(*service, kSelect, Select().Build());
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectNoHbvCardAndNothingUnavailable(r);  // entecavir is active on the server
}

TEST_F(FhirFetchTest, PatientViewWithoutPrefetchFindsRituximabOnTheServer) {
  Load({kPatient, RxMedicationRequest("rtx", kTruxima, "active", "2026-09-01")});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  RequestBuilder b("patient-view");
  b.FhirServer(fhir_->base_url(), kToken);
  HookResponse r = Call(*service, kView, b.Build());
  ASSERT_EQ(r.status, 200) << r.body;
  const rapidjson::Value* card = r.OnlyCard("hbv-serology-missing");
  ASSERT_NE(card, nullptr);
  EXPECT_STREQ((*card)["indicator"].GetString(), "warning");
  EXPECT_THAT((*card)["summary"].GetString(), HasSubstr("HBsAg"));
  EXPECT_EQ(RequestsFor("MedicationAdministration").size(), 1u);
  EXPECT_EQ(RequestsFor("MedicationRequest").size(), 1u);
}

// The server pages every search by 2: the only positive result sits on the third page.
TEST_F(FhirFetchTest, PagingIsFollowedToTheLastPage) {
  ASSERT_OK(fhir_->Configure(R"({"defaultCount": 2})"));
  Load({kPatient, Obs("hbsag-1", kHbsAg, kRecent, kNeg), Obs("hbs-1", kAntiHbs, kRecent, kNeg),
        Obs("hbsag-0", kHbsAg, "2020-01-01T08:00:00Z", kNeg),
        Obs("hbs-0", kAntiHbs, "2020-01-01T08:00:00Z", kNeg),
        Obs("hbc-late", kAntiHbc, "2025-02-01T08:00:00Z", kPos)});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  HookResponse r = Call(*service, kSelect, Select().Build());
  ASSERT_EQ(r.status, 200) << r.body;
  const rapidjson::Value* card = r.OnlyCard("hbv-prophylaxis-missing");
  ASSERT_NE(card, nullptr) << "the positive anti-HBc on page 3 was not seen";
  EXPECT_THAT((*card)["detail"].GetString(), HasSubstr("Observation/hbc-late"));
  int serology_pages = 0;
  bool third_page = false;
  for (const FhirRequest& q : RequestsFor("Observation")) {
    if (q.url.find(kAntiHbc) == std::string::npos) continue;
    ++serology_pages;
    third_page = third_page || q.url.find("_offset=4") != std::string::npos;
  }
  EXPECT_EQ(serology_pages, 3);
  EXPECT_TRUE(third_page);
}

// A prefetched searchset with a `next` link: the service reads the rest from the server.
TEST_F(FhirFetchTest, PrefetchNextLinkIsFollowed) {
  Load({kPatient, Obs("hbsag-1", kHbsAg, kRecent, kNeg),
        Obs("hbc-2", kAntiHbc, "2025-05-05T08:00:00Z", kPos)});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  const std::string next = fhir_->base_url() + "/Observation?patient=p1&_count=1&_offset=1";
  std::string page1 =
      R"({"resourceType":"Bundle","type":"searchset","total":2,"link":[{"relation":"next","url":)" +
      JsonQuote(next) + R"(}],"entry":[{"resource":)" + Obs("hbsag-1", kHbsAg, kRecent, kNeg) +
      "}]}";
  RequestBuilder b = Select();
  b.PrefetchRaw("hbvSerology", page1);
  std::vector<std::string> keys;
  for (const hooks::CdsService& s : service->service().registry()->services()) {
    if (s.id() == kSelect) keys = s.PrefetchKeys();
  }
  ASSERT_FALSE(keys.empty());
  HookResponse r = Call(*service, kSelect, b.Build(keys));  // every other key: null ("no data")
  ASSERT_EQ(r.status, 200) << r.body;
  const rapidjson::Value* card = r.OnlyCard("hbv-prophylaxis-missing");
  ASSERT_NE(card, nullptr) << "page 2 of the prefetch was not read";
  EXPECT_THAT((*card)["detail"].GetString(), HasSubstr("Observation/hbc-2"));
  std::vector<FhirRequest> all = Requests();
  ASSERT_EQ(all.size(), 1u) << "only the next page is fetched";
  EXPECT_EQ(all[0].url, "/fhir/R4/Observation?patient=p1&_count=1&_offset=1");
}

TEST_F(FhirFetchTest, EveryFhirRequestCarriesTheBearerToken) {
  Load({kPatient, RxMedicationRequest("rtx", kTruxima, "active", "2026-09-01"),
        Obs("hbc-1", kAntiHbc, "2024-03-01T08:00:00Z", kPos)});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  RequestBuilder b("patient-view");
  b.FhirServer(fhir_->base_url(), kToken);
  HookResponse r = Call(*service, kView, b.Build());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards("hbv-prophylaxis-missing").size(), 1u) << r.body;
  std::vector<FhirRequest> all = Requests();
  ASSERT_GE(all.size(), 5u);
  for (const FhirRequest& q : all)
    EXPECT_EQ(q.authorization, std::string("Bearer ") + kToken) << q.url;
}

TEST_F(FhirFetchTest, TheRightTokenPassesARequireTokenServer) {
  ASSERT_OK(fhir_->Configure(std::string(R"({"requireToken":)") + JsonQuote(kToken) + "}"));
  Load({kPatient, Obs("hbsag-1", kHbsAg, kRecent, kNeg), Obs("hbc-1", kAntiHbc, kRecent, kNeg),
        Obs("hbs-1", kAntiHbs, kRecent, kNeg)});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  HookResponse r = Call(*service, kSelect, Select().Build());
  EXPECT_EQ(r.status, 200) << r.body;
  ExpectNoHbvCardAndNothingUnavailable(r);
}

TEST_F(FhirFetchTest, AWrongTokenIs412AndNoFalseMissingCard) {
  ASSERT_OK(fhir_->Configure(R"({"requireToken":"the-real-token"})"));
  Load({kPatient});  // no serology at all: a card built on the 401 would say "missing"
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  HookResponse r = Call(*service, kSelect, Select().Build());
  Expect412Naming(r, "hbvSerology");
  std::vector<FhirRequest> all = Requests();
  ASSERT_FALSE(all.empty());
  for (const FhirRequest& q : all) EXPECT_EQ(q.authorization, std::string("Bearer ") + kToken);
}

TEST_F(FhirFetchTest, ServerDownIs412AndNoFalseMissingCard) {
  std::string skip;
  auto down = FhirTestServer::Start(&skip);
  ASSERT_NE(down, nullptr) << skip;
  const std::string url = down->base_url();
  down->Stop();
  auto service = StartService(5000, {url});
  ASSERT_NE(service, nullptr);
  RequestBuilder b("order-select");
  b.DraftOrder(RituximabDraft()).FhirServer(url, kToken);
  auto t0 = std::chrono::steady_clock::now();
  HookResponse r = Call(*service, kSelect, b.Build());
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  Expect412Naming(r, "hbvSerology");
  EXPECT_LT(ms, 3000) << "a refused connection should fail fast";
}

TEST_F(FhirFetchTest, SlowServerHonoursTheDeadline) {
  ASSERT_OK(fhir_->Configure(R"({"delayMs": 3000})"));
  Load({kPatient});
  auto service = StartService(/*deadline_ms=*/500);
  ASSERT_NE(service, nullptr);
  auto t0 = std::chrono::steady_clock::now();
  HookResponse r = Call(*service, kSelect, Select().Build());
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  Expect412Naming(r, "hbvSerology");
  EXPECT_LT(ms, 2000) << "deadline 500 ms, answered after " << ms << " ms";
  EXPECT_GE(ms, 400) << "answered before the deadline without waiting for the server?";
  ASSERT_OK(fhir_->Configure(R"({"delayMs": 0})"));
}

// Every way a read can fail: no card may claim serology is missing; 412 names the data.
TEST_F(FhirFetchTest, FailedObservationReadIs412AndNoFalseCard) {
  const std::vector<std::pair<std::string, std::string>> modes = {
      {"OperationOutcome for Observation", R"({"operationOutcomeFor": "Observation"})"},
      {"HTTP 500", R"({"failStatus": 500})"},
      {"HTTP 503", R"({"failStatus": 503})"},
      {"HTTP 403", R"({"failStatus": 403})"},
      {"HTTP 404 on a search", R"({"failStatus": 404})"},
  };
  for (const auto& [name, config] : modes) {
    SCOPED_TRACE(name);
    ASSERT_OK(fhir_->Reset());
    ASSERT_OK(fhir_->Configure(config));
    Load({kPatient});
    auto service = StartService();
    ASSERT_NE(service, nullptr);
    HookResponse r = Call(*service, kSelect, Select().Build());
    Expect412Naming(r, "hbvSerology");
    EXPECT_FALSE(RequestsFor("Observation").empty());
  }
}

// An OperationOutcome for Observation alone, while a positive anti-HBc is impossible to read:
// the medication data still arrives, yet no card may claim serology is missing.
TEST_F(FhirFetchTest, OperationOutcomeForObservationOnlyStillNoMissingCard) {
  ASSERT_OK(fhir_->Configure(R"({"operationOutcomeFor": ["Observation"]})"));
  Load({kPatient, Obs("hbc-1", kAntiHbc, kRecent, kPos)});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  HookResponse r = Call(*service, kSelect, Select().Build());
  Expect412Naming(r, "hbvSerology");
  EXPECT_EQ(RequestsFor("MedicationRequest").size(), 1u) << "the readable data was still fetched";
}

// A redirect is never followed, least of all to a server off the allow-list.
TEST_F(FhirFetchTest, RedirectIsNotFollowed) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  std::string target = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  ASSERT_OK(fhir_->Configure(R"({"redirectTo":)" + JsonQuote(target) + "}"));
  Load({kPatient});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  HookResponse r = Call(*service, kSelect, Select().Build());
  Expect412Naming(r, "hbvSerology");
  pollfd p{fd, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 0) << "the redirect target was contacted";
  ::close(fd);
}

// MedicationRequest in prefetch naming Medication/med-rtx, which only the server holds.
TEST_F(FhirFetchTest, MedicationReferenceInPrefetchIsReadFromTheServer) {
  Load({kPatient, R"({"resourceType":"Medication","id":"med-rtx","code":{"coding":[{"system":
        "http://www.nlm.nih.gov/research/umls/rxnorm","code":"2105831","display":"Truxima"}]}})"});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  std::string mr =
      R"({"resourceType":"MedicationRequest","id":"mr-1","status":"active","intent":"order",
      "medicationReference":{"reference":"Medication/med-rtx"},"subject":{"reference":"Patient/p1"},
      "authoredOn":"2026-10-01"})";
  RequestBuilder b("patient-view");
  b.FhirServer(fhir_->base_url(), kToken).Prefetch("medicationRequests", {mr});
  std::vector<std::string> keys;
  for (const hooks::CdsService& s : service->service().registry()->services()) {
    if (s.id() == kView) keys = s.PrefetchKeys();
  }
  HookResponse r = Call(*service, kView, b.Build(keys));  // all other keys null
  ASSERT_EQ(r.status, 200) << r.body;
  const rapidjson::Value* card = r.OnlyCard("hbv-serology-missing");
  ASSERT_NE(card, nullptr) << "rituximab behind medicationReference was not recognised";
  std::vector<FhirRequest> all = Requests();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].url, "/fhir/R4/Medication/med-rtx");
  EXPECT_EQ(all[0].authorization, std::string("Bearer ") + kToken);
}

TEST_F(FhirFetchTest, MedicationReferenceInADraftOrderIsReadFromTheServer) {
  Load({kPatient, R"({"resourceType":"Medication","id":"med-rtx","code":{"coding":[{"system":
        "http://www.nlm.nih.gov/research/umls/rxnorm","code":"2105831"}]}})"});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  RequestBuilder b("order-sign");
  b.FhirServer(fhir_->base_url(), kToken)
      .DraftOrder(
          R"({"resourceType":"MedicationRequest","id":"d1","status":"draft","intent":"order",
          "medicationReference":{"reference":"Medication/med-rtx"},"subject":{"reference":"Patient/p1"}})");
  HookResponse r = Call(*service, kSign, b.Build());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards("hbv-serology-missing").size(), 1u) << r.body;
  EXPECT_EQ(RequestsFor("Medication/med-rtx").size(), 1u);
}

// No prefetch at all, and the rituximab order names its drug by medicationReference (how
// Epic-style EHRs write it): the lists, then the Medication, then the serology must all be read.
//
// Needs are discovered one dependency level per round (medication lists -> Medication/x ->
// hbvSerology, igm), so this takes three fetch rounds under one deadline.
TEST_F(FhirFetchTest, NoPrefetchAndMedicationReferenceStillConcludes) {
  Load({kPatient,
        R"({"resourceType":"Medication","id":"med-rtx","code":{"coding":[{"system":
            "http://www.nlm.nih.gov/research/umls/rxnorm","code":"2105831"}]}})",
        R"({"resourceType":"MedicationRequest","id":"mr-1","status":"active","intent":"order",
            "medicationReference":{"reference":"Medication/med-rtx"},"subject":{"reference":"Patient/p1"},
            "authoredOn":"2026-10-01"})"});
  auto service = StartService();
  ASSERT_NE(service, nullptr);
  RequestBuilder b("patient-view");
  b.FhirServer(fhir_->base_url(), kToken);
  HookResponse r = Call(*service, kView, b.Build());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Cards("hbv-serology-missing").size(), 1u) << r.body;
}

TEST_F(FhirFetchTest, FhirServerNotOnTheAllowListIsNeverCalled) {
  Load({kPatient, Obs("hbc-1", kAntiHbc, kRecent, kPos)});
  auto service = StartService(5000, {"https://ehr.example.org/fhir"});
  ASSERT_NE(service, nullptr);
  HookResponse r = Call(*service, kSelect, Select().Build());
  Expect412Naming(r, "hbvSerology");
  EXPECT_THAT(DiagnosticsOf(r.body), HasSubstr("allow-list"));
  EXPECT_TRUE(Requests().empty()) << "a request reached a FHIR server that is not allow-listed";
}

}  // namespace
}  // namespace cds::testing
