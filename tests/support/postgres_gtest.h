// StartPostgresOrSkip: PostgresTestServer::Start() for GoogleTest suites.
//
//   std::string skip;
//   auto server = cds::testing::StartPostgresOrSkip(&skip);
//   if (server == nullptr) GTEST_SKIP() << skip;
//
// Returns nullptr with *skip_reason set when PostgreSQL is not installed, unless the
// environment variable CDS_REQUIRE_POSTGRES is set and not "0" (scripts/run-tests.sh sets
// it, as CI must test PostgreSQL), in which case that is also a test failure. A server that
// is installed but does not start is always a test failure.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "tests/support/postgres_test_server.h"

namespace cds::testing {

inline std::unique_ptr<PostgresTestServer> StartPostgresOrSkip(
    std::string* skip_reason, PostgresTestServerOptions options = {}) {
  auto server = PostgresTestServer::Start(options);
  if (server.ok()) return std::move(server).value();
  *skip_reason = server.status().message();
  if (server.status().code() != StatusCode::kNotFound) {
    ADD_FAILURE() << "PostgreSQL test server: " << server.status().ToString();
    return nullptr;
  }
  const char* required = std::getenv("CDS_REQUIRE_POSTGRES");
  if (required != nullptr && *required != '\0' && std::string_view(required) != "0") {
    ADD_FAILURE() << *skip_reason << " (CDS_REQUIRE_POSTGRES is set, so this is a failure)";
  }
  return nullptr;
}

}  // namespace cds::testing
