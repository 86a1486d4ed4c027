#include "hooks/engine.h"

#include <algorithm>
#include <exception>

#include "base/log.h"
#include "base/status_macros.h"
#include "base/uuid.h"

#include "fhir/reference.h"

#include "hooks/card_maker.h"

namespace cds::hooks {
namespace {

using SteadyClock = std::chrono::steady_clock;

void AddUnique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

cards::Card ChecksNotCompletedCard(const config::Knowledge& k,
                                   const std::vector<std::string>& lines) {
  cards::Card card;
  card.uuid = NewUuid();
  card.summary = TruncateChars(k.unavailable_summary, cards::kMaxSummaryChars);
  card.indicator = cards::Indicator::kInfo;
  card.source.label = k.publisher;
  card.source.topic = cards::Coding{k.rule_system, "data-unavailable", "Checks not completed"};
  card.detail = k.unavailable_detail + "\n\n";
  for (const std::string& l : lines) card.detail += "- " + EscapeMarkdown(l) + "\n";
  return card;
}

std::string_view OutcomeKindName(RuleOutcome::Kind kind) {
  switch (kind) {
    case RuleOutcome::Kind::kNotApplicable:
      return "not_applicable";
    case RuleOutcome::Kind::kFired:
      return "fired";
    case RuleOutcome::Kind::kNeedsData:
      return "needs_data";
    case RuleOutcome::Kind::kDataUnavailable:
      return "data_unavailable";
  }
  return "unknown";
}

std::string Engine::CannotFetchReason(const CdsRequest& request) const {
  if (client_ == nullptr) return "this service is not configured to call FHIR servers";
  if (!request.fhir_server()) return "the request has no fhirServer";
  if (!client_->IsAllowed(std::string(*request.fhir_server())))
    return "the request's fhirServer is not on the allow-list";
  if (!request.fhir_authorization() && !options_.fetch_without_token)
    return "the request has no fhirAuthorization";
  return "";
}

size_t Engine::FetchNeeds(const CdsService& service, const CdsRequest& request,
                          const std::vector<std::string>& needs, fhir::Deadline deadline,
                          PatientData& data) const {
  std::string cannot = CannotFetchReason(request);
  std::vector<std::string> keys, urls;
  std::vector<bool> reads;
  for (const std::string& key : needs) {
    if (!cannot.empty()) {
      data.MarkUnavailable(key, "not in prefetch, and " + cannot);
      continue;
    }
    const DataEntry* entry = data.Find(key);
    std::string url;
    bool is_read = false;
    if (entry != nullptr && !entry->next_page.empty()) {
      url = entry->next_page;
    } else if (const PrefetchEntry* p = service.FindPrefetch(key)) {
      auto expanded = p->query.Expand(request);
      if (!expanded.ok()) {
        data.MarkUnavailable(key, "cannot build its query: " + expanded.status().message());
        continue;
      }
      url = std::move(expanded).value();
      is_read = url.find('?') == std::string::npos;
    } else if (fhir::ParseReference(key).kind == fhir::ReferenceKind::kRelative) {
      url = key;  // a resource read, e.g. Medication/123
      is_read = true;
    } else {
      data.MarkUnavailable(key, "no query is defined for this data key");
      continue;
    }
    keys.push_back(key);
    urls.push_back(std::move(url));
    reads.push_back(is_read);
  }
  if (urls.empty()) return 0;
  fhir::FhirServerAccess access;
  access.base_url = std::string(*request.fhir_server());
  if (request.fhir_authorization())
    access.bearer_token = std::string(request.fhir_authorization()->access_token);
  std::vector<fhir::FhirResponse> responses = client_->FetchAll(access, urls, deadline);
  for (size_t i = 0; i < keys.size(); ++i) {
    Status s = data.AddFetched(keys[i], std::move(responses[i]), reads[i]);
    if (!s.ok()) data.MarkUnavailable(keys[i], s.message());
  }
  return urls.size();
}

StatusOr<HookResult> Engine::Evaluate(const ServiceRegistry& registry, const CdsService& service,
                                      const CdsRequest& request) const {
  HookResult result;
  if (request.patient_id().empty()) {
    CDS_LOG(kWarn, "no_patient_in_context")
        .Field("hookInstance", request.hook_instance())
        .Field("service", service.id());
    return result;  // nothing patient-specific can be said; {"cards": []}
  }
  fhir::Deadline deadline =
      SteadyClock::now() + std::chrono::milliseconds(options_.fhir_deadline_ms);
  PatientData data(std::string(request.patient_id()), options_.max_resources);
  CDS_RETURN_IF_ERROR(data.LoadRequest(request, service.PrefetchKeys()));
  DraftOrders orders(request);
  RuleContext ctx(request, data, orders, clock_.Now());
  const size_t n = service.rules.size();
  std::vector<RuleOutcome> outcomes(n);
  std::vector<bool> pending(n, true), crashed(n, false);
  for (int round = 0;; ++round) {
    std::vector<std::string> needs;
    for (size_t i = 0; i < n; ++i) {
      if (!pending[i]) continue;
      outcomes[i] = RuleOutcome();
      try {
        service.rules[i]->Evaluate(ctx, outcomes[i]);
      } catch (...) {  // whatever it threw, the other rules' cards still go out
        outcomes[i] = RuleOutcome();
        crashed[i] = true;
        CDS_LOG(kError, "rule_failed")
            .Field("rule", service.rules[i]->info().id)
            .Field("hookInstance", request.hook_instance());
      }
      pending[i] = outcomes[i].kind() == RuleOutcome::Kind::kNeedsData;
      for (const std::string& k : outcomes[i].needs()) AddUnique(needs, k);
    }
    if (needs.empty() || round + 1 >= options_.max_rounds) break;
    result.fhir_queries += FetchNeeds(service, request, needs, deadline, data);
  }
  result.foreign_resources_dropped = data.foreign_resources_dropped();
  std::vector<std::string> unavailable_lines;
  for (size_t i = 0; i < n; ++i) {
    const RuleInfo& info = service.rules[i]->info();
    RuleOutcome& o = outcomes[i];
    result.runs.push_back({info.id, o.kind(), o.cards().size()});
    if (crashed[i]) {
      unavailable_lines.push_back(info.title + ": the check failed internally and was not made");
      continue;
    }
    switch (o.kind()) {
      case RuleOutcome::Kind::kFired:
        for (cards::Card& c : o.mutable_cards()) {
          result.response.cards.push_back(std::move(c));
          result.card_rule_ids.push_back(info.id);
        }
        break;
      case RuleOutcome::Kind::kDataUnavailable:
        for (const UnavailableData& u : o.unavailable())
          unavailable_lines.push_back(info.title + ": " + u.key + ": " + u.reason);
        break;
      case RuleOutcome::Kind::kNeedsData:
        unavailable_lines.push_back(info.title + ": data still missing after " +
                                    std::to_string(options_.max_rounds - 1) +
                                    " rounds of fetching");
        break;
      case RuleOutcome::Kind::kNotApplicable:
        break;
    }
  }
  if (unavailable_lines.empty()) return result;
  // A rule that failed internally is reported on a card (never silently dropped, never a
  // 5xx that hides the other checks); only data unavailability alone becomes 412.
  bool any_crash = std::find(crashed.begin(), crashed.end(), true) != crashed.end();
  if (!any_crash && result.response.cards.empty() &&
      options_.on_data_unavailable == config::DataUnavailablePolicy::kFail) {
    std::string msg = "data the rules need could not be obtained";
    for (const std::string& l : unavailable_lines) msg += "; " + l;
    return FailedPreconditionError(msg);
  }
  result.response.cards.push_back(ChecksNotCompletedCard(registry.knowledge(), unavailable_lines));
  result.card_rule_ids.push_back("data-unavailable");
  return result;
}

}  // namespace cds::hooks
