// FuzzHookCall: the whole hook call path below HTTP (fuzz_entry_points.h).
#include <memory>
#include <string>

#include "base/json.h"

#include "config/server_config.h"

#include "app/cds_hooks_service.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/support/cds_response_validator.h"

namespace cds::fuzz {
namespace {

std::unique_ptr<app::CdsHooksService> MakeService(config::DataUnavailablePolicy policy,
                                                  const Clock& clock) {
  app::ServiceOptions options;
  options.server.on_data_unavailable = policy;
  options.config_dir = BundledConfigDir();
  options.record_cards = false;  // no feedback store: nothing is written to disk
  auto service = app::CdsHooksService::Create(std::move(options), clock, /*fhir_client=*/nullptr);
  if (!service.ok()) InvariantBroken("CdsHooksService::Create: " + service.status().message());
  return std::move(service).value();
}

struct Services {
  FixedClock clock{kFixedNow};
  std::unique_ptr<app::CdsHooksService> fail =
      MakeService(config::DataUnavailablePolicy::kFail, clock);
  std::unique_ptr<app::CdsHooksService> card =
      MakeService(config::DataUnavailablePolicy::kCard, clock);
};

// What a hook call may answer. 500 means a bug; 401/403 belong to the HTTP layer.
bool IsExpectedStatus(int status) {
  return status == 200 || status == 400 || status == 404 || status == 412 || status == 413;
}

void CheckReply(const app::Reply& reply, std::string_view service_id) {
  if (!IsExpectedStatus(reply.status)) {
    InvariantBroken("service " + std::string(service_id) + " answered HTTP " +
                    std::to_string(reply.status) + ": " + reply.body);
  }
  if (reply.status == 200) {
    std::string violations = testing::CdsResponseViolations(reply.body);
    if (!violations.empty()) {
      InvariantBroken("service " + std::string(service_id) + " sent an invalid response:\n" +
                      violations);
    }
    return;
  }
  auto outcome = json::ParseJson(reply.body, ServerJsonLimits());
  CDS_FUZZ_CHECK(outcome.ok() && json::GetString(**outcome, "resourceType") == "OperationOutcome",
                 "an error reply is not an OperationOutcome");
}

}  // namespace

void FuzzHookCall(const uint8_t* data, size_t size) {
  QuietLogs();
  static Services* services = new Services();  // lives for the process, as in the server
  app::CdsHooksService& service = (size % 2 == 1) ? *services->card : *services->fail;
  std::string_view body = Text(data, size);
  for (const hooks::CdsService& s : service.registry()->services()) {
    CheckReply(service.Call(s.id(), body), s.id());
  }
  app::Reply unknown = service.Call("no-such-service", body);
  CDS_FUZZ_CHECK(unknown.status == 404, "an unknown service id did not answer 404");
}

}  // namespace cds::fuzz
