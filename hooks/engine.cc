#include "hooks/engine.h"

#include <algorithm>
#include <exception>

#include "base/log.h"
#include "base/status_macros.h"
#include "base/uuid.h"

#include "fhir/reference.h"

#include "hooks/rule_kit/card_maker.h"

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
    case RuleOutcome::Kind::kInsufficientData:
      return "insufficient_data";
    case RuleOutcome::Kind::kNeedsData:
      return "needs_data";
    case RuleOutcome::Kind::kDataUnavailable:
      return "data_unavailable";
    case RuleOutcome::Kind::kFailed:
      return "failed";
  }
  return "unknown";
}

cards::Response HookResult::Response() const {
  cards::Response r;
  for (const RuleCard& c : cards) r.cards.push_back(c.card);
  return r;
}

std::vector<std::string> HookResult::RuleIds() const {
  std::vector<std::string> ids;
  for (const RuleCard& c : cards) ids.push_back(c.rule_id);
  return ids;
}

bool Engine::EvaluateRule(const Rule& rule, const RuleContext& ctx, const CdsRequest& request,
                          RuleOutcome& out) const {
  const RuleInfo& info = rule.info();
  try {
    rule.Evaluate(ctx, out);
  } catch (...) {  // whatever it threw, the other rules' cards still go out
    CDS_LOG(kError, "rule_failed")
        .Field("rule", info.id)
        .Field("hookInstance", request.hook_instance())
        .Field("reason", "threw");
    return false;
  }
  if (!info.reads_only_declared_keys) return true;
  for (const std::string& key : out.reads()) {
    bool declared =
        std::find(info.data_keys.begin(), info.data_keys.end(), key) != info.data_keys.end() ||
        (request.hook() == Hook::kPatientView &&
         std::find(info.patient_view_data_keys.begin(), info.patient_view_data_keys.end(), key) !=
             info.patient_view_data_keys.end()) ||
        fhir::ParseReference(key).kind == fhir::ReferenceKind::kRelative;  // a FHIR read
    if (declared) continue;
    // Its services do not prefetch what it reads: a bug in the rule, never "no data".
    CDS_LOG(kError, "rule_failed")
        .Field("rule", info.id)
        .Field("hookInstance", request.hook_instance())
        .Field("reason", "read undeclared data key " + key);
    return false;
  }
  return true;
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
      if (!EvaluateRule(*service.rules[i], ctx, request, outcomes[i])) {
        outcomes[i] = RuleOutcome();
        crashed[i] = true;
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
    if (crashed[i]) {
      result.runs.push_back({info.id, RuleOutcome::Kind::kFailed, 0, {}});
      unavailable_lines.push_back(info.title + ": the check failed internally and was not made");
      continue;
    }
    result.runs.push_back({info.id, o.kind(), o.cards().size(), o.notes()});
    switch (o.kind()) {
      case RuleOutcome::Kind::kFired:
        for (cards::Card& c : o.mutable_cards()) result.cards.push_back({info.id, std::move(c)});
        break;
      case RuleOutcome::Kind::kInsufficientData:
        for (const std::string& note : o.notes()) {
          CDS_LOG(kDebug, "rule_insufficient_data")
              .Field("rule", info.id)
              .Field("hookInstance", request.hook_instance())
              .Field("note", note);
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
      case RuleOutcome::Kind::kFailed:
        break;
    }
  }
  if (unavailable_lines.empty()) return result;
  // A rule that failed internally is reported on a card (never silently dropped, never a
  // 5xx that hides the other checks); only data unavailability alone becomes 412.
  bool any_crash = std::find(crashed.begin(), crashed.end(), true) != crashed.end();
  if (!any_crash && result.cards.empty() &&
      options_.on_data_unavailable == config::DataUnavailablePolicy::kFail) {
    std::string msg = "data the rules need could not be obtained";
    for (const std::string& l : unavailable_lines) msg += "; " + l;
    return FailedPreconditionError(msg);
  }
  result.cards.push_back(
      {"data-unavailable", ChecksNotCompletedCard(registry.knowledge(), unavailable_lines)});
  return result;
}

}  // namespace cds::hooks
