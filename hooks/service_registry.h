// ServiceRegistry: one immutable snapshot of the knowledge, its rules and the services
// they form, plus the discovery document.
//
// Build() constructs every rule from its knowledge section (validating it), checks that
// each service's rules support its hook and that every data key a rule reads has a
// prefetch template, and precomputes discovery. A reload builds a new registry and swaps
// it in whole; requests in flight keep the one they started with (shared_ptr).
// Thread-safe: immutable after Build().
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

#include "config/knowledge.h"

#include "hooks/hook.h"
#include "hooks/prefetch_template.h"
#include "hooks/rule.h"
#include "hooks/rules/all_rules.h"

namespace cds::hooks {

struct PrefetchEntry {
  std::string key;
  PrefetchTemplate query;
};

struct CdsService {
  const config::ServiceDef* def = nullptr;  // owned by the registry's Knowledge
  Hook hook = Hook::kPatientView;
  std::vector<const Rule*> rules;       // in evaluation order (disabled rules left out)
  std::vector<PrefetchEntry> prefetch;  // every key the rules may read on this hook

  const std::string& id() const { return def->id; }
  const PrefetchEntry* FindPrefetch(std::string_view key) const;
  std::vector<std::string> PrefetchKeys() const;
};

class ServiceRegistry {
 public:
  static StatusOr<std::shared_ptr<const ServiceRegistry>> Build(
      std::shared_ptr<const config::Knowledge> knowledge);
  // As above, with the rule implementations to choose from given explicitly instead of
  // AllRules() (tests build registries of small fake rules this way).
  static StatusOr<std::shared_ptr<const ServiceRegistry>> Build(
      std::shared_ptr<const config::Knowledge> knowledge,
      const std::vector<RuleRegistration>& implementations);

  const CdsService* Find(std::string_view id) const;
  const std::vector<CdsService>& services() const { return services_; }
  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }
  const Rule* FindRule(std::string_view id) const;
  const config::Knowledge& knowledge() const { return *knowledge_; }
  // GET /cds-services, serialised once.
  const std::string& discovery_json() const { return discovery_json_; }

 private:
  ServiceRegistry() = default;
  Status BuildRules(const std::vector<RuleRegistration>& implementations);
  Status BuildServices();
  void BuildDiscovery();

  std::shared_ptr<const config::Knowledge> knowledge_;
  std::vector<std::unique_ptr<Rule>> rules_;
  std::vector<CdsService> services_;
  std::string discovery_json_;
};

}  // namespace cds::hooks
