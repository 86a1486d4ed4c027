#include "hooks/rule_kit/clinical_rule.h"

#include <algorithm>

namespace cds::hooks {
namespace {

void AddUnique(std::vector<std::string>& keys, std::string_view key) {
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.emplace_back(key);
}

// A docs text of the RuleDef, with the config's values: a bad placeholder is a bug in the
// rule's C++, reported as such.
StatusOr<std::string> RenderDocText(std::string_view rule_id, std::string_view what,
                                    const std::string& text, const std::vector<std::string>& names,
                                    const config::TextTemplate::Values& values) {
  auto t = config::TextTemplate::Parse(text, names);
  if (!t.ok()) {
    return InternalError("rule " + std::string(rule_id) + ": RuleDef " + std::string(what) + ": " +
                         t.status().message());
  }
  return t->Render(values);
}

}  // namespace

const std::vector<std::string>& CommonRuleKeys() {
  static const std::vector<std::string> keys = {
      "id", "title", "description", "trigger", "enabled", "citation", "override_reasons", "links"};
  return keys;
}

StatusOr<RuleInfo> MakeRuleInfo(const RuleBuildContext& ctx, const RuleDocs& docs) {
  const RuleBasics& b = ctx.basics();
  RuleInfo info;
  info.id = b.id;
  info.title = b.title;
  info.hooks = *docs.hooks;
  for (std::string_view k : *docs.data_keys) AddUnique(info.data_keys, k);
  for (const std::string& k : docs.config_data_keys) AddUnique(info.data_keys, k);
  for (std::string_view k : *docs.patient_view_data_keys) AddUnique(info.patient_view_data_keys, k);
  info.reads_only_declared_keys = true;
  std::vector<std::string> names;
  for (const auto& [name, value] : docs.values) names.push_back(name);
  if (b.trigger.empty()) return ctx.section().ErrorAt("trigger", "is required");
  auto trigger = config::TextTemplate::Parse(b.trigger, names);
  if (!trigger.ok()) return ctx.section().ErrorAt("trigger", trigger.status().message());
  info.trigger = trigger->Render(docs.values);
  auto indicator = RenderDocText(docs.id, "indicator", *docs.indicator, names, docs.values);
  if (!indicator.ok()) return indicator.status();
  info.indicator = *indicator;
  auto suggestions = RenderDocText(docs.id, "suggestions", *docs.suggestions, names, docs.values);
  if (!suggestions.ok()) return suggestions.status();
  info.suggestions = *suggestions;
  info.config_keys = docs.config_keys;
  info.citation_id = b.citation->id;
  return info;
}

}  // namespace cds::hooks
