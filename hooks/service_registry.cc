#include "hooks/service_registry.h"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "base/status_macros.h"

namespace cds::hooks {

const PrefetchEntry* CdsService::FindPrefetch(std::string_view key) const {
  for (const PrefetchEntry& p : prefetch) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

std::vector<std::string> CdsService::PrefetchKeys() const {
  std::vector<std::string> keys;
  for (const PrefetchEntry& p : prefetch) keys.push_back(p.key);
  return keys;
}

StatusOr<std::shared_ptr<const ServiceRegistry>> ServiceRegistry::Build(
    std::shared_ptr<const config::Knowledge> knowledge) {
  return Build(std::move(knowledge), AllRules());
}

StatusOr<std::shared_ptr<const ServiceRegistry>> ServiceRegistry::Build(
    std::shared_ptr<const config::Knowledge> knowledge,
    const std::vector<RuleRegistration>& implementations) {
  std::shared_ptr<ServiceRegistry> r(new ServiceRegistry());
  r->knowledge_ = std::move(knowledge);
  CDS_RETURN_IF_ERROR(r->BuildRules(implementations));
  CDS_RETURN_IF_ERROR(r->BuildServices());
  r->BuildDiscovery();
  return std::shared_ptr<const ServiceRegistry>(std::move(r));
}

Status ServiceRegistry::BuildRules(const std::vector<RuleRegistration>& all) {
  for (const auto& [id, file] : knowledge_->rule_files) {
    auto reg = std::find_if(all.begin(), all.end(),
                            [&id = id](const RuleRegistration& x) { return x.id == id; });
    if (reg == all.end()) {
      return InvalidArgumentError(file.name + ": no rule implementation is named '" + id + "'");
    }
    config::Node root = file.Root();
    CDS_ASSIGN_OR_RETURN(RuleBasics basics, ParseRuleBasics(root, *knowledge_));
    RuleBuildContext ctx(*knowledge_, root, std::move(basics));
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<Rule> rule, reg->make(ctx));
    if (!ctx.basics().enabled) continue;
    rules_.push_back(std::move(rule));
  }
  return OkStatus();
}

const CdsService* ServiceRegistry::Find(std::string_view id) const {
  for (const CdsService& s : services_) {
    if (s.id() == id) return &s;
  }
  return nullptr;
}

const Rule* ServiceRegistry::FindRule(std::string_view id) const {
  for (const auto& r : rules_) {
    if (r->info().id == id) return r.get();
  }
  return nullptr;
}

Status ServiceRegistry::BuildServices() {
  for (const config::ServiceDef& def : knowledge_->services) {
    std::string where = "knowledge/services: service '" + def.id + "'";
    CdsService s;
    s.def = &def;
    auto hook = ParseHook(def.hook);
    if (!hook)
      return InvalidArgumentError(where + ": hook '" + def.hook +
                                  "' is not patient-view, order-select or order-sign");
    s.hook = *hook;
    std::vector<std::string> keys;
    for (const std::string& rule_id : def.rules) {
      const Rule* rule = FindRule(rule_id);
      if (rule == nullptr) continue;  // disabled in its knowledge file
      const RuleInfo& info = rule->info();
      if (std::find(info.hooks.begin(), info.hooks.end(), s.hook) == info.hooks.end()) {
        return InvalidArgumentError(where + ": rule '" + rule_id + "' does not run on " + def.hook);
      }
      s.rules.push_back(rule);
      keys.insert(keys.end(), info.data_keys.begin(), info.data_keys.end());
      if (s.hook == Hook::kPatientView) {
        keys.insert(keys.end(), info.patient_view_data_keys.begin(),
                    info.patient_view_data_keys.end());
      }
    }
    for (const std::string& key : keys) {
      if (s.FindPrefetch(key) != nullptr) continue;
      auto def_it = knowledge_->prefetch.find(key);
      if (def_it == knowledge_->prefetch.end()) {
        return InvalidArgumentError(where + ": its rules read data key '" + key +
                                    "', which no knowledge/prefetch/*.json defines");
      }
      auto tmpl = PrefetchTemplate::Parse(def_it->second.query);
      if (!tmpl.ok()) return tmpl.status().WithContext("knowledge/prefetch: " + key);
      s.prefetch.push_back({key, std::move(tmpl).value()});
    }
    services_.push_back(std::move(s));
  }
  return OkStatus();
}

void ServiceRegistry::BuildDiscovery() {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&w](const char* key, const std::string& v) {
    if (v.empty()) return;
    w.Key(key);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  w.Key("services");
  w.StartArray();
  for (const CdsService& s : services_) {
    w.StartObject();
    str("hook", s.def->hook);
    str("id", s.def->id);
    str("title", s.def->title);
    str("description", s.def->description);
    if (!s.prefetch.empty()) {
      w.Key("prefetch");
      w.StartObject();
      for (const PrefetchEntry& p : s.prefetch) str(p.key.c_str(), p.query.text());
      w.EndObject();
    }
    str("usageRequirements", s.def->usage_requirements);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  discovery_json_.assign(buf.GetString(), buf.GetSize());
}

}  // namespace cds::hooks
