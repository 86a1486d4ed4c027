#include "hooks/prefetch_template.h"

#include <array>

#include "base/url.h"

#include "fhir/reference.h"

namespace cds::hooks {
namespace {

constexpr std::array<std::string_view, 7> kTokens = {
    "context.patientId",      "context.userId", "context.encounterId", "userPractitionerId",
    "userPractitionerRoleId", "userPatientId",  "userRelatedPersonId"};

// The bare id of userId when it is of `type`, else "".
std::string_view UserIdOfType(const CdsRequest& r, std::string_view type) {
  fhir::ParsedReference ref = fhir::ParseReference(r.user_id());
  return ref.type == type ? ref.id : std::string_view();
}

std::string_view TokenValue(const CdsRequest& r, std::string_view token) {
  if (token == "context.patientId") return r.patient_id();
  if (token == "context.userId") return r.user_id();
  if (token == "context.encounterId") return r.encounter_id();
  if (token == "userPractitionerId") return UserIdOfType(r, "Practitioner");
  if (token == "userPractitionerRoleId") return UserIdOfType(r, "PractitionerRole");
  if (token == "userPatientId") return UserIdOfType(r, "Patient");
  if (token == "userRelatedPersonId") return UserIdOfType(r, "RelatedPerson");
  return "";
}

}  // namespace

StatusOr<PrefetchTemplate> PrefetchTemplate::Parse(std::string_view text) {
  PrefetchTemplate t;
  t.text_ = std::string(text);
  if (text.empty()) return InvalidArgumentError("prefetch template is empty");
  std::string_view path = text.substr(0, text.find('?'));
  if (path.find("://") != std::string_view::npos || text.front() == '/') {
    return InvalidArgumentError("prefetch template must be a relative FHIR URL");
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20)
      return InvalidArgumentError("prefetch template contains whitespace");
  }
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      t.pieces_.push_back({false, std::string(text.substr(pos))});
      break;
    }
    if (open > pos) t.pieces_.push_back({false, std::string(text.substr(pos, open - pos))});
    size_t close = text.find("}}", open);
    if (close == std::string_view::npos)
      return InvalidArgumentError("unterminated {{ in prefetch template");
    std::string_view token = text.substr(open + 2, close - open - 2);
    bool known = false;
    for (std::string_view k : kTokens) known = known || k == token;
    if (!known) {
      return InvalidArgumentError("prefetch token {{" + std::string(token) +
                                  "}} is not one the hooks provide");
    }
    t.pieces_.push_back({true, std::string(token)});
    pos = close + 2;
  }
  return t;
}

StatusOr<std::string> PrefetchTemplate::Expand(const CdsRequest& request) const {
  std::string out;
  for (const Piece& p : pieces_) {
    if (!p.is_token) {
      out += p.text;
      continue;
    }
    std::string_view value = TokenValue(request, p.text);
    if (value.empty()) {
      return FailedPreconditionError("the request has no value for {{" + p.text + "}}");
    }
    if (p.text == "context.userId") {
      out += value;  // "Practitioner/123": validated Type/id, the slash is meant as a path
    } else {
      out += PercentEncode(value);
    }
  }
  return out;
}

}  // namespace cds::hooks
