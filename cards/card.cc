#include "cards/card.h"

#include <rapidjson/document.h>

namespace cds::cards {
namespace {

// An http(s) URL with a host, and no spaces or control characters.
bool IsAbsoluteUrl(std::string_view u) {
  size_t rest = u.rfind("https://", 0) == 0 ? 8 : u.rfind("http://", 0) == 0 ? 7 : 0;
  if (rest == 0 || rest >= u.size() || u[rest] == '/') return false;
  for (char c : u) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

// At most `max_chars` code points of `s`, never ending inside a multibyte character.
std::string PrefixChars(const std::string& s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == max_chars)
      return s.substr(0, i);
  }
  return s;
}

bool IsJsonObject(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  return !d.HasParseError() && d.IsObject() && d.MemberCount() > 0;
}

Status ValidateCoding(const Coding& c, bool display_required, const std::string& where) {
  if (c.system.empty()) return InvalidArgumentError(where + ".system is required");
  if (c.code.empty()) return InvalidArgumentError(where + ".code is required");
  if (display_required && c.display.empty())
    return InvalidArgumentError(where + ".display is required");
  return OkStatus();
}

Status ValidateSuggestions(const Card& card) {
  if (card.suggestions.empty()) return OkStatus();
  if (!card.selection_behavior) {
    return InvalidArgumentError("selectionBehavior is required when suggestions are present");
  }
  int recommended = 0;
  for (const Suggestion& s : card.suggestions) {
    if (s.label.empty()) return InvalidArgumentError("suggestion.label is required");
    if (s.uuid.empty()) return InvalidArgumentError("suggestion.uuid is required");
    if (s.is_recommended.value_or(false)) ++recommended;
    for (const Action& a : s.actions) {
      Status st = Validate(a);
      if (!st.ok()) return st.WithContext("suggestion '" + s.label + "'");
    }
  }
  if (recommended > 1 && *card.selection_behavior == SelectionBehavior::kAtMostOne) {
    return InvalidArgumentError("at most one suggestion may be recommended with at-most-one");
  }
  return OkStatus();
}

}  // namespace

std::string_view IndicatorName(Indicator i) {
  switch (i) {
    case Indicator::kInfo:
      return "info";
    case Indicator::kWarning:
      return "warning";
    case Indicator::kCritical:
      return "critical";
  }
  return "info";
}

bool ParseIndicator(std::string_view name, Indicator* out) {
  for (Indicator i : {Indicator::kInfo, Indicator::kWarning, Indicator::kCritical}) {
    if (name == IndicatorName(i)) {
      *out = i;
      return true;
    }
  }
  return false;
}

std::string_view ActionTypeName(ActionType t) {
  switch (t) {
    case ActionType::kCreate:
      return "create";
    case ActionType::kUpdate:
      return "update";
    case ActionType::kDelete:
      return "delete";
  }
  return "create";
}

std::string_view SelectionBehaviorName(SelectionBehavior s) {
  return s == SelectionBehavior::kAny ? "any" : "at-most-one";
}

size_t Utf8CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

Status Validate(const Action& a) {
  if (a.description.empty()) return InvalidArgumentError("action.description is required");
  if (a.type == ActionType::kDelete) {
    if (a.resource_id.empty()) return InvalidArgumentError("delete action needs resourceId");
    return OkStatus();
  }
  if (!IsJsonObject(a.resource_json)) {
    return InvalidArgumentError(std::string(ActionTypeName(a.type)) +
                                " action needs a resource that is a non-empty JSON object");
  }
  return OkStatus();
}

Status Validate(const Card& card) {
  if (card.uuid.empty()) return InvalidArgumentError("card.uuid is required");
  if (card.summary.empty()) return InvalidArgumentError("card.summary is required");
  if (Utf8CodePoints(card.summary) > kMaxSummaryChars) {
    return InvalidArgumentError("card.summary is longer than 139 characters");
  }
  if (card.source.label.empty()) return InvalidArgumentError("card.source.label is required");
  if (!card.source.url.empty() && !IsAbsoluteUrl(card.source.url)) {
    return InvalidArgumentError("card.source.url must be absolute");
  }
  if (!card.source.icon.empty() && !IsAbsoluteUrl(card.source.icon)) {
    return InvalidArgumentError("card.source.icon must be absolute");
  }
  if (card.source.topic) {
    Status s = ValidateCoding(*card.source.topic, false, "card.source.topic");
    if (!s.ok()) return s;
  }
  for (const Coding& r : card.override_reasons) {
    Status s = ValidateCoding(r, true, "card.overrideReasons[]");
    if (!s.ok()) return s;
  }
  for (const Link& l : card.links) {
    if (l.label.empty() || !IsAbsoluteUrl(l.url)) {
      return InvalidArgumentError("link needs a label and an absolute url");
    }
    if (!l.app_context.empty() && l.type != LinkType::kSmart) {
      return InvalidArgumentError("link.appContext is only for smart links");
    }
  }
  return ValidateSuggestions(card);
}

Status Validate(const Response& response) {
  for (const Card& c : response.cards) {
    Status s = Validate(c);
    if (!s.ok()) return s.WithContext("card '" + PrefixChars(c.summary, 40) + "'");
  }
  for (const Action& a : response.system_actions) {
    Status s = Validate(a);
    if (!s.ok()) return s.WithContext("systemActions");
  }
  return OkStatus();
}

}  // namespace cds::cards
