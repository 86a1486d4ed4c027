// HookHarness: evaluates hook requests through CdsHooksService -- the code path the HTTP
// server uses, minus sockets -- with the bundled knowledge and a fixed clock. Every
// response body is checked by ValidateCdsResponse (a violation fails the test), and a
// rule that failed (threw, or read a data key it does not declare) fails the test too.
// SharedHarness() builds the service once per test process (a suite, under ctest) rather
// than reloading the knowledge for every case.
//
// RequestBuilder writes request JSON; by default every prefetch key of the service that a
// test did not set is sent as null ("no data"), so a test states only the data it is
// about. LeaveAbsent(key) keeps a key out (absent = "not fetched").
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "base/clock.h"

#include "config/server_config.h"

#include "app/cds_hooks_service.h"

namespace cds::testing {

class RequestBuilder {
 public:
  explicit RequestBuilder(std::string hook, std::string patient_id = "p1");

  RequestBuilder& HookInstance(std::string id);
  // A draft order; `selected` adds it to context.selections (order-select).
  RequestBuilder& DraftOrder(std::string resource_json, bool selected = true);
  // A searchset Bundle of `resources` (JSON objects) under prefetch `key`.
  RequestBuilder& Prefetch(std::string key, std::vector<std::string> resources);
  RequestBuilder& PrefetchRaw(std::string key, std::string json);  // any JSON value, e.g. "null"
  RequestBuilder& LeaveAbsent(std::string key);
  RequestBuilder& FhirServer(std::string base_url, std::string token = "test-access-token");
  RequestBuilder& ContextField(std::string key, std::string raw_json);

  // The request JSON; keys in `default_null` not set or left absent are sent as null.
  std::string Build(const std::vector<std::string>& default_null = {}) const;

 private:
  std::string hook_;
  std::string patient_id_;
  std::string hook_instance_ = "5c5b3c2e-8f2a-4bfe-9d7c-000000000001";
  std::vector<std::pair<std::string, bool>> orders_;  // resource json, selected
  std::map<std::string, std::string> prefetch_;
  std::set<std::string> absent_;
  std::vector<std::pair<std::string, std::string>> extra_context_;
  std::string fhir_server_;
  std::string token_;
};

struct HookResponse {
  int status = 0;
  std::string body;
  rapidjson::Document doc;

  // Cards whose source.topic.code is `rule_id`.
  std::vector<const rapidjson::Value*> Cards(std::string_view rule_id) const;
  size_t CardCount() const;
  // The only card of `rule_id`; fails the test (and returns nullptr) unless exactly one.
  const rapidjson::Value* OnlyCard(std::string_view rule_id) const;
};

class HookHarness {
 public:
  // `now` is a FHIR dateTime; `config_dir` defaults to the bundled config/.
  explicit HookHarness(std::string now = "2026-11-25T12:00:00Z", std::string config_dir = "",
                       config::ServerConfig settings = {},
                       std::unique_ptr<fhir::FhirClient> client = nullptr);

  // Evaluates `builder` against `service_id`, filling unset prefetch keys with null.
  HookResponse Call(std::string_view service_id, const RequestBuilder& builder);
  HookResponse CallRaw(std::string_view service_id, const std::string& body);
  std::vector<std::string> PrefetchKeys(std::string_view service_id) const;

  FixedClock& clock() { return clock_; }
  app::CdsHooksService& service() { return *service_; }

 private:
  FixedClock clock_;
  std::unique_ptr<app::CdsHooksService> service_;
};

// The harness on the bundled knowledge with no FHIR client, built once per process, its
// clock set to `now` (a FHIR dateTime) on every call. Tests run one at a time in a
// process, so each sees the clock it asked for.
inline constexpr char kHarnessNow[] = "2026-11-25T12:00:00Z";
HookHarness& SharedHarness(std::string_view now = kHarnessNow);

// Small FHIR JSON builders for rule tests.
std::string Coding(std::string_view system, std::string_view code, std::string_view display = "");
// An Observation with a LOINC code and a raw value member, e.g.
// R"("valueQuantity":{"value":4.2,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"})".
std::string LoincObservation(std::string_view id, std::string_view loinc, std::string_view date,
                             std::string_view value_member, std::string_view status = "final",
                             std::string_view patient = "p1");
std::string Quantity(double value, std::string_view ucum, std::string_view comparator = "");
std::string SnomedValue(std::string_view code);  // "valueCodeableConcept": SNOMED code
// A MedicationRequest with an RxNorm medicationCodeableConcept.
std::string RxMedicationRequest(std::string_view id, std::string_view rxnorm,
                                std::string_view status, std::string_view authored = "",
                                std::string_view extra_members = "",
                                std::string_view patient = "p1");
std::string SnomedCondition(std::string_view id, std::string_view code,
                            std::string_view clinical_status = "active",
                            std::string_view extra_members = "", std::string_view patient = "p1");

}  // namespace cds::testing
