// Knowledge: the clinical content of the service, as data.
//
// Loaded from a directory (config/knowledge/ by default):
//   meta.json         version, publisher, the code system of rule ids, system aliases
//   valuesets/*.json  named code lists (system + code + display + where it comes from)
//   citations/*.json  guidelines the cards cite
//   prefetch/*.json   FHIR queries (prefetch templates) by key
//   services/*.json   the CDS services and the rules each runs (files in name order)
//   rules/<id>.json   one rule's thresholds, windows, doses, card text, suggestions
// Each area may be split across files (one per clinical topic); a name defined twice is
// an error.
//
// LoadKnowledge validates everything it can without knowing the rules' logic (references
// between files, code entries, templates); each rule validates its own section when
// hooks/ builds it. Errors name the file and JSON path. The result is immutable and
// shared read-only between request threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

#include "config/node.h"

namespace cds::config {

struct CodeEntry {
  std::string system;  // full URI (aliases resolved)
  std::string code;
  std::string display;
  std::string source;  // provenance, e.g. "RXP (IN); USCAS"
};

struct ValueSet {
  std::string name;
  std::string description;
  std::vector<CodeEntry> codes;
  std::vector<CodeEntry> prefixes;    // hierarchical matches (ATC "N02A")
  std::vector<std::string> includes;  // other value sets merged in
};

// A value set with its includes expanded.
struct ValueSetCodes {
  std::vector<CodeEntry> codes;
  std::vector<CodeEntry> prefixes;
};

struct Citation {
  std::string id;
  std::string label;      // shown as card.source.label
  std::string url;        // only where certain; may be empty
  std::string reference;  // full bibliographic text for docs/rules.md
};

struct PrefetchKeyDef {
  std::string key;
  std::string query;  // the template, value-set macros expanded
  std::string description;
};

struct ServiceDef {
  std::string id;
  std::string hook;
  std::string title;
  std::string description;
  std::string usage_requirements;
  std::vector<std::string> rules;  // evaluated in this order
};

class Knowledge {
 public:
  std::string version;
  std::string publisher;        // e.g. "Neuropathy CDS"
  std::string rule_system;      // source.topic.system of every card
  std::string override_system;  // system of override-reason codings
  // The card shown when checks could not run because data was unavailable (only when
  // other cards are returned, or with on_data_unavailable = "card").
  std::string unavailable_summary;
  std::string unavailable_detail;
  std::map<std::string, std::string> system_aliases;  // "loinc" -> "http://loinc.org"
  std::map<std::string, ValueSet> value_sets;
  std::map<std::string, Citation> citations;
  std::map<std::string, PrefetchKeyDef> prefetch;
  std::vector<ServiceDef> services;
  std::map<std::string, JsonFile> rule_files;  // rule id -> its file

  const ValueSet* FindValueSet(const std::string& name) const;
  // The value set's codes and prefixes with every `includes` expanded, depth first in the
  // order written, each value set once (cycles are refused at load). Empty if unknown.
  ValueSetCodes Expand(const std::string& name) const;
  const Citation* FindCitation(const std::string& id) const;
  // A system alias or URI -> URI ("" if neither).
  std::string ResolveSystem(const std::string& alias_or_uri) const;
};

StatusOr<std::shared_ptr<const Knowledge>> LoadKnowledge(const std::string& dir);

// Parses {"system": "loinc", "code": "...", "display": "...", "source": "..."} entries.
StatusOr<CodeEntry> ParseCodeEntry(const Node& n, const Knowledge& k);

}  // namespace cds::config
