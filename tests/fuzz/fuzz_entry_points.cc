#include "tests/fuzz/fuzz_entry_points.h"

#include <cstdio>
#include <cstdlib>

#include "base/log.h"

#include "config/server_config.h"

#include "app/cds_hooks_service.h"
#include "tests/fuzz/fuzz_support.h"

namespace cds::fuzz {

const std::vector<FuzzTarget>& AllTargets() {
  static const std::vector<FuzzTarget> targets = {
      {"request", &FuzzRequest},
      {"hook_call", &FuzzHookCall},
      {"fhir_views", &FuzzFhirViews},
      {"prefetch_template", &FuzzPrefetchTemplate},
      {"jwt", &FuzzJwt},
      {"feedback", &FuzzFeedback},
#ifdef CDS_FUZZ_HAVE_DOSAGE
      {"dosage", &FuzzDosage},
#endif
  };
  return targets;
}

void QuietLogs() {
  static const bool done = [] {
    SetLogLevel(LogLevel::kDebug);  // build every line: escaping hostile values is under test
    SetLogSink([](std::string_view) {});
    return true;
  }();
  (void)done;
}

void InvariantBroken(std::string_view what) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

std::string BundledConfigDir() { return std::string(CDS_SOURCE_DIR "/config"); }

const hooks::ServiceRegistry& BundledRegistry() {
  static const std::shared_ptr<const hooks::ServiceRegistry> registry = [] {
    auto r = app::LoadRegistry(BundledConfigDir());
    if (!r.ok()) InvariantBroken("bundled knowledge does not load: " + r.status().message());
    return std::move(r).value();
  }();
  return *registry;
}

std::unique_ptr<json::Document> CopyDocument(const json::Document& doc) {
  auto copy = std::make_unique<json::Document>();
  copy->CopyFrom(doc, copy->GetAllocator());
  return copy;
}

const json::JsonLimits& ServerJsonLimits() {
  static const json::JsonLimits limits = config::LimitsConfig{}.json;
  return limits;
}

}  // namespace cds::fuzz
