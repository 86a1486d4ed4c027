#include "hooks/rule_kit/rule_basics.h"

#include <algorithm>

#include "base/status_macros.h"

namespace cds::hooks {
namespace {

constexpr std::string_view kCommonKeys[] = {"id",      "title",    "description",      "trigger",
                                            "enabled", "citation", "override_reasons", "links"};

}  // namespace

Status RuleBuildContext::CheckKeys(std::initializer_list<std::string_view> specific) const {
  for (const auto& [name, node] : section_.Members()) {
    bool known =
        std::find(std::begin(kCommonKeys), std::end(kCommonKeys), name) != std::end(kCommonKeys) ||
        std::find(specific.begin(), specific.end(), name) != specific.end();
    if (!known) return section_.ErrorAt(name, "unknown setting for this rule (misspelt?)");
  }
  return OkStatus();
}

StatusOr<fhir::CodeSet> CodeSetOf(const config::Knowledge& knowledge, const std::string& name) {
  if (knowledge.FindValueSet(name) == nullptr) {
    return InvalidArgumentError("unknown value set '" + name + "'");
  }
  config::ValueSetCodes expanded = knowledge.Expand(name);
  fhir::CodeSet set;
  for (const config::CodeEntry& c : expanded.codes) set.Add(c.system, c.code);
  for (const config::CodeEntry& c : expanded.prefixes) set.AddPrefix(c.system, c.code);
  return set;
}

StatusOr<fhir::CodeSet> RuleBuildContext::CodeSetOf(const std::string& name) const {
  return hooks::CodeSetOf(knowledge_, name);
}

StatusOr<fhir::CodeSet> RuleBuildContext::CodeSetAt(const config::Node& n,
                                                    std::string_view key) const {
  CDS_ASSIGN_OR_RETURN(std::string name, n.String(key));
  auto set = CodeSetOf(name);
  if (!set.ok()) return n.ErrorAt(key, set.status().message());
  return set;
}

StatusOr<config::CodeEntry> RuleBuildContext::CodeAt(const config::Node& n,
                                                     std::string_view key) const {
  CDS_ASSIGN_OR_RETURN(config::Node c, n.Child(key));
  return config::ParseCodeEntry(c, knowledge_);
}

StatusOr<RuleBasics> ParseRuleBasics(const config::Node& root, const config::Knowledge& k) {
  RuleBasics b;
  CDS_ASSIGN_OR_RETURN(b.id, root.String("id"));
  CDS_ASSIGN_OR_RETURN(b.title, root.String("title"));
  CDS_ASSIGN_OR_RETURN(b.description, root.String("description"));
  CDS_ASSIGN_OR_RETURN(b.trigger, root.StringOr("trigger", ""));
  CDS_ASSIGN_OR_RETURN(b.enabled, root.BoolOr("enabled", true));
  CDS_ASSIGN_OR_RETURN(std::string citation, root.String("citation"));
  b.citation = k.FindCitation(citation);
  if (b.citation == nullptr)
    return root.ErrorAt("citation",
                        "unknown citation '" + citation + "' (see knowledge/citations/)");
  CDS_ASSIGN_OR_RETURN(auto reasons, root.OptionalArray("override_reasons"));
  for (const config::Node& r : reasons) {
    CDS_RETURN_IF_ERROR(r.CheckKnownKeys({"code", "display"}));
    cards::Coding c;
    c.system = k.override_system;
    CDS_ASSIGN_OR_RETURN(c.code, r.String("code"));
    CDS_ASSIGN_OR_RETURN(c.display, r.String("display"));
    b.override_reasons.push_back(std::move(c));
  }
  CDS_ASSIGN_OR_RETURN(auto links, root.OptionalArray("links"));
  for (const config::Node& l : links) {
    CDS_RETURN_IF_ERROR(l.CheckKnownKeys({"label", "url"}));
    cards::Link link;
    CDS_ASSIGN_OR_RETURN(link.label, l.String("label"));
    CDS_ASSIGN_OR_RETURN(link.url, l.String("url"));
    if (link.url.rfind("https://", 0) != 0) return l.ErrorAt("url", "must be an https URL");
    b.links.push_back(std::move(link));
  }
  return b;
}

}  // namespace cds::hooks
