// The rule catalogue (docs/rules.md), generated from the loaded knowledge so the document
// cannot drift from what the service does; CI checks the committed file is current.
#pragma once

#include <string>

#include "hooks/service_registry.h"

namespace cds::app {

std::string RulesMarkdown(const hooks::ServiceRegistry& registry);

}  // namespace cds::app
