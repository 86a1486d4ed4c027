#include "tests/support/cds_response_validator.h"

#include <set>

#include <rapidjson/document.h>

namespace cds::testing {
namespace {

using rapidjson::Value;

class Checker {
 public:
  std::vector<std::string> problems;

  void Fail(const std::string& path, const std::string& what) {
    problems.push_back(path + ": " + what);
  }

  // No null, no "", [] or {} anywhere (the only exception is "cards": []).
  void NoEmpties(const Value& v, const std::string& path) {
    if (v.IsNull()) Fail(path, "null is not allowed");
    if (v.IsString() && v.GetStringLength() == 0) Fail(path, "empty string is not allowed");
    if (v.IsArray()) {
      if (v.Empty() && path != "$.cards") Fail(path, "empty array is not allowed");
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
        NoEmpties(v[i], path + "[" + std::to_string(i) + "]");
    }
    if (v.IsObject()) {
      if (v.MemberCount() == 0) Fail(path, "empty object is not allowed");
      for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        if (std::string(it->name.GetString()) == "resource")
          continue;  // FHIR content, not ours to judge
        NoEmpties(it->value, path + "." + it->name.GetString());
      }
    }
  }

  bool Str(const Value& obj, const char* key, const std::string& path, bool required = true) {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) {
      if (required) Fail(path + "." + key, "is required");
      return false;
    }
    if (!it->value.IsString()) {
      Fail(path + "." + key, "must be a string");
      return false;
    }
    return true;
  }

  void Coding(const Value& c, const std::string& path, bool display_required) {
    if (!c.IsObject()) return Fail(path, "must be a Coding object");
    Str(c, "system", path);
    Str(c, "code", path);
    Str(c, "display", path, display_required);
  }

  void Action(const Value& a, const std::string& path) {
    if (!a.IsObject()) return Fail(path, "must be an object");
    if (Str(a, "type", path)) {
      std::string t = a["type"].GetString();
      if (t != "create" && t != "update" && t != "delete")
        Fail(path + ".type", "must be create, update or delete");
      if ((t == "create" || t == "update") &&
          (!a.HasMember("resource") || !a["resource"].IsObject())) {
        Fail(path + ".resource", "create/update needs a resource object");
      }
      if (t == "create" || t == "update") {
        if (a.HasMember("resource") && a["resource"].IsObject() &&
            !a["resource"].HasMember("resourceType")) {
          Fail(path + ".resource", "must be a FHIR resource (resourceType)");
        }
      }
      if (t == "delete" && !a.HasMember("resourceId")) Fail(path, "delete should use resourceId");
    }
    Str(a, "description", path);
  }

  void Card(const Value& c, const std::string& path, std::set<std::string>& uuids) {
    if (!c.IsObject()) return Fail(path, "must be an object");
    if (Str(c, "uuid", path) && !uuids.insert(c["uuid"].GetString()).second)
      Fail(path + ".uuid", "is not unique");
    if (Str(c, "summary", path)) {
      std::string s = c["summary"].GetString();
      size_t cps = 0;
      for (char ch : s) cps += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
      if (cps >= 140) Fail(path + ".summary", "must be under 140 characters");
    }
    Str(c, "detail", path, false);
    if (Str(c, "indicator", path)) {
      std::string i = c["indicator"].GetString();
      if (i != "info" && i != "warning" && i != "critical")
        Fail(path + ".indicator", "must be info, warning or critical");
    }
    if (!c.HasMember("source") || !c["source"].IsObject()) {
      Fail(path + ".source", "is required");
    } else {
      const Value& src = c["source"];
      Str(src, "label", path + ".source");
      if (src.HasMember("topic"))
        Coding(src["topic"], path + ".source.topic", false);
      else
        Fail(path + ".source.topic", "every card of this service names its rule");
    }
    Suggestions(c, path, uuids);
    if (c.HasMember("overrideReasons")) {
      const Value& o = c["overrideReasons"];
      if (!o.IsArray())
        Fail(path + ".overrideReasons", "must be an array");
      else
        for (rapidjson::SizeType i = 0; i < o.Size(); ++i)
          Coding(o[i], path + ".overrideReasons[" + std::to_string(i) + "]", true);
    }
    if (c.HasMember("links")) Links(c["links"], path + ".links");
  }

  void Suggestions(const Value& c, const std::string& path, std::set<std::string>& uuids) {
    if (!c.HasMember("suggestions")) {
      if (c.HasMember("selectionBehavior"))
        Fail(path + ".selectionBehavior", "given without suggestions");
      return;
    }
    const Value& s = c["suggestions"];
    if (!s.IsArray()) return Fail(path + ".suggestions", "must be an array");
    std::string behavior;
    if (!Str(c, "selectionBehavior", path)) {
      Fail(path + ".selectionBehavior", "required when suggestions are present");
    } else {
      behavior = c["selectionBehavior"].GetString();
      if (behavior != "at-most-one" && behavior != "any")
        Fail(path + ".selectionBehavior", "must be at-most-one or any");
    }
    int recommended = 0;
    for (rapidjson::SizeType i = 0; i < s.Size(); ++i) {
      std::string sp = path + ".suggestions[" + std::to_string(i) + "]";
      const Value& g = s[i];
      if (!g.IsObject()) {
        Fail(sp, "must be an object");
        continue;
      }
      Str(g, "label", sp);
      if (Str(g, "uuid", sp) && !uuids.insert(g["uuid"].GetString()).second)
        Fail(sp + ".uuid", "is not unique");
      if (g.HasMember("isRecommended")) {
        if (!g["isRecommended"].IsBool())
          Fail(sp + ".isRecommended", "must be a boolean");
        else
          recommended += g["isRecommended"].GetBool();
      }
      if (g.HasMember("actions")) {
        const Value& a = g["actions"];
        if (!a.IsArray())
          Fail(sp + ".actions", "must be an array");
        else
          for (rapidjson::SizeType j = 0; j < a.Size(); ++j)
            Action(a[j], sp + ".actions[" + std::to_string(j) + "]");
      }
    }
    if (behavior == "at-most-one" && recommended > 1)
      Fail(path, "more than one recommended suggestion with at-most-one");
  }

  void Links(const Value& l, const std::string& path) {
    if (!l.IsArray()) return Fail(path, "must be an array");
    for (rapidjson::SizeType i = 0; i < l.Size(); ++i) {
      std::string lp = path + "[" + std::to_string(i) + "]";
      const Value& k = l[i];
      Str(k, "label", lp);
      if (Str(k, "url", lp)) {
        std::string u = k["url"].GetString();
        if (u.rfind("https://", 0) != 0 && u.rfind("http://", 0) != 0)
          Fail(lp + ".url", "must be absolute");
      }
      if (Str(k, "type", lp)) {
        std::string t = k["type"].GetString();
        if (t != "absolute" && t != "smart") Fail(lp + ".type", "must be absolute or smart");
        if (t == "absolute" && k.HasMember("appContext"))
          Fail(lp + ".appContext", "only for smart links");
      }
    }
  }
};

}  // namespace

std::vector<std::string> ValidateCdsResponse(std::string_view body) {
  Checker c;
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject()) return {"$: not a JSON object"};
  c.NoEmpties(d, "$");
  if (!d.HasMember("cards") || !d["cards"].IsArray()) {
    c.Fail("$.cards", "is required and must be an array");
    return c.problems;
  }
  std::set<std::string> uuids;
  for (rapidjson::SizeType i = 0; i < d["cards"].Size(); ++i)
    c.Card(d["cards"][i], "$.cards[" + std::to_string(i) + "]", uuids);
  if (d.HasMember("systemActions")) {
    const Value& s = d["systemActions"];
    if (!s.IsArray())
      c.Fail("$.systemActions", "must be an array");
    else
      for (rapidjson::SizeType i = 0; i < s.Size(); ++i)
        c.Action(s[i], "$.systemActions[" + std::to_string(i) + "]");
  }
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
    std::string k = it->name.GetString();
    if (k != "cards" && k != "systemActions") c.Fail("$." + k, "unknown top-level member");
  }
  return c.problems;
}

std::string CdsResponseViolations(std::string_view body) {
  std::string out;
  for (const std::string& p : ValidateCdsResponse(body)) out += p + "\n";
  return out;
}

}  // namespace cds::testing
