#include "cards/json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace cds::cards {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void WriteCoding(Writer& w, const Coding& c) {
  w.StartObject();
  Str(w, "system", c.system);
  Str(w, "code", c.code);
  Str(w, "display", c.display);
  w.EndObject();
}

void WriteAction(Writer& w, const Action& a) {
  w.StartObject();
  Str(w, "type", ActionTypeName(a.type));
  Str(w, "description", a.description);
  if (a.type == ActionType::kDelete) {
    Str(w, "resourceId", a.resource_id);
  } else if (!a.resource_json.empty()) {
    w.Key("resource");
    w.RawValue(a.resource_json.data(), a.resource_json.size(), rapidjson::kObjectType);
  }
  w.EndObject();
}

void WriteSuggestion(Writer& w, const Suggestion& s) {
  w.StartObject();
  Str(w, "label", s.label);
  Str(w, "uuid", s.uuid);
  if (s.is_recommended) {
    w.Key("isRecommended");
    w.Bool(*s.is_recommended);
  }
  if (!s.actions.empty()) {
    w.Key("actions");
    w.StartArray();
    for (const Action& a : s.actions) WriteAction(w, a);
    w.EndArray();
  }
  w.EndObject();
}

void WriteLink(Writer& w, const Link& l) {
  w.StartObject();
  Str(w, "label", l.label);
  Str(w, "url", l.url);
  Str(w, "type", l.type == LinkType::kSmart ? "smart" : "absolute");
  Str(w, "appContext", l.app_context);
  if (l.autolaunchable) {
    w.Key("autolaunchable");
    w.Bool(*l.autolaunchable);
  }
  w.EndObject();
}

void WriteSource(Writer& w, const Source& s) {
  w.Key("source");
  w.StartObject();
  Str(w, "label", s.label);
  Str(w, "url", s.url);
  Str(w, "icon", s.icon);
  if (s.topic) {
    w.Key("topic");
    WriteCoding(w, *s.topic);
  }
  w.EndObject();
}

void WriteCard(Writer& w, const Card& c) {
  w.StartObject();
  Str(w, "uuid", c.uuid);
  Str(w, "summary", c.summary);
  Str(w, "detail", c.detail);
  Str(w, "indicator", IndicatorName(c.indicator));
  WriteSource(w, c.source);
  if (!c.suggestions.empty()) {
    w.Key("suggestions");
    w.StartArray();
    for (const Suggestion& s : c.suggestions) WriteSuggestion(w, s);
    w.EndArray();
  }
  if (c.selection_behavior &&
      !c.suggestions.empty()) {  // it describes the suggestions: none, no value
    Str(w, "selectionBehavior", SelectionBehaviorName(*c.selection_behavior));
  }
  if (!c.override_reasons.empty()) {
    w.Key("overrideReasons");
    w.StartArray();
    for (const Coding& r : c.override_reasons) WriteCoding(w, r);
    w.EndArray();
  }
  if (!c.links.empty()) {
    w.Key("links");
    w.StartArray();
    for (const Link& l : c.links) WriteLink(w, l);
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

std::string ToJson(const Response& response) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("cards");
  w.StartArray();
  for (const Card& c : response.cards) WriteCard(w, c);
  w.EndArray();
  if (!response.system_actions.empty()) {
    w.Key("systemActions");
    w.StartArray();
    for (const Action& a : response.system_actions) WriteAction(w, a);
    w.EndArray();
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string ToJson(const Card& card) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteCard(w, card);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace cds::cards
