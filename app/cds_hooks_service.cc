#include "app/cds_hooks_service.h"

#include <chrono>

#include "base/log.h"
#include "base/status_macros.h"

#include "cards/json.h"

#include "hooks/feedback.h"

#include "app/http_status.h"

namespace cds::app {
namespace {

using SteadyClock = std::chrono::steady_clock;

Reply ErrorReply(const Status& s) { return Reply{HttpStatusFor(s), OperationOutcomeFor(s)}; }

double MillisSince(SteadyClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
}

hooks::EngineOptions EngineOptionsFor(const config::ServerConfig& c) {
  hooks::EngineOptions o;
  o.fhir_deadline_ms = c.fhir.deadline_ms;
  o.fetch_without_token = c.fhir.fetch_without_token;
  o.on_data_unavailable = c.on_data_unavailable;
  o.max_resources = c.limits.max_resources;
  return o;
}

std::string RuleSummary(const hooks::HookResult& r) {
  std::string s;
  for (const hooks::RuleRun& run : r.runs) {
    if (!s.empty()) s += ',';
    s += run.rule_id + ":" + std::string(hooks::OutcomeKindName(run.kind));
  }
  return s;
}

}  // namespace

StatusOr<std::shared_ptr<const hooks::ServiceRegistry>> LoadRegistry(
    const std::string& config_dir) {
  CDS_ASSIGN_OR_RETURN(auto knowledge, config::LoadKnowledge(config_dir + "/knowledge"));
  return hooks::ServiceRegistry::Build(std::move(knowledge));
}

CdsHooksService::CdsHooksService(ServiceOptions options, const Clock& clock,
                                 std::unique_ptr<fhir::FhirClient> client)
    : options_(std::move(options)),
      clock_(clock),
      fhir_client_(std::move(client)),
      engine_(fhir_client_.get(), clock_, EngineOptionsFor(options_.server)) {}

StatusOr<std::unique_ptr<CdsHooksService>> CdsHooksService::Create(
    ServiceOptions options, const Clock& clock, std::unique_ptr<fhir::FhirClient> fhir_client,
    std::unique_ptr<store::Store> store) {
  if (options.record_cards && store == nullptr) {
    return InternalError("recording cards needs a store");
  }
  CDS_ASSIGN_OR_RETURN(auto registry, LoadRegistry(options.config_dir));
  std::unique_ptr<CdsHooksService> s(
      new CdsHooksService(std::move(options), clock, std::move(fhir_client)));
  s->registry_ = std::move(registry);
  if (s->options_.record_cards) s->store_ = std::move(store);
  return s;
}

std::shared_ptr<const hooks::ServiceRegistry> CdsHooksService::registry() const {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_;
}

bool CdsHooksService::HasService(std::string_view id) const {
  return registry()->Find(id) != nullptr;
}

Status CdsHooksService::ReloadKnowledge() {
  std::lock_guard<std::mutex> reload(reload_mu_);
  auto fresh = LoadRegistry(options_.config_dir);
  if (!fresh.ok()) {
    CDS_LOG(kError, "knowledge_reload_rejected").Field("error", fresh.status().message());
    return fresh.status();
  }
  std::string version = (*fresh)->knowledge().version;
  {
    std::lock_guard<std::mutex> lock(mu_);
    registry_ = std::move(fresh).value();
  }
  CDS_LOG(kInfo, "knowledge_reloaded").Field("version", version);
  return OkStatus();
}

Reply CdsHooksService::Discovery() const { return Reply{200, registry()->discovery_json()}; }

Reply CdsHooksService::Call(std::string_view service_id, std::string_view body) {
  auto t0 = SteadyClock::now();
  std::shared_ptr<const hooks::ServiceRegistry> registry = this->registry();
  const hooks::CdsService* service = registry->Find(service_id);
  if (service == nullptr)
    return ErrorReply(NotFoundError("no CDS service with this id; see GET /cds-services"));
  auto doc = json::ParseJson(body, options_.server.limits.json);
  if (!doc.ok()) return ErrorReply(doc.status());
  auto request = hooks::CdsRequest::Parse(std::move(doc).value(), service->hook);
  if (!request.ok()) {
    CDS_LOG(kInfo, "hook_rejected")
        .Field("service", service->id())
        .Field("status", HttpStatusFor(request.status()));
    return ErrorReply(request.status());
  }
  auto result = engine_.Evaluate(*registry, *service, *request);
  if (!result.ok()) {
    CDS_LOG(kWarn, "hook_failed")
        .Field("service", service->id())
        .Field("hookInstance", request->hook_instance())
        .Field("status", HttpStatusFor(result.status()))
        .Field("ms", MillisSince(t0));
    return ErrorReply(result.status());
  }
  WithholdInvalidCards(*registry, *service, *result);
  if (store_) RecordIssuedCards(*request, service->id(), *result);
  CDS_LOG(kInfo, "hook_evaluated")
      .Field("service", service->id())
      .Field("hookInstance", request->hook_instance())
      .Field("status", 200)
      .Field("cards", result->cards.size())
      .Field("rules", RuleSummary(*result))
      .Field("fhir_queries", result->fhir_queries)
      .Field("ms", MillisSince(t0));
  if (result->foreign_resources_dropped > 0) {
    CDS_LOG(kWarn, "foreign_patient_resources_dropped")
        .Field("hookInstance", request->hook_instance())
        .Field("count", result->foreign_resources_dropped);
  }
  return Reply{200, cards::ToJson(result->Response())};
}

void CdsHooksService::WithholdInvalidCards(const hooks::ServiceRegistry& registry,
                                           const hooks::CdsService& service,
                                           hooks::HookResult& result) {
  // A card that breaks the spec (a bug in a rule or its knowledge) is withheld on its own;
  // the other cards still go out, and the clinician is told that a check was not shown.
  std::vector<std::string> withheld;
  auto& cards = result.cards;
  for (size_t i = 0; i < cards.size();) {
    Status valid = cards::Validate(cards[i].card);
    if (valid.ok()) {
      ++i;
      continue;
    }
    const std::string& rule_id = cards[i].rule_id;
    CDS_LOG(kError, "invalid_card_withheld")
        .Field("service", service.id())
        .Field("rule", rule_id)
        .Field("error", valid.message());
    const hooks::Rule* rule = registry.FindRule(rule_id);
    withheld.push_back((rule ? rule->info().title : rule_id) +
                       ": its card failed validation and was withheld");
    cards.erase(cards.begin() + static_cast<std::ptrdiff_t>(i));
  }
  if (!withheld.empty()) {
    cards.push_back(
        {"data-unavailable", hooks::ChecksNotCompletedCard(registry.knowledge(), withheld)});
  }
}

void CdsHooksService::RecordIssuedCards(const hooks::CdsRequest& request,
                                        const std::string& service_id,
                                        const hooks::HookResult& result) {
  if (result.cards.empty()) return;
  std::vector<store::IssuedCard> issued;
  EpochMillis now = clock_.Now();
  for (const hooks::RuleCard& rc : result.cards) {
    const cards::Card& c = rc.card;
    store::IssuedCard ic;
    ic.card_uuid = c.uuid;
    ic.hook_instance = std::string(request.hook_instance());
    ic.service_id = service_id;
    ic.rule_id = rc.rule_id;
    ic.indicator = std::string(cards::IndicatorName(c.indicator));
    ic.issued_at = now;
    for (const cards::Suggestion& s : c.suggestions) ic.suggestion_uuids.push_back(s.uuid);
    issued.push_back(std::move(ic));
  }
  // The clinical answer matters more than feedback correlation: log, do not fail the call.
  if (Status s = store_->RecordIssuedCards(issued); !s.ok()) {
    CDS_LOG(kError, "issued_cards_not_recorded")
        .Field("service", service_id)
        .Field("error", s.message());
  }
}

Reply CdsHooksService::Feedback(std::string_view service_id, std::string_view body) {
  if (!HasService(service_id))
    return ErrorReply(NotFoundError("no CDS service with this id; see GET /cds-services"));
  if (!store_) return ErrorReply(FailedPreconditionError("feedback storage is not enabled"));
  auto doc = json::ParseJson(body, options_.server.limits.json);
  if (!doc.ok()) return ErrorReply(doc.status());
  auto items = hooks::ParseFeedback(**doc, service_id, clock_.Now());
  if (!items.ok()) return ErrorReply(items.status());
  auto results = store_->RecordFeedback(*items);
  if (!results.ok()) {
    CDS_LOG(kError, "feedback_not_stored")
        .Field("service", service_id)
        .Field("error", results.status().message());
    if (results.status().code() == StatusCode::kInvalidArgument) {
      return ErrorReply(results.status());
    }
    // Nothing was committed: the client must send the same feedback again later.
    Reply reply = ErrorReply(UnavailableError("feedback could not be stored; retry later"));
    reply.retry_after_s = kRetryAfterSeconds;
    return reply;
  }
  size_t duplicates = 0;
  for (store::FeedbackResult r : *results) duplicates += r == store::FeedbackResult::kDuplicate;
  CDS_LOG(kInfo, "feedback_stored")
      .Field("service", service_id)
      .Field("items", items->size())
      .Field("duplicates", duplicates);
  return Reply{200, "{}"};
}

}  // namespace cds::app
