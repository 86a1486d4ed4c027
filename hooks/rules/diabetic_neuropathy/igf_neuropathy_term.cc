// igf-neuropathy-term: "IGF neuropathy" recorded instead of a coded neuropathy. What it
// checks and why: config/knowledge/rules/igf-neuropathy-term.json.
#include <cctype>

#include "base/ascii.h"

#include "fhir/condition.h"

#include "hooks/rule_kit/clinical_rule.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"text"};

struct Match {
  std::string token;     // as written, e.g. "IGF"
  std::string contains;  // as written, e.g. "neuropathy"
};

struct Config {
  fhir::CodeSet recognised;
  Match match;
  std::string token;      // lower case
  std::string substring;  // lower case
  config::TextTemplate summary, detail;
};

// `token` at the start of a word of `t`, not followed by a letter ("igf", "igf-1", "igf1").
bool HasToken(const std::string& t, const std::string& token) {
  for (size_t pos = t.find(token); pos != std::string::npos; pos = t.find(token, pos + 1)) {
    bool starts_word = pos == 0 || !std::isalnum(static_cast<unsigned char>(t[pos - 1]));
    size_t end = pos + token.size();
    bool ends_word = end == t.size() || !std::isalpha(static_cast<unsigned char>(t[end]));
    if (starts_word && ends_word) return true;
  }
  return false;
}

class IgfNeuropathyTerm final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    const auto* conditions = ctx.Require(kConditions, out);
    if (conditions == nullptr) return;
    for (const json::Value* r : *conditions) {
      if (!fhir::IsResourceOfType(*r, "Condition")) continue;
      fhir::Condition cond(*r);
      const json::Value* code = cond.code();
      if (code == nullptr || cond.IsRefutedOrError() || c_.recognised.Matches(*code)) continue;
      std::string text = MatchingText(*code);
      if (text.empty()) continue;
      std::string status(cond.clinical_status());
      std::vector<Evidence> evidence = {
          {cond.Key(), "Condition \"" + text + "\"" + (status.empty() ? "" : " (" + status + ")"),
           cond.Onset(), "no recognised neuropathy code"}};
      config::TextTemplate::Values values = {{"text", EscapeMarkdown(text)}};
      out.AddCard(maker_.Make(cards::Indicator::kInfo, c_.summary.Render(values),
                              c_.detail.Render(values), evidence));
    }
  }

 private:
  bool Matches(std::string_view text) const {
    std::string t = AsciiLower(text);
    return t.find(c_.substring) != std::string::npos && HasToken(t, c_.token);
  }

  // code.text or the first coding display that reads "IGF ... neuropathy"; "" if none.
  std::string MatchingText(const json::Value& code) const {
    if (auto t = json::GetString(code, "text"); t && Matches(*t)) return std::string(*t);
    std::string found;
    fhir::ForEachCoding(code, [&](const fhir::CodingView& v) {
      if (found.empty() && Matches(v.display)) found = std::string(v.display);
    });
    if (!found.empty()) return found;
    // A coding without system or code is not a CodingView; read its display directly.
    if (const json::Value* codings = json::GetArray(code, "coding")) {
      for (const json::Value& c : codings->GetArray()) {
        if (auto d = json::GetString(c, "display"); d && Matches(*d)) return std::string(*d);
      }
    }
    return "";
  }
};

}  // namespace

RuleRegistration IgfNeuropathyTermRule() {
  return Register<IgfNeuropathyTerm>(
      {.id = "igf-neuropathy-term",
       .hooks = kPatientViewOnly,
       .data_keys = {kConditions},
       .patient_view_data_keys = {},
       .indicator = "info",
       .suggestions = "None: the card asks for a coded diagnosis and does not guess one.",
       .fields = [](config::Schema<Config>& s) {
         config::Schema<Match> match;
         match.Field("token", &Match::token,
                     "a word that starts with this (not followed by a letter), any case");
         match.Field("contains", &Match::contains, "... and this anywhere, any case");
         s.Field("recognised_neuropathy", &Config::recognised,
                 "codes of a recognised neuropathy diagnosis: no card");
         s.Object("match", &Config::match, match, "what the condition's text must contain");
         s.Template("summary", &Config::summary, kPlaceholders, "card summary");
         s.Template("detail", &Config::detail, kPlaceholders, "card detail");
         s.Check([](const config::Node&, Config& c) {
           c.token = AsciiLower(c.match.token);
           c.substring = AsciiLower(c.match.contains);
           return OkStatus();
         });
       }});
}

}  // namespace cds::hooks
