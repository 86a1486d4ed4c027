// Every error status over real HTTP, each with its OperationOutcome, and the server
// serving normally afterwards.
#include "tests/integration/http_protocol_support.h"

namespace cds::testing {
namespace {

struct ErrorCase {
  ErrorCase(std::string name_, std::string method_, std::string path_, std::string content_type_,
            std::string body_, int status_, std::string issue_code_,
            std::vector<std::string> diagnostics_, std::string allow_ = "")
      : name(std::move(name_)),
        method(std::move(method_)),
        path(std::move(path_)),
        content_type(std::move(content_type_)),
        body(std::move(body_)),
        status(status_),
        issue_code(std::move(issue_code_)),
        diagnostics(std::move(diagnostics_)),
        allow(std::move(allow_)) {}
  std::string name;
  std::string method;
  std::string path;
  std::string content_type;  // "" = no Content-Type header
  std::string body;
  int status;
  std::string issue_code;
  std::vector<std::string> diagnostics;  // each must appear in issue[0].diagnostics
  std::string allow;                     // 405: the Allow header
};

std::string ValidSelect() { return RituximabOrderSelect(); }

std::string Without(const std::string& json, const char* member) {
  return Edit(json, [member](rapidjson::Document& d) { d.RemoveMember(member); });
}
std::string WithoutContext(const std::string& json, const char* member) {
  return Edit(json, [member](rapidjson::Document& d) { d["context"].RemoveMember(member); });
}
std::string SetRaw(const std::string& json, const std::string& member,
                   const std::string& raw_value) {
  return Edit(json, [&](rapidjson::Document& d) {
    rapidjson::Document v(&d.GetAllocator());
    v.Parse(raw_value.c_str());
    d.RemoveMember(member.c_str());
    d.AddMember(Str(member, d), rapidjson::Value(v, d.GetAllocator()), d.GetAllocator());
  });
}
std::string SetContextRaw(const std::string& json, const std::string& member,
                          const std::string& raw_value) {
  return Edit(json, [&](rapidjson::Document& d) {
    rapidjson::Document v(&d.GetAllocator());
    v.Parse(raw_value.c_str());
    d["context"].RemoveMember(member.c_str());
    d["context"].AddMember(Str(member, d), rapidjson::Value(v, d.GetAllocator()), d.GetAllocator());
  });
}

std::vector<ErrorCase> ErrorCases() {
  const std::string valid = ValidSelect();
  const std::string sign = RequestBuilder("order-sign").DraftOrder(RituximabDraft()).Build();
  const std::string svc = kSelectPath;
  const std::string fb = svc + "/feedback";
  const std::string json = "application/json";
  std::string deep(100, '[');
  deep += std::string(100, ']');
  // clang-format off
  std::vector<ErrorCase> c = {
      // 400: not JSON, or not the request shape.
      {"InvalidJson", "POST", svc, json, R"({"hook": "order-select", "hookInstance": })", 400, "invalid", {"invalid JSON"}},
      {"TruncatedJson", "POST", svc, json, valid.substr(0, valid.size() / 2), 400, "invalid", {"invalid JSON"}},
      {"EmptyBody", "POST", svc, json, "", 400, "invalid", {"invalid JSON"}},
      {"NotAnObject", "POST", svc, json, "[1,2,3]", 400, "invalid", {"request body must be a JSON object"}},
      {"TooDeep", "POST", svc, json, deep, 400, "invalid", {"JSON nesting deeper than"}},
      {"DuplicateMember", "POST", svc, json, R"({"hook":"order-select","hook":"order-sign"})", 400, "invalid",
       {"duplicate JSON member name \"hook\""}},
      {"HookMissing", "POST", svc, json, Without(valid, "hook"), 400, "invalid", {"hook is required"}},
      {"HookNotAString", "POST", svc, json, SetRaw(valid, "hook", "5"), 400, "invalid", {"hook must be a string"}},
      {"HookOfAnotherService", "POST", svc, json, SetRaw(valid, "hook", R"("patient-view")"), 400, "invalid",
       {"\"patient-view\"", "does not match this service", "\"order-select\""}},
      {"OrderSignBodyToOrderSelect", "POST", svc, json, sign, 400, "invalid", {"\"order-sign\"", "does not match"}},
      {"HookInstanceMissing", "POST", svc, json, Without(valid, "hookInstance"), 400, "invalid",
       {"hookInstance is required"}},
      {"HookInstanceNotAString", "POST", svc, json, SetRaw(valid, "hookInstance", "123"), 400, "invalid",
       {"hookInstance must be a non-empty string"}},
      {"HookInstanceEmpty", "POST", svc, json, SetRaw(valid, "hookInstance", R"("")"), 400, "invalid",
       {"hookInstance must be a non-empty string"}},
      {"ContextMissing", "POST", svc, json, Without(valid, "context"), 400, "invalid", {"context is required"}},
      {"ContextNotAnObject", "POST", svc, json, SetRaw(valid, "context", R"("Patient/1")"), 400, "invalid",
       {"context must be an object"}},
      {"PatientIdNotAString", "POST", svc, json, SetContextRaw(valid, "patientId", "42"), 400, "invalid",
       {"context.patientId must be a string"}},
      {"PatientIdEmptyReference", "POST", svc, json, SetContextRaw(valid, "patientId", R"("Patient/")"), 400,
       "invalid", {"context.patientId must be a FHIR id"}},
      {"UserIdNotAReference", "POST", svc, json, SetContextRaw(valid, "userId", R"("dr-bob")"), 400, "invalid",
       {"context.userId must be Practitioner/"}},
      {"SelectionsMissing", "POST", svc, json, WithoutContext(valid, "selections"), 400, "invalid",
       {"context.selections is required for order-select"}},
      {"SelectionsNotAnArray", "POST", svc, json, SetContextRaw(valid, "selections", R"("MedicationRequest/rx1")"), 400,
       "invalid", {"context.selections must be an array"}},
      {"DraftOrdersMissing", "POST", svc, json, WithoutContext(valid, "draftOrders"), 400, "invalid",
       {"context.draftOrders is required for order-select"}},
      {"DraftOrdersNotABundle", "POST", svc, json, SetContextRaw(valid, "draftOrders", "[]"), 400, "invalid",
       {"context.draftOrders must be a FHIR Bundle"}},
      {"DraftOrdersOfAnotherPatient", "POST", svc, json, SetContextRaw(valid, "patientId", R"("someone-else")"), 400,
       "invalid", {"different patient than context.patientId"}},
      {"FhirServerNotAUrl", "POST", svc, json, SetRaw(valid, "fhirServer", R"("not a url")"), 400, "invalid",
       {"fhirServer must be an absolute http(s) URL"}},
      {"FhirAuthorizationWithoutFhirServer", "POST", svc, json,
       SetRaw(valid, "fhirAuthorization",
              R"({"access_token":"t","token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"s"})"),
       400, "invalid", {"fhirServer is required when fhirAuthorization is given"}},
      {"FhirAuthorizationWrongTokenType", "POST", svc, json,
       SetRaw(SetRaw(valid, "fhirServer", R"("https://ehr.example.org/fhir")"), "fhirAuthorization",
              R"({"access_token":"t","token_type":"MAC","expires_in":300,"scope":"patient/*.read","subject":"s"})"),
       400, "invalid", {"fhirAuthorization.token_type must be \"Bearer\""}},
      {"PrefetchNotAnObject", "POST", svc, json, SetRaw(valid, "prefetch", "[]"), 400, "invalid",
       {"prefetch must be an object"}},
      // 404
      {"UnknownService", "POST", "/cds-services/no-such-service", json, valid, 404, "not-found", {"no CDS service"}},
      {"UnknownServiceFeedback", "POST", "/cds-services/no-such-service/feedback", json,
       R"({"feedback":[{"card":"c","outcome":"overridden","outcomeTimestamp":"2026-01-01T00:00:00Z"}]})", 404,
       "not-found", {"no CDS service"}},
      {"UnknownPath", "GET", "/no/such/path", "", "", 404, "not-found", {"no such path"}},
      {"UnknownPathPost", "POST", "/cds-services/a/b/c", json, valid, 404, "not-found", {"no such path"}},
      // 405, with Allow
      {"GetOnService", "GET", svc, "", "", 405, "not-supported", {"POST, OPTIONS"}, "POST, OPTIONS"},
      {"GetOnFeedback", "GET", fb, "", "", 405, "not-supported", {"POST, OPTIONS"}, "POST, OPTIONS"},
      {"PutOnService", "PUT", svc, json, valid, 405, "not-supported", {"POST, OPTIONS"}, "POST, OPTIONS"},
      {"DeleteOnService", "DELETE", svc, "", "", 405, "not-supported", {"POST, OPTIONS"}, "POST, OPTIONS"},
      {"PatchOnService", "PATCH", svc, json, valid, 405, "not-supported", {"POST, OPTIONS"}, "POST, OPTIONS"},
      {"PostOnDiscovery", "POST", "/cds-services", json, valid, 405, "not-supported", {"GET, OPTIONS"}, "GET, OPTIONS"},
      {"PutOnDiscovery", "PUT", "/cds-services", json, "{}", 405, "not-supported", {"GET, OPTIONS"}, "GET, OPTIONS"},
      {"DeleteOnDiscovery", "DELETE", "/cds-services", "", "", 405, "not-supported", {"GET, OPTIONS"},
       "GET, OPTIONS"},
      // 413: over limits.max_body_bytes
      {"BodyOverLimit", "POST", svc, json, std::string(kBodyLimit + 1, ' '), 413, "too-long",
       {"larger than the configured limit"}},
      {"FeedbackBodyOverLimit", "POST", fb, json, std::string(2 * kBodyLimit, 'x'), 413, "too-long",
       {"larger than the configured limit"}},
      // 415: not JSON
      {"TextPlain", "POST", svc, "text/plain", valid, 415, "not-supported", {"Content-Type must be application/json"}},
      {"NoContentType", "POST", svc, "", valid, 415, "not-supported", {"Content-Type must be application/json"}},
      {"FormEncoded", "POST", svc, "application/x-www-form-urlencoded", "a=b", 415, "not-supported",
       {"Content-Type must be application/json"}},
      {"FeedbackTextPlain", "POST", fb, "text/plain", "{}", 415, "not-supported",
       {"Content-Type must be application/json"}},
      // 412: rituximab selected, the rules' data neither prefetched nor fetchable (no fhirServer)
      {"DataNeitherPrefetchedNorFetchable", "POST", svc, json, valid, 412, "incomplete",
       {"hbvSerology", "not in prefetch"}},
      {"FhirServerGivenButNoneAllowListed", "POST", svc, json,
       SetRaw(SetRaw(valid, "fhirServer", R"("https://ehr.example.org/fhir")"), "fhirAuthorization",
              R"({"access_token":"t","token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"s"})"),
       412, "incomplete", {"hbvSerology", "not configured to call FHIR servers"}},
  };
  // clang-format on
  return c;
}

class HttpErrorTest : public ::testing::TestWithParam<ErrorCase> {
 protected:
  static void SetUpTestSuite() { server_ = StartServer().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer* server_;
};
TestServer* HttpErrorTest::server_ = nullptr;

TEST_P(HttpErrorTest, AnswersWithOperationOutcomeAndKeepsServing) {
  ASSERT_NE(server_, nullptr);
  const ErrorCase& c = GetParam();
  auto res = Send(*server_, c.method, c.path, c.body, c.content_type, {{"Origin", kOrigin}});
  ASSERT_TRUE(IsOperationOutcome(res, c.status, c.issue_code));
  std::string diag = DiagnosticsOf(res->body);
  for (const std::string& want : c.diagnostics) EXPECT_THAT(diag, HasSubstr(want)) << res->body;
  if (!c.allow.empty()) {
    EXPECT_EQ(res->get_header_value("Allow"), c.allow);
  }
  EXPECT_FALSE(res->body.find("\"cards\"") != std::string::npos)
      << "an error never carries cards: " << res->body;
  // Browsers can read the error only with the CORS header. (A 413 is refused from the request
  // head, below cpp-httplib's routing, and is not required to carry it.)
  if (c.status != 413) {
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kOrigin);
  }
  ExpectStillServing(*server_, c.name);
}

INSTANTIATE_TEST_SUITE_P(Cases, HttpErrorTest, ::testing::ValuesIn(ErrorCases()),
                         [](const auto& row) { return row.param.name; });

TEST(HttpErrorSweepTest, NoBadRequestEverAnswers5xx) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  std::vector<ErrorCase> cases = ErrorCases();
  // Odd bytes too: NUL, invalid UTF-8, a bare string, a huge number, control characters.
  for (std::string body :
       {std::string("\0\0\0", 3), std::string("{\"hook\":\"\xff\xfe\"}"), std::string("\"x\""),
        std::string("1e999999"),
        std::string("{\"hook\":\"order-select\",\"hookInstance\":\"a\x01\"}"),
        std::string(
            "{\"hook\":\"order-select\",\"hookInstance\":\"h\",\"context\":{\"draftOrders\":"
            "{\"resourceType\":\"Bundle\",\"entry\":{}}}}"),
        std::string(
            "{\"hook\":\"order-select\",\"hookInstance\":\"h\",\"context\":{\"selections\":[1],"
            "\"draftOrders\":{\"resourceType\":\"Bundle\",\"entry\":[null,1,{\"resource\":7}]}}"
            "}")}) {
    cases.push_back({"odd", "POST", kSelectPath, "application/json", body, 400, "invalid", {}});
  }
  size_t answered = 0;
  for (const ErrorCase& c : cases) {
    auto res = Send(*server, c.method, c.path, c.body, c.content_type);
    ASSERT_TRUE(res) << c.name;
    ++answered;
    EXPECT_LT(res->status, 500) << c.name << ": " << res->body;
    EXPECT_GE(res->status, 400) << c.name << ": " << res->body;
    // Always a well-formed OperationOutcome (valid UTF-8 JSON), whatever bytes came in.
    rapidjson::Document d;
    d.Parse<rapidjson::kParseValidateEncodingFlag>(res->body.c_str(), res->body.size());
    ASSERT_FALSE(d.HasParseError()) << c.name << ": " << res->body;
    EXPECT_TRUE(d.IsObject() && d.HasMember("resourceType") &&
                d["resourceType"] == "OperationOutcome")
        << c.name << ": " << res->body;
  }
  EXPECT_EQ(answered, cases.size());
  ExpectStillServing(*server, "the sweep");
}

TEST(HttpErrorSweepTest, AcceptsJsonContentTypeVariants) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  for (const char* ct : {"application/json", "application/json; charset=utf-8", "Application/JSON",
                         "application/fhir+json"}) {
    auto res = Send(*server, "POST", kSelectPath, HarmlessOrderSelect(), ct);
    ASSERT_TRUE(res) << ct;
    EXPECT_EQ(res->status, 200) << ct << ": " << res->body;
    EXPECT_EQ(CdsResponseViolations(res->body), "") << ct;
  }
}

// 412 in detail: the body names the data key; no card is issued or recorded.
TEST(HttpPreconditionTest, RituximabWithoutDataIs412NamingTheKeysAndIssuesNoCard) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto res = Send(*server, "POST", kSelectPath, RituximabOrderSelect("hi-412"));
  ASSERT_TRUE(IsOperationOutcome(res, 412, "incomplete", {"hbvSerology", "igm"}));
  EXPECT_EQ(res->body.find("cards"), std::string::npos) << res->body;
  EXPECT_EQ(CountRows(server->db_path(), "issued_card"), 0) << "a 412 records no card";
  // And with the same data sent as "no data" (null prefetch) the service answers 200 with the
  // serology card: the 412 was about availability, not about the request.
  HookResponse ok = CallHook(*server, kSelect,
                             RequestBuilder("order-select")
                                 .DraftOrder(RituximabDraft())
                                 .Build(PrefetchKeys(*server, kSelect)));
  ASSERT_EQ(ok.status, 200) << ok.body;
  const rapidjson::Value* card = ok.OnlyCard("hbv-serology-missing");
  ASSERT_NE(card, nullptr);
  EXPECT_STREQ((*card)["indicator"].GetString(), "warning");
  EXPECT_EQ(CountRows(server->db_path(), "issued_card"), static_cast<int64_t>(ok.CardCount()));
}

}  // namespace
}  // namespace cds::testing
