// Engine: evaluates one hook call for one service, end to end below HTTP.
//
//   prefetch (as sent) -> rules -> fetch what they asked for, concurrently, under one
//   deadline -> rules again (up to max_rounds) -> cards, or 412.
//
// Data a rule needs that cannot be obtained (no fhirServer, not allow-listed, no token,
// fetch failed or timed out, OperationOutcome) never becomes "no data". If no rule
// produced a card, the call fails with kFailedPrecondition (HTTP 412: the CDS Hooks
// answer when the service cannot get the data it needs). If other rules did produce
// cards they are returned -- withholding a critical card because an unrelated query
// failed would be worse -- together with an info card naming the checks that could not
// run; on_data_unavailable = "card" always answers that way.
//
// Each rule's outcome is named in HookResult::runs (fired, not_applicable,
// insufficient_data with its notes, data_unavailable, failed). A rule that throws, or
// that reads a data key it did not declare, has `failed`: it is logged, the info card
// names the check, and the other rules' cards are still returned (degraded mode).
// Notes of insufficient data are logged at debug. Thread-safe: const, shares only
// immutable state.
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

// What one rule decided in one hook call.
struct RuleRun {
  std::string rule_id;
  RuleOutcome::Kind kind = RuleOutcome::Kind::kNotApplicable;
  size_t cards = 0;
  std::vector<std::string> notes;  // insufficient_data: why (no patient data)
};

// A card and the rule it comes from ("data-unavailable" for the engine's info card).
struct RuleCard {
  std::string rule_id;
  cards::Card card;
};

struct HookResult {
  std::vector<RuleCard> cards;  // in the order the response lists them
  std::vector<RuleRun> runs;
  size_t fhir_queries = 0;
  size_t foreign_resources_dropped = 0;

  // The CDS Hooks response: the cards in order.
  cards::Response Response() const;
  std::vector<std::string> RuleIds() const;  // of `cards`, in order
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
  // Runs rule `rule` once; false if it failed (threw or read undeclared data).
  bool EvaluateRule(const Rule& rule, const RuleContext& ctx, const CdsRequest& request,
                    RuleOutcome& out) const;
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
