// Command line of cds-hooks-server. Every flag has a server.json equivalent; flags win.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace cds::app {

enum class Command { kServe, kEval, kRules, kSettings, kCheckConfig, kMigrate, kHelp, kVersion };

struct CommandLine {
  Command command = Command::kServe;
  std::string config_dir;  // "" = the bundled config/
  std::optional<std::string> listen;
  std::optional<std::string> data_dir;
  std::optional<std::string> public_base_url;
  std::optional<std::string> log_level;
  std::vector<std::string> allow_fhir_servers;
  bool insecure_no_auth = false;
  // eval
  std::string service_id;
  std::string request_file;
  std::optional<std::string> now;  // fixed clock for eval, FHIR dateTime
  // rules, settings
  bool markdown = false;
};

StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args);
std::string HelpText();

}  // namespace cds::app
