// cds-hooks-server: composition root. Parses the command line, loads and validates the
// configuration, builds the service and runs the requested command.
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "base/log.h"

#include "fhir/datetime.h"

#include "app/cds_hooks_service.h"
#include "app/cli.h"
#include "app/http_server.h"
#include "app/jwt_authenticator.h"
#include "app/rules_doc.h"
#include "app/runtime.h"
#include "app/settings.h"
#include <signal.h>

namespace cds::app {
namespace {

int Fail(const Status& s) {
  std::cerr << "cds-hooks-server: " << s.message() << "\n";
  return 2;
}

int RunEval(const CommandLine& cl) {
  auto settings = LoadSettings(cl);
  if (!settings.ok()) return Fail(settings.status());
  EpochMillis now = SystemClock().Now();
  if (cl.now) {
    auto t = fhir::ParseFhirDateTime(*cl.now);
    if (!t.ok()) return Fail(InvalidArgumentError("--now must be a FHIR dateTime"));
    now = t->begin;
  }
  FixedClock clock(now);
  SetLogLevel(LogLevel::kWarn);
  auto service = CreateService(*settings, ConfigDirFor(cl), clock, /*record_cards=*/false);
  if (!service.ok()) return Fail(service.status());
  std::ifstream in(cl.request_file, std::ios::binary);
  if (!in) return Fail(InvalidArgumentError("cannot read " + cl.request_file));
  std::stringstream body;
  body << in.rdbuf();
  Reply r = (*service)->Call(cl.service_id, body.str());
  std::cout << r.body << "\n";
  std::cerr << "HTTP " << r.status << "\n";
  return r.status == 200 ? 0 : 1;
}

int RunRules(const CommandLine& cl) {
  auto registry = LoadRegistry(ConfigDirFor(cl));
  if (!registry.ok()) return Fail(registry.status());
  std::cout << RulesMarkdown(**registry);
  return 0;
}

int RunSettings(const CommandLine& cl) {
  auto registry = LoadRegistry(ConfigDirFor(cl));
  if (!registry.ok()) return Fail(registry.status());
  std::cout << SettingsMarkdown(**registry);
  return 0;
}

// Validates what `serve` validates before it binds: the settings with the flags applied,
// the knowledge, and the trusted issuers' key files.
int RunCheckConfig(const CommandLine& cl) {
  auto settings = LoadSettings(cl);
  if (!settings.ok()) return Fail(settings.status());
  auto registry = LoadRegistry(ConfigDirFor(cl));
  if (!registry.ok()) return Fail(registry.status());
  if (!settings->auth.issuers.empty()) {
    SystemClock clock;
    auto auth = JwtAuthenticator::Create(*settings, clock);
    if (!auth.ok()) return Fail(auth.status());
  }
  auto storage = CheckStorage(*settings);
  if (!storage.ok()) return Fail(storage.status());
  std::cout << "configuration OK: knowledge " << (*registry)->knowledge().version << ", "
            << (*registry)->services().size() << " services, " << (*registry)->rules().size()
            << " rules\n"
            << *storage << "\n";
  return 0;
}

}  // namespace
}  // namespace cds::app

int main(int argc, char** argv) {
  using namespace cds::app;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto cl = ParseCommandLine(args);
  if (!cl.ok()) {
    std::cerr << "cds-hooks-server: " << cl.status().message() << "\n";
    return 2;
  }
  switch (cl->command) {
    case Command::kHelp:
      std::cout << HelpText();
      return 0;
    case Command::kVersion:
      std::cout << "cds-hooks-server " << CDS_VERSION << "\n";
      return 0;
    case Command::kEval:
      return RunEval(*cl);
    case Command::kRules:
      return RunRules(*cl);
    case Command::kSettings:
      return RunSettings(*cl);
    case Command::kCheckConfig:
      return RunCheckConfig(*cl);
    case Command::kMigrate:
      return Migrate(*cl);
    case Command::kServe:
      return Serve(*cl);
  }
  return 2;
}
