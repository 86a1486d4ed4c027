#include "app/cli.h"

namespace cds::app {

std::string HelpText() {
  return R"(cds-hooks-server: CDS Hooks 2.0 service for neuropathy care and rituximab safety.

Usage:
  cds-hooks-server [serve] [options]          run the HTTP service
  cds-hooks-server eval --service ID [--now DATETIME] [options] REQUEST.json
                                              evaluate one hook request offline (same code
                                              path as the server) and print the response
  cds-hooks-server rules --markdown [--config DIR]
                                              print the rule catalogue (docs/rules.md)
  cds-hooks-server settings --markdown [--config DIR]
                                              print every setting of server.json and of
                                              each rule file (docs/configuration.md)
  cds-hooks-server check-config [--config DIR]
                                              validate server.json and the knowledge, connect
                                              to the storage and report its schema version
  cds-hooks-server migrate [--config DIR] [--data-dir DIR]
                                              apply pending storage schema migrations, then
                                              exit (serve also applies them at start-up)
  cds-hooks-server --help | --version

Options (each also settable in <config>/server.json; flags win):
  --listen HOST:PORT          address to serve on (server.json "listen"; default 127.0.0.1:8080)
  --config DIR                configuration directory holding server.json and knowledge/
                              (default: the bundled config/ of this build)
  --data-dir DIR              where the SQLite database lives ("data_dir"; default ./data)
  --allow-fhir-server URL     a FHIR base URL the service may call; repeat for several
                              ("fhir.allowed_servers"; default: none, the service calls no server)
  --public-base-url URL       the base URL EHRs use to reach this service, for JWT audience
                              checks ("public_base_url"; default derived from --listen)
  --log-level LEVEL           debug, info, warn or error ("log_level"; default info)
  --insecure-no-auth          allow listening on a non-loopback address with no trusted JWT
                              issuer ("auth.insecure_no_auth"); for closed test networks only
  --now DATETIME              eval only: evaluate as of this instant (e.g. 2026-11-25T12:00:00Z)

Signals: SIGHUP reloads the knowledge (validated first; bad files keep the old knowledge);
SIGINT/SIGTERM stop the server.
)";
}

StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  size_t i = 0;
  if (!args.empty()) {
    const std::string& first = args[0];
    if (first == "serve")
      cl.command = Command::kServe, i = 1;
    else if (first == "eval")
      cl.command = Command::kEval, i = 1;
    else if (first == "rules")
      cl.command = Command::kRules, i = 1;
    else if (first == "settings")
      cl.command = Command::kSettings, i = 1;
    else if (first == "check-config")
      cl.command = Command::kCheckConfig, i = 1;
    else if (first == "migrate")
      cl.command = Command::kMigrate, i = 1;
  }
  auto value = [&](const std::string& flag) -> StatusOr<std::string> {
    if (i + 1 >= args.size()) return InvalidArgumentError(flag + " needs a value");
    return args[++i];
  };
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto take = [&](std::optional<std::string>* out) -> Status {
      auto v = value(a);
      if (!v.ok()) return v.status();
      *out = *v;
      return OkStatus();
    };
    Status st;
    if (a == "--help" || a == "-h" || a == "--version") {
      CommandLine only;
      only.command = a == "--version" ? Command::kVersion : Command::kHelp;
      return only;
    }
    if (a == "--listen")
      st = take(&cl.listen);
    else if (a == "--data-dir")
      st = take(&cl.data_dir);
    else if (a == "--public-base-url")
      st = take(&cl.public_base_url);
    else if (a == "--log-level")
      st = take(&cl.log_level);
    else if (a == "--now")
      st = take(&cl.now);
    else if (a == "--insecure-no-auth")
      cl.insecure_no_auth = true;
    else if (a == "--markdown")
      cl.markdown = true;
    else if (a == "--config" || a == "--service" || a == "--allow-fhir-server") {
      auto v = value(a);
      if (!v.ok()) return v.status();
      if (a == "--config")
        cl.config_dir = *v;
      else if (a == "--service")
        cl.service_id = *v;
      else
        cl.allow_fhir_servers.push_back(*v);
    } else if (!a.empty() && a[0] == '-') {
      return InvalidArgumentError("unknown option " + a + " (see --help)");
    } else if (cl.command == Command::kEval && cl.request_file.empty()) {
      cl.request_file = a;
    } else {
      return InvalidArgumentError("unexpected argument '" + a + "' (see --help)");
    }
    if (!st.ok()) return st;
  }
  if (cl.command == Command::kEval && (cl.service_id.empty() || cl.request_file.empty())) {
    return InvalidArgumentError("eval needs --service ID and a REQUEST.json file");
  }
  if (cl.command == Command::kRules && !cl.markdown) {
    return InvalidArgumentError("rules needs --markdown (the only format so far)");
  }
  if (cl.command == Command::kSettings && !cl.markdown) {
    return InvalidArgumentError("settings needs --markdown (the only format so far)");
  }
  return cl;
}

}  // namespace cds::app
