// Card text templates: "Rituximab ordered; {missing} not on file." with named
// placeholders filled by the rule that fires.
//
// A template is checked at load against the placeholders its rule provides, so a typo
// ("{mising}") stops start-up instead of reaching a clinician as literal braces.
// "{{" and "}}" write literal braces. Thread-safe, immutable after parsing.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

#include "config/node.h"

namespace cds::config {

class TextTemplate {
 public:
  TextTemplate() = default;
  // Parses `text`; fails if it uses a placeholder not in `allowed` or is malformed.
  static StatusOr<TextTemplate> Parse(std::string_view text,
                                      const std::vector<std::string>& allowed);

  using Values = std::map<std::string, std::string, std::less<>>;
  // Placeholders missing from `values` render as "" (the rule decides what it provides).
  std::string Render(const Values& values) const;
  const std::string& source() const { return source_; }
  bool empty() const { return source_.empty(); }

 private:
  struct Piece {
    bool is_placeholder;
    std::string text;  // literal text or placeholder name
  };
  std::string source_;
  std::vector<Piece> pieces_;
};

// Reads member `key` of `n` as a template with the given placeholders.
StatusOr<TextTemplate> ParseTemplate(const Node& n, std::string_view key,
                                     const std::vector<std::string>& allowed);
StatusOr<TextTemplate> ParseTemplateOr(const Node& n, std::string_view key,
                                       const std::vector<std::string>& allowed);

}  // namespace cds::config
