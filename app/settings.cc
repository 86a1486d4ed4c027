#include "app/settings.h"

#include <filesystem>

#include "base/status_macros.h"
#include "base/url.h"

#ifndef CDS_DEFAULT_CONFIG_DIR
#define CDS_DEFAULT_CONFIG_DIR "config"
#endif

namespace cds::app {

std::string ConfigDirFor(const CommandLine& cl) {
  return cl.config_dir.empty() ? std::string(CDS_DEFAULT_CONFIG_DIR) : cl.config_dir;
}

StatusOr<config::ServerConfig> LoadSettings(const CommandLine& cl) {
  std::string dir = ConfigDirFor(cl);
  config::ServerConfig c;
  std::string path = dir + "/server.json";
  if (std::filesystem::exists(path)) {
    CDS_ASSIGN_OR_RETURN(config::JsonFile file, config::ReadJsonFile(path, "server.json"));
    CDS_ASSIGN_OR_RETURN(c, config::ParseServerConfig(file.Root()));
  }
  if (cl.listen) {
    Status s = config::ParseListen(*cl.listen, &c.listen_host, &c.listen_port);
    if (!s.ok()) return s.WithContext("--listen");
  }
  if (cl.data_dir) c.data_dir = *cl.data_dir;
  if (cl.public_base_url) c.public_base_url = *cl.public_base_url;
  if (cl.log_level) c.log_level = *cl.log_level;
  for (const std::string& url : cl.allow_fhir_servers) {
    if (!ParseUrl(url))
      return InvalidArgumentError("--allow-fhir-server: '" + url + "' is not an http(s) base URL");
    c.fhir.allowed_servers.push_back(url);
  }
  if (cl.insecure_no_auth) c.auth.insecure_no_auth = true;
  CDS_RETURN_IF_ERROR(config::ValidateServerConfig(c));
  return c;
}

}  // namespace cds::app
