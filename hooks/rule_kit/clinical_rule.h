// ClinicalRule: how a clinical rule is written. A rule is its knowledge file plus one .cc
// holding a config struct, the declaration of its fields, a RuleDef and Evaluate():
//
//   struct Config { Exposure exposure; fhir::CodeSet igm; Threshold threshold; ... };
//
//   class IgmFlareRisk final : public ClinicalRule<Config> {
//    public:
//     using ClinicalRule::ClinicalRule;
//     void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override;  // reads c_
//   };
//
//   RuleRegistration IgmFlareRiskRule() {  // listed once in rules/all_rules.cc
//     return Register<IgmFlareRisk>({
//         .id = "igm-flare-risk",
//         .hooks = kAllHooks,
//         .data_keys = {kIgm},
//         .patient_view_data_keys = kExposureDataKeys,
//         .indicator = "warning",
//         .suggestions = "Create a ServiceRequest for {plasmapheresis.label}.",
//         .fields = [](config::Schema<Config>& s) {
//           s.Object("exposure", &Config::exposure, ExposureSchema(), "rituximab exposure");
//           ...
//         }});
//   }
//
// Register() does the rest, once per knowledge load: the common members of the file
// (rule_basics.h), the rule's own fields through its declaration (a misspelt key is an
// error with its JSON path), the RuleInfo for discovery and docs/rules.md -- whose
// trigger comes from the file's "trigger" and whose indicator and suggestions come from
// the RuleDef, all three with {placeholders} for config values such as
// {exposure.lookback} -- and a CardMaker for the rule's cards.
//
// A rule reads only the data keys its RuleDef names (plus FHIR reads of references);
// the engine fails a rule that reads another (engine.h). Rules are immutable after
// construction and evaluated concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/status_macros.h"

#include "config/binder.h"
#include "config/template.h"

#include "hooks/hook.h"
#include "hooks/rule.h"
#include "hooks/rule_kit/card_maker.h"
#include "hooks/rule_kit/data_keys.h"
#include "hooks/rule_kit/fields.h"
#include "hooks/rule_kit/rule_basics.h"

namespace cds::hooks {

inline const std::vector<Hook> kAllHooks = {Hook::kPatientView, Hook::kOrderSelect,
                                            Hook::kOrderSign};
inline const std::vector<Hook> kOrderHooks = {Hook::kOrderSelect, Hook::kOrderSign};
inline const std::vector<Hook> kPatientViewOnly = {Hook::kPatientView};

// What a rule is, besides its knowledge file and its logic.
template <typename Config>
struct RuleDef {
  std::string_view id;  // = the knowledge file's "id"
  std::vector<Hook> hooks;
  std::vector<std::string_view> data_keys;               // read on every hook
  std::vector<std::string_view> patient_view_data_keys;  // read on patient-view only
  std::string indicator;    // docs: the cards' indicators (may use {config.path})
  std::string suggestions;  // docs: what the suggestions do, "" for none (likewise)
  // Declares the rule's own fields.
  std::function<void(config::Schema<Config>&)> fields;
  // Optional: data keys the config itself names (read on every hook).
  std::function<std::vector<std::string>(const Config&)> config_data_keys = nullptr;
  // Optional: placeholders for the docs texts that are not plain config values.
  std::function<config::TextTemplate::Values(const Config&)> doc_values = nullptr;
};

// The base of every clinical rule: its validated config and its card maker.
template <typename ConfigT>
class ClinicalRule : public Rule {
 public:
  using Config = ConfigT;
  ClinicalRule(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

 protected:
  const Config c_;
  const CardMaker maker_;
};

// The parts of a RuleDef that do not depend on the config type.
struct RuleDocs {
  std::string_view id;
  const std::vector<Hook>* hooks;
  const std::vector<std::string_view>* data_keys;
  const std::vector<std::string_view>* patient_view_data_keys;
  std::vector<std::string> config_data_keys;
  const std::string* indicator;
  const std::string* suggestions;
  std::vector<std::string> config_keys;
  config::TextTemplate::Values values;  // placeholders for trigger, indicator, suggestions
};

// RuleInfo from the file's common members and the rule's docs (trigger rendered).
StatusOr<RuleInfo> MakeRuleInfo(const RuleBuildContext& ctx, const RuleDocs& docs);

// The keys of every rule file that the rule's own declaration does not name.
const std::vector<std::string>& CommonRuleKeys();

// The registration of rule class R (a ClinicalRule<Config>) described by `def`.
template <typename R>
RuleRegistration Register(const RuleDef<typename R::Config>& def) {
  using Config = typename R::Config;
  auto shared = std::make_shared<const RuleDef<Config>>(def);
  auto schema = std::make_shared<config::Schema<Config>>();
  shared->fields(*schema);
  schema->Allow(CommonRuleKeys());
  schema->UnknownKeyMessage("unknown setting for this rule (misspelt?)");
  RuleFactory make = [shared,
                      schema](const RuleBuildContext& ctx) -> StatusOr<std::unique_ptr<Rule>> {
    const RuleDef<Config>& d = *shared;
    CDS_ASSIGN_OR_RETURN(Config config, schema->Read(ctx.section(), ctx.bind()));
    RuleDocs docs{d.id,         &d.hooks,       &d.data_keys,   &d.patient_view_data_keys, {},
                  &d.indicator, &d.suggestions, schema->Keys(), schema->Texts(config)};
    if (d.config_data_keys) docs.config_data_keys = d.config_data_keys(config);
    if (d.doc_values) {
      for (auto& [name, value] : d.doc_values(config)) docs.values[name] = value;
    }
    CDS_ASSIGN_OR_RETURN(RuleInfo info, MakeRuleInfo(ctx, docs));
    return std::unique_ptr<Rule>(
        new R(std::move(info), std::move(config), CardMaker(ctx.basics(), ctx.knowledge())));
  };
  return RuleRegistration{shared->id, std::move(make), [schema] { return schema->Describe(); }};
}

}  // namespace cds::hooks
