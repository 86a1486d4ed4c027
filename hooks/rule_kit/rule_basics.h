// What every rule's knowledge file has in common, and the context a rule is built in.
//
// Every knowledge/rules/<id>.json carries: id, title, description, trigger, enabled,
// citation, override_reasons, links. A rule reads its own settings from the same file
// (Envoy style: typed config validated once, at start-up or reload) through
// RuleBuildContext -- a ClinicalRule (clinical_rule.h) through its config declaration.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

#include "cards/card.h"
#include "config/binder.h"
#include "config/knowledge.h"
#include "config/node.h"
#include "config/template.h"
#include "fhir/coding.h"

#include "hooks/rule.h"

namespace cds::hooks {

struct RuleBasics {
  std::string id;
  std::string title;
  std::string description;
  std::string trigger;  // when the rule fires, for docs/rules.md ({config} placeholders)
  bool enabled = true;
  const config::Citation* citation = nullptr;  // owned by the Knowledge
  std::vector<cards::Coding> override_reasons;
  std::vector<cards::Link> links;
};

class RuleBuildContext {
 public:
  RuleBuildContext(const config::Knowledge& knowledge, config::Node section, RuleBasics basics)
      : knowledge_(knowledge), section_(std::move(section)), basics_(std::move(basics)) {}

  const config::Knowledge& knowledge() const { return knowledge_; }
  const config::Node& section() const { return section_; }
  const RuleBasics& basics() const { return basics_; }
  // What config::Schema readers consult (the knowledge, for value sets and code systems).
  config::BindContext bind() const { return config::BindContext{&knowledge_}; }

  // Fails naming the first member that is neither common nor in `specific`.
  Status CheckKeys(std::initializer_list<std::string_view> specific) const;
  // The CodeSet of value set named by string member `key` of `n` (codes and prefixes).
  StatusOr<fhir::CodeSet> CodeSetAt(const config::Node& n, std::string_view key) const;
  StatusOr<fhir::CodeSet> CodeSetOf(const std::string& value_set_name) const;
  // A single code entry object at member `key`.
  StatusOr<config::CodeEntry> CodeAt(const config::Node& n, std::string_view key) const;

 private:
  const config::Knowledge& knowledge_;
  config::Node section_;
  RuleBasics basics_;
};

// The codes of value set `name`, includes expanded; kInvalidArgument if there is none.
StatusOr<fhir::CodeSet> CodeSetOf(const config::Knowledge& knowledge, const std::string& name);

StatusOr<RuleBasics> ParseRuleBasics(const config::Node& root, const config::Knowledge& k);

// Builds a rule from its knowledge file (validating it).
using RuleFactory = std::function<StatusOr<std::unique_ptr<Rule>>(const RuleBuildContext&)>;

// A rule implementation and the id of the knowledge file it reads.
struct RuleRegistration {
  std::string_view id;
  RuleFactory make;
  // The rule's own settings, one line per key (ClinicalRule only; empty otherwise).
  std::function<std::vector<config::FieldDoc>()> describe = nullptr;
};

}  // namespace cds::hooks
