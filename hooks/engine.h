// Engine: evaluates one hook call for one service, end to end below HTTP.
//
//   prefetch (as sent) -> rules -> fetch what they asked for, concurrently, under one
//   deadline -> rules again (up to max_rounds) -> cards, or 412.
//
// Data a rule needs that cannot be obtained (no fhirServer, not allow-listed, no token,
// fetch failed or timed out, OperationOutcome) never becomes "no data". If no rule
// produced a card, the call fails with kFailedPrecondition (HTTP 412, PREF-15). If other
// rules did produce cards they are returned -- withholding a critical card because an
// unrelated query failed would be worse -- together with an info card naming the checks
// that could not run; on_data_unavailable = "card" always answers that way.
//
// A rule that returns an internal error is logged and counted; the other rules' cards
// are still returned (degraded mode). Thread-safe: const, shares only immutable state.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

#include "cards/card.h"
#include "config/server_config.h"
#include "fhir/fhir_client.h"

#include "hooks/request.h"
#include "hooks/rule.h"
#include "hooks/service_registry.h"

namespace cds::hooks {

struct EngineOptions {
  int fhir_deadline_ms = 2500;
  bool fetch_without_token = false;
  config::DataUnavailablePolicy on_data_unavailable = config::DataUnavailablePolicy::kFail;
  size_t max_resources = 50'000;
  int max_rounds =
      4;  // evaluations; fetch rounds are one fewer (lists, then references, then labs)
};

struct RuleRun {
  std::string rule_id;
  RuleOutcome::Kind kind = RuleOutcome::Kind::kNotApplicable;
  size_t cards = 0;
};

struct HookResult {
  cards::Response response;
  std::vector<std::string> card_rule_ids;  // parallel to response.cards
  std::vector<RuleRun> runs;
  size_t fhir_queries = 0;
  size_t foreign_resources_dropped = 0;
};

std::string_view OutcomeKindName(RuleOutcome::Kind kind);

// The info card listing checks that were not made (lines name the check and why; no
// patient data). Its source.topic code is "data-unavailable".
cards::Card ChecksNotCompletedCard(const config::Knowledge& knowledge,
                                   const std::vector<std::string>& lines);

class Engine {
 public:
  // `client` may be null: the service then never calls a FHIR server.
  Engine(fhir::FhirClient* client, const Clock& clock, EngineOptions options)
      : client_(client), clock_(clock), options_(options) {}

  StatusOr<HookResult> Evaluate(const ServiceRegistry& registry, const CdsService& service,
                                const CdsRequest& request) const;

 private:
  // Why fetching is impossible for this request, or "" if it is possible.
  std::string CannotFetchReason(const CdsRequest& request) const;
  size_t FetchNeeds(const CdsService& service, const CdsRequest& request,
                    const std::vector<std::string>& needs, fhir::Deadline deadline,
                    PatientData& data) const;

  fhir::FhirClient* client_;
  const Clock& clock_;
  EngineOptions options_;
};

}  // namespace cds::hooks
