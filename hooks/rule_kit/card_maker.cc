#include "hooks/rule_kit/card_maker.h"

#include "base/uuid.h"

namespace cds::hooks {

std::string EscapeMarkdown(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out.push_back(' ');
      continue;
    }
    if (c == '\\' || c == '*' || c == '_' || c == '`' || c == '[' || c == ']' || c == '<' ||
        c == '>' || c == '#' || c == '|') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string Evidence::ToMarkdown() const {
  std::string line = "- ";
  if (!reference.empty()) {
    // The id is as the EHR wrote it: a backtick would end the code span early and let the
    // rest of it render as Markdown, so such a reference is written as escaped text.
    bool plain = reference.find_first_of("`\r\n") == std::string::npos;
    line += (plain ? "`" + reference + "`" : EscapeMarkdown(reference)) + ": ";
  }
  line += EscapeMarkdown(text);
  if (when) line += " (" + when->ToString() + ")";
  if (!note.empty()) line += ", " + EscapeMarkdown(note);
  return line;
}

std::string TruncateChars(std::string s, size_t max_chars) {
  if (cards::Utf8CodePoints(s) <= max_chars) return s;
  size_t chars = 0;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == max_chars - 1) break;
      ++chars;
    }
  }
  s.resize(i);
  s += "\xE2\x80\xA6";  // …
  return s;
}

CardMaker::CardMaker(const RuleBasics& basics, const config::Knowledge& knowledge)
    : rule_id_(basics.id),
      rule_title_(basics.title),
      rule_system_(knowledge.rule_system),
      source_label_(basics.citation->label),
      source_url_(basics.citation->url),
      override_reasons_(basics.override_reasons),
      links_(basics.links) {}

cards::Card CardMaker::Make(cards::Indicator indicator, std::string summary, std::string body,
                            const std::vector<Evidence>& evidence) const {
  cards::Card card;
  card.uuid = NewUuid();
  card.summary = TruncateChars(std::move(summary), cards::kMaxSummaryChars);
  card.indicator = indicator;
  card.source.label = source_label_;
  card.source.url = source_url_;
  card.source.topic = cards::Coding{rule_system_, rule_id_, rule_title_};
  card.override_reasons = override_reasons_;
  card.links = links_;
  std::string detail = std::move(body);
  if (!evidence.empty()) {
    detail += "\n\n**Based on**\n";
    for (const Evidence& e : evidence) detail += e.ToMarkdown() + "\n";
  }
  detail += "\n_Rule `" + rule_id_ + "` \xC2\xB7 " + source_label_ + "_";
  card.detail = std::move(detail);
  return card;
}

}  // namespace cds::hooks
