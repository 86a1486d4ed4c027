#include "fhir/coding.h"

namespace cds::fhir {

std::optional<CodingView> ReadCoding(const json::Value& coding) {
  auto system = json::GetString(coding, "system");
  auto code = json::GetString(coding, "code");
  if (!system || !code) return std::nullopt;
  return CodingView{*system, *code, json::GetString(coding, "display").value_or("")};
}

void ForEachCoding(const json::Value& cc, const std::function<void(const CodingView&)>& f) {
  const json::Value* codings = json::GetArray(cc, "coding");
  if (codings == nullptr) return;
  for (const json::Value& c : codings->GetArray()) {
    if (auto coding = ReadCoding(c)) f(*coding);
  }
}

std::string_view ConceptText(const json::Value& cc) {
  if (auto text = json::GetString(cc, "text"); text && !text->empty()) return *text;
  const json::Value* codings = json::GetArray(cc, "coding");
  if (codings != nullptr) {
    for (const json::Value& c : codings->GetArray()) {
      if (auto d = json::GetString(c, "display"); d && !d->empty()) return *d;
    }
  }
  return "";
}

void CodeSet::Add(std::string_view system, std::string_view code) {
  auto it = codes_.find(system);
  if (it == codes_.end()) it = codes_.emplace(std::string(system), CodeTable{}).first;
  it->second.emplace(code);
}

void CodeSet::AddPrefix(std::string_view system, std::string_view prefix) {
  auto it = prefixes_.find(system);
  if (it == prefixes_.end())
    it = prefixes_.emplace(std::string(system), std::vector<std::string>{}).first;
  it->second.emplace_back(prefix);
}

void CodeSet::AddAll(const CodeSet& other) {
  for (const auto& [system, table] : other.codes_) {
    for (const auto& code : table) Add(system, code);
  }
  for (const auto& [system, list] : other.prefixes_) {
    for (const auto& p : list) AddPrefix(system, p);
  }
}

bool CodeSet::Contains(std::string_view system, std::string_view code) const {
  if (auto it = codes_.find(system);
      it != codes_.end() && it->second.find(code) != it->second.end()) {
    return true;
  }
  if (auto it = prefixes_.find(system); it != prefixes_.end()) {
    for (const auto& p : it->second) {
      if (code.substr(0, p.size()) == p) return true;
    }
  }
  return false;
}

std::optional<CodingView> CodeSet::FirstMatch(const json::Value& cc) const {
  const json::Value* codings = json::GetArray(cc, "coding");
  if (codings == nullptr) return std::nullopt;
  for (const json::Value& c : codings->GetArray()) {
    auto coding = ReadCoding(c);
    if (coding && Contains(coding->system, coding->code)) return coding;
  }
  return std::nullopt;
}

bool CodeSet::MatchesMember(const json::Value& resource, std::string_view key) const {
  const json::Value* cc = json::GetObject(resource, key);
  return cc != nullptr && Matches(*cc);
}

size_t CodeSet::size() const {
  size_t n = 0;
  for (const auto& [s, t] : codes_) n += t.size();
  for (const auto& [s, l] : prefixes_) n += l.size();
  return n;
}

}  // namespace cds::fhir
