#include "config/template.h"

#include <algorithm>

namespace cds::config {

StatusOr<TextTemplate> TextTemplate::Parse(std::string_view text,
                                           const std::vector<std::string>& allowed) {
  TextTemplate t;
  t.source_ = std::string(text);
  std::string literal;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      literal.push_back('{');
      ++i;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      literal.push_back('}');
      ++i;
    } else if (c == '{') {
      size_t end = text.find('}', i);
      if (end == std::string_view::npos) return InvalidArgumentError("unterminated '{'");
      std::string name(text.substr(i + 1, end - i - 1));
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        std::string known;
        for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + ("{" + a + "}");
        return InvalidArgumentError("unknown placeholder {" + name +
                                    "}; this rule provides: " + (known.empty() ? "none" : known));
      }
      if (!literal.empty()) t.pieces_.push_back({false, std::move(literal)});
      literal.clear();
      t.pieces_.push_back({true, std::move(name)});
      i = end;
    } else if (c == '}') {
      return InvalidArgumentError("unmatched '}'");
    } else {
      literal.push_back(c);
    }
  }
  if (!literal.empty()) t.pieces_.push_back({false, std::move(literal)});
  return t;
}

std::string TextTemplate::Render(const Values& values) const {
  std::string out;
  for (const Piece& p : pieces_) {
    if (!p.is_placeholder) {
      out += p.text;
    } else if (auto it = values.find(p.text); it != values.end()) {
      out += it->second;
    }
  }
  return out;
}

StatusOr<TextTemplate> ParseTemplate(const Node& n, std::string_view key,
                                     const std::vector<std::string>& allowed) {
  auto text = n.String(key);
  if (!text.ok()) return text.status();
  auto t = TextTemplate::Parse(*text, allowed);
  if (!t.ok()) return n.ErrorAt(key, t.status().message());
  return t;
}

StatusOr<TextTemplate> ParseTemplateOr(const Node& n, std::string_view key,
                                       const std::vector<std::string>& allowed) {
  if (!n.Has(key)) return TextTemplate{};
  return ParseTemplate(n, key, allowed);
}

}  // namespace cds::config
