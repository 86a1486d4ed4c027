#include "config/knowledge.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "base/status_macros.h"

namespace cds::config {
namespace {

namespace fs = std::filesystem;

Status LoadCitationFile(const JsonFile& f, Knowledge* k);
Status LoadPrefetchFile(const JsonFile& f, Knowledge* k);
Status LoadServiceFile(const JsonFile& f, Knowledge* k, std::set<std::string>& ids);

std::vector<fs::path> JsonFilesIn(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());  // deterministic load order and error order
  return out;
}

Status LoadMeta(const fs::path& dir, Knowledge* k) {
  CDS_ASSIGN_OR_RETURN(JsonFile f,
                       ReadJsonFile((dir / "meta.json").string(), "knowledge/meta.json"));
  Node root = f.Root();
  CDS_RETURN_IF_ERROR(root.CheckKnownKeys(
      {"version", "publisher", "rule_system", "override_system", "systems", "unavailable_card"}));
  CDS_ASSIGN_OR_RETURN(Node unavailable, root.Child("unavailable_card"));
  CDS_RETURN_IF_ERROR(unavailable.CheckKnownKeys({"summary", "detail"}));
  CDS_ASSIGN_OR_RETURN(k->unavailable_summary, unavailable.String("summary"));
  CDS_ASSIGN_OR_RETURN(k->unavailable_detail, unavailable.String("detail"));
  CDS_ASSIGN_OR_RETURN(k->version, root.String("version"));
  CDS_ASSIGN_OR_RETURN(k->publisher, root.String("publisher"));
  CDS_ASSIGN_OR_RETURN(k->rule_system, root.String("rule_system"));
  CDS_ASSIGN_OR_RETURN(k->override_system, root.String("override_system"));
  CDS_ASSIGN_OR_RETURN(Node systems, root.Child("systems"));
  for (auto& [alias, uri] : systems.Members()) {
    if (!uri.value().IsString()) return uri.Error("must be a code system URI");
    k->system_aliases[alias] = std::string(json::AsStringView(uri.value()));
  }
  return OkStatus();
}

// Includes must exist and must not form a cycle. A depth-first walk that tracks the
// current path: a value set reached along two paths (A includes B and C, both include D)
// is not a cycle; one reached again on its own path is.
Status CheckIncludes(const Knowledge& k) {
  struct Frame {
    const ValueSet* vs;
    size_t next;
  };
  std::set<std::string> done;  // fully walked: no cycle below
  for (const auto& [name, root] : k.value_sets) {
    std::vector<Frame> path{{&root, 0}};
    std::set<std::string> on_path{name};
    while (!path.empty()) {
      Frame& top = path.back();
      if (top.next == top.vs->includes.size()) {
        on_path.erase(top.vs->name);
        done.insert(top.vs->name);
        path.pop_back();
        continue;
      }
      const std::string& inc = top.vs->includes[top.next++];
      const ValueSet* other = k.FindValueSet(inc);
      if (other == nullptr) {
        return InvalidArgumentError("knowledge/valuesets: '" + top.vs->name +
                                    "' includes unknown value set '" + inc + "'");
      }
      if (on_path.count(inc)) {
        return InvalidArgumentError("knowledge/valuesets: '" + name + "' includes '" + inc +
                                    "' in a cycle");
      }
      if (done.count(inc)) continue;
      on_path.insert(inc);
      path.push_back({other, 0});  // invalidates `top`; not used after
    }
  }
  return OkStatus();
}

Status LoadValueSets(const fs::path& dir, Knowledge* k) {
  for (const fs::path& p : JsonFilesIn(dir / "valuesets")) {
    CDS_ASSIGN_OR_RETURN(JsonFile f,
                         ReadJsonFile(p.string(), "knowledge/valuesets/" + p.filename().string()));
    for (auto& [name, node] : f.Root().Members()) {
      CDS_RETURN_IF_ERROR(node.CheckKnownKeys({"description", "codes", "prefixes", "includes"}));
      if (k->value_sets.count(name)) return node.Error("value set '" + name + "' is defined twice");
      ValueSet vs;
      vs.name = name;
      CDS_ASSIGN_OR_RETURN(vs.description, node.String("description"));
      CDS_ASSIGN_OR_RETURN(auto codes, node.OptionalArray("codes"));
      for (const Node& c : codes) {
        CDS_ASSIGN_OR_RETURN(CodeEntry e, ParseCodeEntry(c, *k));
        vs.codes.push_back(std::move(e));
      }
      CDS_ASSIGN_OR_RETURN(auto prefixes, node.OptionalArray("prefixes"));
      for (const Node& c : prefixes) {
        CDS_ASSIGN_OR_RETURN(CodeEntry e, ParseCodeEntry(c, *k));
        vs.prefixes.push_back(std::move(e));
      }
      CDS_ASSIGN_OR_RETURN(vs.includes, node.StringListOr("includes"));
      if (vs.codes.empty() && vs.prefixes.empty() && vs.includes.empty()) {
        return node.Error("a value set needs codes, prefixes or includes");
      }
      k->value_sets.emplace(name, std::move(vs));
    }
  }
  return CheckIncludes(*k);
}

Status LoadCitations(const fs::path& dir, Knowledge* k) {
  for (const fs::path& p : JsonFilesIn(dir / "citations")) {
    CDS_ASSIGN_OR_RETURN(JsonFile f,
                         ReadJsonFile(p.string(), "knowledge/citations/" + p.filename().string()));
    CDS_RETURN_IF_ERROR(LoadCitationFile(f, k));
  }
  return OkStatus();
}

Status LoadCitationFile(const JsonFile& f, Knowledge* k) {
  for (auto& [id, node] : f.Root().Members()) {
    CDS_RETURN_IF_ERROR(node.CheckKnownKeys({"label", "url", "reference"}));
    Citation c;
    c.id = id;
    CDS_ASSIGN_OR_RETURN(c.label, node.String("label"));
    CDS_ASSIGN_OR_RETURN(c.url, node.StringOr("url", ""));
    CDS_ASSIGN_OR_RETURN(c.reference, node.String("reference"));
    if (!c.url.empty() && c.url.rfind("https://", 0) != 0)
      return node.ErrorAt("url", "must be an https URL");
    if (!k->citations.emplace(id, std::move(c)).second)
      return node.Error("citation '" + id + "' is defined twice");
  }
  return OkStatus();
}

// Expands "${codes:name}" into "system|code,system|code" (FHIR token OR-list).
StatusOr<std::string> ExpandQuery(const Node& n, const std::string& query, const Knowledge& k) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t start = query.find("${", pos);
    if (start == std::string::npos) break;
    size_t end = query.find('}', start);
    if (end == std::string::npos) return n.ErrorAt("query", "unterminated ${...}");
    out.append(query, pos, start - pos);
    std::string macro = query.substr(start + 2, end - start - 2);
    if (macro.rfind("codes:", 0) != 0) return n.ErrorAt("query", "unknown macro ${" + macro + "}");
    std::string name = macro.substr(6);
    if (k.FindValueSet(name) == nullptr)
      return n.ErrorAt("query", "unknown value set '" + name + "'");
    std::vector<CodeEntry> codes = k.Expand(name).codes;
    if (codes.empty()) {  // "code=" is ignored by FHIR servers: the query would fetch everything
      return n.ErrorAt(
          "query", "value set '" + name + "' has no codes to list (prefixes cannot be queried)");
    }
    bool first = true;
    for (const CodeEntry& c : codes) {
      if (!first) out += ',';
      first = false;
      out += c.system + "|" + c.code;
    }
    pos = end + 1;
  }
  out.append(query, pos, std::string::npos);
  return out;
}

Status LoadPrefetch(const fs::path& dir, Knowledge* k) {
  for (const fs::path& p : JsonFilesIn(dir / "prefetch")) {
    CDS_ASSIGN_OR_RETURN(JsonFile f,
                         ReadJsonFile(p.string(), "knowledge/prefetch/" + p.filename().string()));
    CDS_RETURN_IF_ERROR(LoadPrefetchFile(f, k));
  }
  return OkStatus();
}

Status LoadPrefetchFile(const JsonFile& f, Knowledge* k) {
  for (auto& [key, node] : f.Root().Members()) {
    CDS_RETURN_IF_ERROR(node.CheckKnownKeys({"query", "description"}));
    PrefetchKeyDef d;
    d.key = key;
    CDS_ASSIGN_OR_RETURN(std::string raw, node.String("query"));
    CDS_ASSIGN_OR_RETURN(d.query, ExpandQuery(node, raw, *k));
    CDS_ASSIGN_OR_RETURN(d.description, node.String("description"));
    if (!k->prefetch.emplace(key, std::move(d)).second)
      return node.Error("prefetch key '" + key + "' is defined twice");
  }
  return OkStatus();
}

Status LoadRules(const fs::path& dir, Knowledge* k) {
  for (const fs::path& p : JsonFilesIn(dir / "rules")) {
    std::string name = "knowledge/rules/" + p.filename().string();
    CDS_ASSIGN_OR_RETURN(JsonFile f, ReadJsonFile(p.string(), name));
    Node root = f.Root();
    CDS_RETURN_IF_ERROR(root.ExpectObject());
    CDS_ASSIGN_OR_RETURN(std::string id, root.String("id"));
    if (id != p.stem().string())
      return root.ErrorAt("id", "must equal the file name ('" + p.stem().string() + "')");
    k->rule_files.emplace(id, std::move(f));
  }
  return OkStatus();
}

Status LoadServices(const fs::path& dir, Knowledge* k) {
  std::set<std::string> ids;
  for (const fs::path& p : JsonFilesIn(dir / "services")) {
    CDS_ASSIGN_OR_RETURN(JsonFile f,
                         ReadJsonFile(p.string(), "knowledge/services/" + p.filename().string()));
    CDS_RETURN_IF_ERROR(LoadServiceFile(f, k, ids));
  }
  return OkStatus();
}

Status LoadServiceFile(const JsonFile& f, Knowledge* k, std::set<std::string>& ids) {
  CDS_ASSIGN_OR_RETURN(auto services, f.Root().Array("services"));
  for (const Node& n : services) {
    CDS_RETURN_IF_ERROR(
        n.CheckKnownKeys({"id", "hook", "title", "description", "usageRequirements", "rules"}));
    ServiceDef s;
    CDS_ASSIGN_OR_RETURN(s.id, n.String("id"));
    CDS_ASSIGN_OR_RETURN(s.hook, n.String("hook"));
    CDS_ASSIGN_OR_RETURN(s.title, n.String("title"));
    CDS_ASSIGN_OR_RETURN(s.description, n.String("description"));
    CDS_ASSIGN_OR_RETURN(s.usage_requirements, n.StringOr("usageRequirements", ""));
    CDS_ASSIGN_OR_RETURN(s.rules, n.StringList("rules"));
    for (char c : s.id) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
        return n.ErrorAt("id", "must be URL-path-safe ([A-Za-z0-9._-])");
      }
    }
    if (!ids.insert(s.id).second) return n.ErrorAt("id", "service '" + s.id + "' is defined twice");
    for (const std::string& r : s.rules) {
      if (!k->rule_files.count(r))
        return n.ErrorAt("rules", "unknown rule '" + r + "' (no knowledge/rules/" + r + ".json)");
    }
    k->services.push_back(std::move(s));
  }
  return OkStatus();
}

}  // namespace

const ValueSet* Knowledge::FindValueSet(const std::string& name) const {
  auto it = value_sets.find(name);
  return it == value_sets.end() ? nullptr : &it->second;
}

ValueSetCodes Knowledge::Expand(const std::string& name) const {
  ValueSetCodes out;
  std::vector<std::string> stack{name};
  std::set<std::string> seen;
  while (!stack.empty()) {
    std::string n = stack.back();
    stack.pop_back();
    const ValueSet* vs = FindValueSet(n);
    if (vs == nullptr || !seen.insert(n).second) continue;
    out.codes.insert(out.codes.end(), vs->codes.begin(), vs->codes.end());
    out.prefixes.insert(out.prefixes.end(), vs->prefixes.begin(), vs->prefixes.end());
    stack.insert(stack.end(), vs->includes.rbegin(), vs->includes.rend());  // first on top
  }
  return out;
}

const Citation* Knowledge::FindCitation(const std::string& id) const {
  auto it = citations.find(id);
  return it == citations.end() ? nullptr : &it->second;
}

std::string Knowledge::ResolveSystem(const std::string& s) const {
  if (auto it = system_aliases.find(s); it != system_aliases.end()) return it->second;
  if (s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("urn:", 0) == 0)
    return s;
  return "";
}

StatusOr<CodeEntry> ParseCodeEntry(const Node& n, const Knowledge& k) {
  CDS_RETURN_IF_ERROR(
      n.CheckKnownKeys({"system", "code", "prefix", "display", "source", "verified", "note"}));
  CodeEntry e;
  CDS_ASSIGN_OR_RETURN(std::string system, n.String("system"));
  e.system = k.ResolveSystem(system);
  if (e.system.empty()) return n.ErrorAt("system", "unknown code system alias '" + system + "'");
  if (n.Has("prefix")) {
    CDS_ASSIGN_OR_RETURN(e.code, n.String("prefix"));
  } else {
    CDS_ASSIGN_OR_RETURN(e.code, n.String("code"));
  }
  CDS_ASSIGN_OR_RETURN(e.display, n.String("display"));
  CDS_ASSIGN_OR_RETURN(e.source, n.String("source"));
  return e;
}

StatusOr<std::shared_ptr<const Knowledge>> LoadKnowledge(const std::string& dir_text) {
  fs::path dir(dir_text);
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return InvalidArgumentError("knowledge directory '" + dir_text + "' not found");
  auto k = std::make_shared<Knowledge>();
  CDS_RETURN_IF_ERROR(LoadMeta(dir, k.get()));
  CDS_RETURN_IF_ERROR(LoadValueSets(dir, k.get()));
  CDS_RETURN_IF_ERROR(LoadCitations(dir, k.get()));
  CDS_RETURN_IF_ERROR(LoadPrefetch(dir, k.get()));
  CDS_RETURN_IF_ERROR(LoadRules(dir, k.get()));
  CDS_RETURN_IF_ERROR(LoadServices(dir, k.get()));
  return std::shared_ptr<const Knowledge>(std::move(k));
}

}  // namespace cds::config
