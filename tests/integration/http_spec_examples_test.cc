// The spec's own examples (../shared/spec/cds-hooks/examples/) are accepted.
#include "tests/integration/http_protocol_support.h"

namespace cds::testing {
namespace {

// The request with each of the service's prefetch keys that it does not carry added as null
// ("the EHR has no data").
std::string WithNullPrefetch(const std::string& request, const std::vector<std::string>& keys) {
  return Edit(request, [&](rapidjson::Document& d) {
    if (!d.HasMember("prefetch") || !d["prefetch"].IsObject()) {
      d.RemoveMember("prefetch");
      d.AddMember("prefetch", rapidjson::Value(rapidjson::kObjectType), d.GetAllocator());
    }
    for (const std::string& k : keys) {
      if (!d["prefetch"].HasMember(k.c_str()))
        d["prefetch"].AddMember(Str(k, d), rapidjson::Value(), d.GetAllocator());
    }
  });
}

// Sends `request` to `service` as is and with null prefetch. As is, the answer is 200, or 412
// naming a prefetch key of the service the request did not carry (the data is neither sent nor
// fetchable: no FHIR server is allow-listed); with the keys sent as null it must be 200.
void ExpectAccepted(TestServer& s, const std::string& service, const std::string& request,
                    const std::string& what) {
  std::vector<std::string> keys = PrefetchKeys(s, service);
  HookResponse as_is = CallHook(s, service, request);
  if (as_is.status == 412) {
    std::string diag = DiagnosticsOf(as_is.body);
    bool names_a_key = std::any_of(keys.begin(), keys.end(), [&](const std::string& k) {
      return diag.find(k) != std::string::npos;
    });
    EXPECT_TRUE(names_a_key) << what << " -> " << service
                             << ": 412 does not name a prefetch key: " << as_is.body;
  } else {
    EXPECT_EQ(as_is.status, 200) << what << " -> " << service << ": " << as_is.body;
  }
  HookResponse with_null = CallHook(s, service, WithNullPrefetch(request, keys));
  EXPECT_EQ(with_null.status, 200)
      << what << " (null prefetch) -> " << service << ": " << with_null.body;
}

class HttpSpecExamplesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = SharedDir() + "/spec/cds-hooks/examples";
    if (!fs::is_directory(dir_)) GTEST_SKIP() << "CDS Hooks spec examples not found at " << dir_;
    server_ = StartServer();
    ASSERT_NE(server_, nullptr);
  }
  std::string dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(HttpSpecExamplesTest, FullRequestsAreAccepted) {
  auto by_hook = ServicesByHook(*server_);
  for (const char* name : {"request-patient-view.json", "extension-request.json"}) {
    std::string body = ReadFileOrFail(dir_ + "/" + name);
    ASSERT_FALSE(body.empty()) << name;
    ASSERT_FALSE(by_hook["patient-view"].empty());
    for (const std::string& service : by_hook["patient-view"])
      ExpectAccepted(*server_, service, body, name);
  }
  // The patient-view example names a patient but carries none of our data, and its fhirServer
  // is not allow-listed: rituximab-safety-patient-view cannot tell exposure, so 412 naming it.
  HookResponse r = CallHook(*server_, kView, ReadFileOrFail(dir_ + "/request-patient-view.json"));
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_THAT(DiagnosticsOf(r.body), HasSubstr("medicationRequests"));
  // The extension example has no patientId: nothing patient-specific to say, {"cards": []}.
  HookResponse ext = CallHook(*server_, kView, ReadFileOrFail(dir_ + "/extension-request.json"));
  EXPECT_EQ(ext.status, 200) << ext.body;
  EXPECT_EQ(ext.CardCount(), 0u) << ext.body;
}

TEST_F(HttpSpecExamplesTest, ContextFragmentsWrappedIntoRequestsAreAccepted) {
  auto by_hook = ServicesByHook(*server_);
  std::vector<std::string> files = {
      "patient-view-context-1.json",     "patient-view-context-2.json",
      "order-select-context-dstu2.json", "order-select-context-stu3.json",
      "order-select-context-r4.json",    "order-sign-context-dstu2.json",
      "order-sign-context-stu3.json",    "order-sign-context-r4.json"};
  for (const auto& entry : fs::directory_iterator(dir_)) {
    std::string n = entry.path().filename();
    if (n.rfind("context-fragment-prefetch-token-", 0) == 0) files.push_back(n);
  }
  ASSERT_EQ(files.size(), 11u) << "expected 3 context-fragment-prefetch-token-*.json files";
  int n = 0;
  for (const std::string& name : files) {
    std::string fragment = ReadFileOrFail(dir_ + "/" + name);
    std::string hook = HookForContext(fragment);
    ASSERT_FALSE(hook.empty()) << name;
    if (name.rfind("order-select", 0) == 0) {
      EXPECT_EQ(hook, "order-select") << name;
    }
    if (name.rfind("order-sign", 0) == 0) {
      EXPECT_EQ(hook, "order-sign") << name;
    }
    if (name.rfind("patient-view", 0) == 0) {
      EXPECT_EQ(hook, "patient-view") << name;
    }
    std::string request = WrapContext(
        fragment, hook, "d1577c69-dfbe-44ad-ba6d-3e05e953b2" + std::to_string(10 + n++));
    ASSERT_FALSE(by_hook[hook].empty()) << hook;
    for (const std::string& service : by_hook[hook])
      ExpectAccepted(*server_, service, request, name);
  }
  // The Hook Library's orders are NutritionOrder and a MedicationRequest for another drug: no
  // rituximab, so the order services answer with no card at all.
  for (const char* name : {"order-select-context-r4.json", "order-sign-context-r4.json",
                           "order-sign-context-dstu2.json"}) {
    std::string fragment = ReadFileOrFail(dir_ + "/" + name);
    std::string hook = HookForContext(fragment);
    std::string service = hook == "order-select" ? kSelect : kSign;
    HookResponse r = CallHook(*server_, service,
                              WrapContext(fragment, hook, "e0c0f5c2-0000-4000-8000-000000000001"));
    EXPECT_EQ(r.status, 200) << name << ": " << r.body;
    EXPECT_EQ(r.CardCount(), 0u) << name << ": " << r.body;
  }
}

TEST_F(HttpSpecExamplesTest, FeedbackExamplesAreAcceptedAndStored) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    std::string n = entry.path().filename();
    if (n.rfind("feedback-", 0) == 0 && entry.path().extension() == ".json") files.push_back(n);
  }
  ASSERT_EQ(files.size(), 3u);
  for (const std::string& name : files) {
    std::string body = ReadFileOrFail(dir_ + "/" + name);
    for (const hooks::CdsService& svc : server_->service().registry()->services()) {
      auto res = Send(*server_, "POST", "/cds-services/" + svc.id() + "/feedback", body);
      ASSERT_TRUE(res) << name;
      EXPECT_EQ(res->status, 200) << name << " -> " << svc.id() << ": " << res->body;
    }
  }
  // One row per distinct (card, outcome, outcomeTimestamp), however often it was sent.
  Db db(server_->db_path());
  EXPECT_EQ(db.Count(), 3);
  EXPECT_EQ(db.Count("card_known = 0"), 3);
  EXPECT_EQ(
      db.Count(
          "card_uuid = '9368d37b-283f-44a0-93ea-547cebab93ed' AND override_code = 'd7ecf885' AND "
          "override_display IS NULL AND user_comment = 'A comment entered by the clinician.'"),
      1);
}

}  // namespace
}  // namespace cds::testing
