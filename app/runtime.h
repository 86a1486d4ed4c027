// Building and running the service from settings: shared by `serve`, `eval` and tests.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"

#include "config/server_config.h"

#include "app/cds_hooks_service.h"
#include "app/cli.h"

namespace cds::app {

// The service with a FHIR client when fhir.allowed_servers is not empty.
StatusOr<std::unique_ptr<CdsHooksService>> CreateService(const config::ServerConfig& settings,
                                                         const std::string& config_dir,
                                                         const Clock& clock, bool record_cards);

// `serve`: binds, logs the start-up facts, serves until SIGINT/SIGTERM; SIGHUP reloads.
int Serve(const CommandLine& cl);

}  // namespace cds::app
