// CardMaker: builds one rule's cards with everything every card must carry.
//
// Each card gets a fresh uuid, source.label (the guideline) and source.url (when the
// citation has one), source.topic (a Coding whose code is the rule id), the rule's
// override reasons and links, and a detail that ends with the evidence: the FHIR
// resources that triggered it (type/id, date, value), or the data found missing.
// Summaries longer than the spec allows are cut at a character boundary with an
// ellipsis rather than dropped. Immutable; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cards/card.h"
#include "config/knowledge.h"
#include "fhir/datetime.h"

#include "hooks/rule_kit/rule_basics.h"

namespace cds::hooks {

// One line of "Based on": a resource and what it said, or a fact about absence.
struct Evidence {
  std::string reference;  // "Observation/123"; "" for an absence ("No HBsAg on file")
  std::string text;       // "HBsAg negative"
  std::optional<fhir::FhirDateTime> when;
  std::string note;  // "older than 12 months"

  std::string ToMarkdown() const;
};

class CardMaker {
 public:
  CardMaker(const RuleBasics& basics, const config::Knowledge& knowledge);

  cards::Card Make(cards::Indicator indicator, std::string summary, std::string body,
                   const std::vector<Evidence>& evidence) const;

  const std::string& rule_id() const { return rule_id_; }

 private:
  std::string rule_id_;
  std::string rule_title_;
  std::string rule_system_;
  std::string source_label_;
  std::string source_url_;
  std::vector<cards::Coding> override_reasons_;
  std::vector<cards::Link> links_;
};

// Cuts `s` to at most `max_chars` code points, ending with "…" when cut.
std::string TruncateChars(std::string s, size_t max_chars);

// Joins names with ", " ("HbA1c, Vitamin B12").
std::string JoinNames(const std::vector<std::string>& names);

// Escapes Markdown control characters in text that came from the EHR (displays, notes)
// so it reads as text on the card.
std::string EscapeMarkdown(std::string_view text);

}  // namespace cds::hooks
