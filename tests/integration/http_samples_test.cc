// Real-world requests (../shared/fhir-samples/cds-hooks-requests/): 2xx or a clear 4xx.
#include "tests/integration/http_protocol_support.h"

namespace cds::testing {
namespace {

// Counts TCP connections to a loopback port that never answers; proves nobody called it.
class ConnectionCounter {
 public:
  ConnectionCounter() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        ::listen(fd_, 64) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
      return;
    }
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~ConnectionCounter() {
    if (fd_ >= 0) ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/fhir"; }
  // Accepts (and closes) whatever is pending; returns how many connections arrived.
  int Drain() {
    int n = 0;
    pollfd p{fd_, POLLIN, 0};
    while (::poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) break;
      ::close(c);
      ++n;
    }
    return n;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

struct SampleOutcome {
  std::string file;
  std::string service;
  int status = 0;
  std::string diagnostics;
};

class FhirSamplesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = SharedDir() + "/fhir-samples/cds-hooks-requests";
    if (!fs::is_directory(dir_)) GTEST_SKIP() << "fhir-samples not found at " << dir_;
    server_ = StartServer();  // no FHIR server allow-listed
    ASSERT_NE(server_, nullptr);
    ASSERT_TRUE(server_->config().fhir.allowed_servers.empty());
  }

  std::vector<std::string> Files() {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().extension() == ".json") files.push_back(e.path().filename());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  // How each file is sent: its own hook's services; a {"context"} fragment wrapped with the
  // hook its context implies; anything else (unknown or legacy hook, no hook at all) as is
  // to every service, which must refuse it with a 400 naming "hook".
  std::vector<std::pair<std::string, std::string>> Plan(const std::string& name,
                                                        const std::string& body) {
    std::vector<std::pair<std::string, std::string>> sends;  // service, body
    rapidjson::Document d;
    d.Parse(body.c_str());
    EXPECT_FALSE(d.HasParseError()) << name;
    auto by_hook = ServicesByHook(*server_);
    std::string hook =
        d.IsObject() && d.HasMember("hook") && d["hook"].IsString() ? d["hook"].GetString() : "";
    std::string request = body;
    if (hook.empty() && d.IsObject() && d.HasMember("context") && !d.HasMember("hook")) {
      hook = HookForContext(body);
      request = WrapContext(body, hook, "0d9f6a0e-1111-4222-8333-444455556666");
    }
    if (by_hook.count(hook)) {
      for (const std::string& svc : by_hook[hook]) sends.emplace_back(svc, request);
    } else {
      for (const hooks::CdsService& svc : server_->service().registry()->services())
        sends.emplace_back(svc.id(), body);
    }
    return sends;
  }

  std::string dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(FhirSamplesTest, EveryFileGets2xxOrAClear4xxNever5xx) {
  std::vector<std::string> files = Files();
  ASSERT_GE(files.size(), 20u);
  std::vector<SampleOutcome> outcomes;
  for (const std::string& name : files) {
    std::string body = ReadFileOrFail(dir_ + "/" + name);
    for (const auto& [service, request] : Plan(name, body)) {
      HookResponse r = CallHook(*server_, service, request);
      SampleOutcome o{name, service, r.status, DiagnosticsOf(r.body)};
      EXPECT_TRUE(r.status == 200 || (r.status >= 400 && r.status < 500))
          << name << " -> " << service << ": " << r.body;
      if (r.status != 200) {
        auto res = Send(*server_, "POST", "/cds-services/" + service, request);
        EXPECT_TRUE(IsOperationOutcome(res, r.status, r.status == 412 ? "incomplete" : "invalid"))
            << name << " -> " << service;
        EXPECT_FALSE(o.diagnostics.empty())
            << name << " -> " << service << ": a 4xx must say why: " << r.body;
      }
      outcomes.push_back(o);
    }
  }
  auto find = [&](const std::string& file, const std::string& service) -> const SampleOutcome* {
    for (const SampleOutcome& o : outcomes) {
      if (o.file == file && o.service == service) return &o;
    }
    return nullptr;
  };
  // Specific expectations for the rituximab services (the neuropathy services' rules change
  // independently; they are held to "2xx or a clear 4xx" above).
  struct Expect {
    std::string file, service;
    int status;
    std::string diagnostics;
  };
  const std::vector<Expect> expected = {
      // Unknown and legacy hooks: refused, naming the hook.
      {"hapi-CdsServiceRequestJson.json", kView, 400, "hook \"Hook Name\" does not match"},
      {"davinci-crd-medicationRequestPrefetch.json", kSelect, 400,
       "hook \"medication-prescribe\" does not match"},
      // Only prefetch, no hook or context: refused.
      {"cds-hooks-docs-spec-prefetch-data-example.json", kSign, 400, "hook is required"},
      // Order hooks without rituximab: accepted, no card (patientId "Patient/x" tolerated,
      // draftOrders without type, doseAndRate as an object, DeviceRequest/ServiceRequest).
      {"cqf-ruler-opioidcds-01-request.json", kSelect, 200, ""},
      {"cqf-ruler-opioidcds-04-request-prefetch.json", kSelect, 200, ""},
      {"davinci-crd-requestWithHydratedPrefetchBundle.json", kSign, 200, ""},
      {"cds-hooks-docs-order-select-context-example.json", kSelect, 200, ""},
      {"cds-hooks-docs-order-sign-context-example.json", kSign, 200, ""},
      // patient-view with a patient but none of our data and no allow-listed FHIR server: 412
      // naming the data (the cqf-ruler item1.. keys are not ours and are ignored).
      {"cqf-ruler-request-HelloWorld.json", kView, 412, "medicationRequests"},
      {"cds-hooks-docs-spec-request-patient-view.json", kView, 412, "medicationRequests"},
      {"cqf-ruler-unicode-request.json", kView, 412, "medicationRequests"},
      // order-sign whose only order names its drug by a Medication reference that is neither in
      // the request nor fetchable: whether it is rituximab cannot be told, so 412 naming it.
      {"cqf-ruler-opioidcds-08-request-prefetch.json", kSign, 412,
       "Medication/eAfgatAovleK4GXF4MnFNxg3"},
      {"cqf-ruler-opioidcds-08-request.json", kSign, 412, "Medication/eAfgatAovleK4GXF4MnFNxg3"},
      // Orders for Patient/positive while context.patientId is Patient/123: refused, not guessed.
      {"hapi-ASLPCrdServiceRequest.json", kSign, 400, "different patient than context.patientId"},
      // patient-view without patientId: nothing to say.
      {"cds-hooks-docs-spec-request-example-2.json", kView, 200, ""},
  };
  for (const Expect& e : expected) {
    const SampleOutcome* o = find(e.file, e.service);
    ASSERT_NE(o, nullptr) << e.file << " was not sent to " << e.service;
    EXPECT_EQ(o->status, e.status) << e.file << " -> " << e.service << ": " << o->diagnostics;
    if (!e.diagnostics.empty()) {
      EXPECT_THAT(o->diagnostics, HasSubstr(e.diagnostics)) << e.file;
    }
  }
}

// Files naming a fhirServer: with no server allow-listed, none is ever called. Each such
// request is re-pointed at a loopback listener that counts connections.
TEST_F(FhirSamplesTest, NoFhirServerIsCalledWhenNoneIsAllowListed) {
  ConnectionCounter listener;
  int sent = 0;
  for (const std::string& name : Files()) {
    std::string body = ReadFileOrFail(dir_ + "/" + name);
    for (auto [service, request] : Plan(name, body)) {
      rapidjson::Document d;
      d.Parse(request.c_str());
      if (!d.IsObject() || !d.HasMember("fhirServer")) continue;
      request = Edit(request, [&](rapidjson::Document& doc) {
        doc["fhirServer"].SetString(listener.url().c_str(), doc.GetAllocator());
      });
      HookResponse r = CallHook(*server_, service, request);
      EXPECT_LT(r.status, 500) << name << " -> " << service;
      ++sent;
    }
  }
  EXPECT_GT(sent, 20);
  EXPECT_EQ(listener.Drain(), 0) << "the service called a FHIR server that is not allow-listed";
}

// Optional context fields sent as JSON null, as Da Vinci CRD does ("encounterId": null), mean
// absent, as "fhirServer": null and "fhirAuthorization": null do (fhir-samples/README.md).
TEST_F(FhirSamplesTest, NullOptionalContextFieldsAreTreatedAsAbsent) {
  for (const char* name : {"davinci-crd-deviceRequestNoPrefetch.json",
                           "davinci-crd-deviceRequestFullPrefetchWithCoverage_r4.json"}) {
    HookResponse r = CallHook(*server_, kSign, ReadFileOrFail(dir_ + "/" + name));
    EXPECT_EQ(r.status, 200) << name << ": " << r.body;
    EXPECT_EQ(r.CardCount(), 0u) << name << ": " << r.body;
  }
  HookResponse view =
      CallHook(*server_, kView,
               R"({"hook":"patient-view","hookInstance":"a0b1c2d3-0000-4000-8000-000000000009",)"
               R"("context":{"userId":"Practitioner/1","patientId":"p1","encounterId":null},)"
               R"("prefetch":{"medicationRequests":null,"medicationStatements":null,)"
               R"("medicationAdministrations":null,"hbvSerology":null,"igm":null}})");
  EXPECT_EQ(view.status, 200) << view.body;
}

}  // namespace
}  // namespace cds::testing
