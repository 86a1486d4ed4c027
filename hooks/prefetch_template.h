// PrefetchTemplate: a relative FHIR query with CDS Hooks 2.0 prefetch tokens, e.g.
// "Observation?patient={{context.patientId}}&code=http://loinc.org|5196-1".
//
// Tokens are those the spec allows for our hooks: {{context.patientId}},
// {{context.userId}}, {{context.encounterId}} and the user identifiers
// {{userPractitionerId}}, {{userPractitionerRoleId}}, {{userPatientId}},
// {{userRelatedPersonId}}. Parse() refuses anything else, so a knowledge author learns
// at start-up, not from an EHR. Expanded values are percent-encoded: a context value can
// never add query parameters. Immutable; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

#include "hooks/request.h"

namespace cds::hooks {

class PrefetchTemplate {
 public:
  static StatusOr<PrefetchTemplate> Parse(std::string_view text);

  const std::string& text() const { return text_; }
  // The query for this request; kFailedPrecondition naming the token when the request
  // lacks its value (no encounterId, or userId is not a Practitioner).
  StatusOr<std::string> Expand(const CdsRequest& request) const;

 private:
  struct Piece {
    bool is_token;
    std::string text;  // literal, or token name
  };
  std::string text_;
  std::vector<Piece> pieces_;
};

}  // namespace cds::hooks
