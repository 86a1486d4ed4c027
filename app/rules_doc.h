// The rule catalogue (docs/rules.md), generated from the loaded knowledge so the document
// cannot drift from what the service does; CI checks the committed file is current.
#pragma once

#include <string>

#include "hooks/service_registry.h"

namespace cds::app {

std::string RulesMarkdown(const hooks::ServiceRegistry& registry);

// The configuration reference (docs/configuration.md): every key of server.json and of
// each rule file, with its type, default or requirement, constraints and meaning, from
// the declarations the service parses with -- so it cannot drift from them either.
std::string SettingsMarkdown(const hooks::ServiceRegistry& registry);

}  // namespace cds::app
