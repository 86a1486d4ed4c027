// CdsHooksService: the service's protocol operations, independent of HTTP.
//
// Discovery, a hook call and feedback each take bytes in and give an HTTP status and
// body out, so the HTTP server, the `eval` command and the tests all run the same code
// path. Owns the current knowledge snapshot (swapped whole on reload, validated first),
// the rule engine, the FHIR client and the store.
//
// Storage failures: a hook call answers with its cards even when its issued cards cannot
// be recorded (logged). Feedback is answered 200 only after its commit; when the store is
// unavailable the answer is 503 with Retry-After, never 200.
//
// Thread-safe: calls run concurrently; ReloadKnowledge() may run at any time and
// in-flight calls finish on the snapshot they started with.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"

#include "config/server_config.h"
#include "fhir/fhir_client.h"
#include "store/store.h"

#include "hooks/engine.h"
#include "hooks/service_registry.h"

namespace cds::app {

struct Reply {
  int status = 200;
  std::string body;
  // > 0: the HTTP layer sends "Retry-After: <seconds>" (a 503 while storage is unavailable).
  int retry_after_s = 0;
};

struct ServiceOptions {
  config::ServerConfig server;
  std::string config_dir;    // holds knowledge/
  bool record_cards = true;  // false for offline `eval`: nothing is written
};

class CdsHooksService {
 public:
  // `fhir_client` may be null (no FHIR server is ever called). `store` (see
  // app/runtime.h OpenStore) must be given when options.record_cards is set, and is then
  // where issued cards and feedback go.
  static StatusOr<std::unique_ptr<CdsHooksService>> Create(
      ServiceOptions options, const Clock& clock, std::unique_ptr<fhir::FhirClient> fhir_client,
      std::unique_ptr<store::Store> store = nullptr);

  Reply Discovery() const;
  Reply Call(std::string_view service_id, std::string_view body);
  Reply Feedback(std::string_view service_id, std::string_view body);
  bool HasService(std::string_view service_id) const;

  // Loads and validates the knowledge again; on any error keeps serving the old one.
  Status ReloadKnowledge();

  std::shared_ptr<const hooks::ServiceRegistry> registry() const;
  store::Store* store() { return store_.get(); }
  const ServiceOptions& options() const { return options_; }

 private:
  CdsHooksService(ServiceOptions options, const Clock& clock,
                  std::unique_ptr<fhir::FhirClient> client);
  void RecordIssuedCards(const hooks::CdsRequest& request, const std::string& service_id,
                         const hooks::HookResult& result);
  static void WithholdInvalidCards(const hooks::ServiceRegistry& registry,
                                   const hooks::CdsService& service, hooks::HookResult& result);

  ServiceOptions options_;
  const Clock& clock_;
  std::unique_ptr<fhir::FhirClient> fhir_client_;
  hooks::Engine engine_;
  std::unique_ptr<store::Store> store_;
  mutable std::mutex mu_;  // guards registry_ (the pointer, not the registry)
  std::shared_ptr<const hooks::ServiceRegistry> registry_;
  std::mutex reload_mu_;  // one reload at a time
};

// Loads <config_dir>/knowledge and builds the registry (used at start-up, on reload,
// and by the `rules` command).
StatusOr<std::shared_ptr<const hooks::ServiceRegistry>> LoadRegistry(const std::string& config_dir);

}  // namespace cds::app
