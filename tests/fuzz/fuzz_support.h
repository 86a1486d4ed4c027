// Helpers shared by the entry point implementations (*_entry.cc). Internal to tests/fuzz.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/json.h"

#include "hooks/hook.h"
#include "hooks/request.h"
#include "hooks/service_registry.h"

#include "tests/fuzz/fuzz_entry_points.h"

namespace cds::fuzz {

inline std::string_view Text(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// 2026-11-25T12:00:00Z, the time the rule tests use (tests/support/hook_harness.h).
inline constexpr EpochMillis kFixedNow = 1795608000000;

inline constexpr hooks::Hook kAllHooks[] = {hooks::Hook::kPatientView, hooks::Hook::kOrderSelect,
                                            hooks::Hook::kOrderSign};

// <source>/config: the knowledge the service ships with.
std::string BundledConfigDir();

// The registry built from the bundled knowledge, once per process. Aborts if it does not
// load: a fuzz run against no services would prove nothing.
const hooks::ServiceRegistry& BundledRegistry();

// A deep copy of `doc` (CdsRequest::Parse takes ownership, and one input is parsed for
// several hooks).
std::unique_ptr<json::Document> CopyDocument(const json::Document& doc);

// The server's default JSON limits (config/server_config.h).
const json::JsonLimits& ServerJsonLimits();

}  // namespace cds::fuzz
