// Assembles the effective ServerConfig: <config>/server.json, then command-line flags.
#pragma once

#include <string>

#include "base/status.h"

#include "config/server_config.h"

#include "app/cli.h"

namespace cds::app {

// The config directory a command line selects (the bundled one by default).
std::string ConfigDirFor(const CommandLine& cl);

StatusOr<config::ServerConfig> LoadSettings(const CommandLine& cl);

}  // namespace cds::app
