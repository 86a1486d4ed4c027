// The CDS Hooks 2.0 response model: cards, suggestions, actions, links, system actions.
//
// Plain values, built by rules and serialised once. This layer knows nothing of FHIR:
// an Action's resource is an already-serialised JSON object carried opaquely.
// Validate() enforces what the spec requires of a response so that no rule can send an
// EHR something it must reject (summary length, selectionBehavior with suggestions,
// override reasons with display, no empty values). Thread-compatible values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace cds::cards {

enum class Indicator { kInfo, kWarning, kCritical };
std::string_view IndicatorName(Indicator i);  // "info" | "warning" | "critical"
bool ParseIndicator(std::string_view name, Indicator* out);

struct Coding {
  std::string system;
  std::string code;
  std::string display;  // required for overrideReasons, optional for source.topic
};

struct Source {
  std::string label;  // required
  std::string url;    // optional absolute URL
  std::string icon;   // optional absolute URL
  std::optional<Coding> topic;
};

enum class ActionType { kCreate, kUpdate, kDelete };
std::string_view ActionTypeName(ActionType t);

struct Action {
  ActionType type = ActionType::kCreate;
  std::string description;    // required
  std::string resource_json;  // create/update: the whole resource, serialised JSON object
  std::string resource_id;    // delete: "Type/id"
};

struct Suggestion {
  std::string label;  // required
  std::string uuid;   // always set: feedback refers to it
  std::optional<bool> is_recommended;
  std::vector<Action> actions;
};

enum class SelectionBehavior { kAtMostOne, kAny };
std::string_view SelectionBehaviorName(SelectionBehavior s);

enum class LinkType { kAbsolute, kSmart };

struct Link {
  std::string label;
  std::string url;
  LinkType type = LinkType::kAbsolute;
  std::string app_context;  // smart links only
  std::optional<bool> autolaunchable;
};

struct Card {
  std::string uuid;  // always set: feedback refers to it
  std::string summary;
  std::string detail;  // GitHub-flavoured Markdown; optional
  Indicator indicator = Indicator::kInfo;
  Source source;
  std::vector<Suggestion> suggestions;
  std::optional<SelectionBehavior> selection_behavior;
  std::vector<Coding> override_reasons;
  std::vector<Link> links;
};

struct Response {
  std::vector<Card> cards;
  std::vector<Action> system_actions;
};

// Maximum summary length: the spec's "<140-character", counted in Unicode code points.
inline constexpr size_t kMaxSummaryChars = 139;
size_t Utf8CodePoints(std::string_view s);

Status Validate(const Card& card);
Status Validate(const Action& action);
Status Validate(const Response& response);

}  // namespace cds::cards
