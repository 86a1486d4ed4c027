#include "hooks/rules/igf_neuropathy_term.h"

#include <cctype>

#include "base/ascii.h"
#include "base/status_macros.h"

#include "fhir/condition.h"

#include "hooks/card_maker.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"text"};

struct Config {
  fhir::CodeSet recognised;
  std::string token;      // lower case, e.g. "igf"
  std::string substring;  // lower case, e.g. "neuropathy"
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

class IgfNeuropathyTerm final : public Rule {
 public:
  IgfNeuropathyTerm(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    const auto* conditions = ctx.Require("conditions", out);
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

  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeIgfNeuropathyTerm(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(ctx.CheckKeys({"recognised_neuropathy", "match", "summary", "detail"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(c.recognised, ctx.CodeSetAt(n, "recognised_neuropathy"));
  CDS_ASSIGN_OR_RETURN(config::Node match, n.Child("match"));
  CDS_RETURN_IF_ERROR(match.CheckKnownKeys({"token", "contains"}));
  CDS_ASSIGN_OR_RETURN(std::string token, match.String("token"));
  CDS_ASSIGN_OR_RETURN(std::string contains, match.String("contains"));
  c.token = AsciiLower(token);
  c.substring = AsciiLower(contains);
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", kPlaceholders));
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView};
  info.data_keys = {"conditions"};
  info.trigger =
      "A Condition (not refuted or in error) with no recognised neuropathy code whose text or "
      "display "
      "contains the token '" +
      token + "' and '" + contains + "' (case-insensitive).";
  info.indicator = "info";
  info.suggestions = "None: the card asks for a coded diagnosis and does not guess one.";
  info.config_keys = {"recognised_neuropathy", "match.token", "match.contains", "summary",
                      "detail"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new IgfNeuropathyTerm(std::move(info), std::move(c),
                                                     CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
