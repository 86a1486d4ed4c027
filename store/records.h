// The rows the store keeps, as plain values: the cards the service issued, the feedback EHRs
// send about them, the audit record of every hook call, the JWT ids already used, and the
// clinicians' decisions that change later answers (remembered overrides, encounter snoozes).
//
// Text fields use "" for "absent" (stored as NULL). Times are EpochMillis (UTC). No record
// holds a patient id: `patient_key` is an HMAC-SHA-256 of the patient id computed by the
// caller with the deployment's secret, and `encounter_key` likewise for the encounter id.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace cds::store {

// An override reason the card offered (a Coding), kept with the card so that feedback that
// names only system and code can be stored with the display the clinician saw.
struct OverrideReasonCoding {
  std::string system, code, display;
  friend bool operator==(const OverrideReasonCoding&, const OverrideReasonCoding&) = default;
};

struct IssuedCard {
  std::string card_uuid;
  std::string hook_instance;
  std::string service_id;
  std::string rule_id;
  std::string indicator;  // info | warning | critical
  cds::EpochMillis issued_at = 0;
  std::vector<std::string> suggestion_uuids;
  // What the audit trail and the alert-fatigue controls need; empty when not known.
  std::string call_id;  // the HookCallRecord that issued the card
  std::string summary;
  std::string patient_key;
  std::string user_id;  // context.userId of the call
  std::string encounter_key;
  // Identifies the evidence that made the rule fire (e.g. a hash of the triggering
  // resources' ids and versions): a remembered override lapses when it changes.
  std::string evidence_fingerprint;
  std::vector<OverrideReasonCoding> override_reasons;
};

// One element of a feedback array, already validated by the caller (hooks/feedback.h).
struct Feedback {
  std::string service_id;  // from the URL /cds-services/{id}/feedback
  std::string card_uuid;
  std::string outcome;                // accepted | overridden
  cds::EpochMillis outcome_time = 0;  // parsed outcomeTimestamp (UTC ms)
  std::string outcome_timestamp;      // as sent, for audit
  std::vector<std::string> accepted_suggestions;
  // overrideReason.reason and overrideReason.userComment; empty = absent (stored as NULL).
  std::string override_system, override_code, override_display, user_comment;
  cds::EpochMillis received_at = 0;
};

enum class FeedbackResult { kStored, kDuplicate };

struct StoredFeedback {
  Feedback feedback;
  bool card_known = false;  // the card was in the issued-card table when feedback arrived
  // The card's origin, copied at RecordFeedback() time; empty when !card_known. call_id
  // links the item to the audit record of the hook call that issued the card.
  std::string hook_instance, card_service_id, rule_id, call_id;
};

enum class JtiResult { kRecorded, kReplay };

// --- Audit trail -----------------------------------------------------------------------

// What a rule did in one hook call. A rule that threw is kFailed, never kNotApplicable.
enum class RuleOutcome { kFired, kNotApplicable, kInsufficientData, kDataUnavailable, kFailed };
// Where the data behind one prefetch key came from.
enum class DataSource { kPrefetch, kFetched, kFailed };
// Why a card a rule produced was not shown.
enum class SuppressionReason { kRememberedOverride, kSnoozed, kFolded };

std::string_view RuleOutcomeName(RuleOutcome outcome);  // "fired", "not_applicable", ...
std::string_view DataSourceName(DataSource source);     // "prefetch", "fetched", "failed"
std::string_view SuppressionReasonName(SuppressionReason reason);  // "remembered_override", ...
std::optional<RuleOutcome> ParseRuleOutcome(std::string_view name);
std::optional<DataSource> ParseDataSource(std::string_view name);
std::optional<SuppressionReason> ParseSuppressionReason(std::string_view name);

struct RuleEvaluation {
  std::string rule_id;
  RuleOutcome outcome = RuleOutcome::kNotApplicable;
  friend bool operator==(const RuleEvaluation&, const RuleEvaluation&) = default;
};

struct DataSourceUse {
  std::string prefetch_key;
  DataSource source = DataSource::kPrefetch;
  friend bool operator==(const DataSourceUse&, const DataSourceUse&) = default;
};

struct SuppressedCard {
  std::string rule_id;
  SuppressionReason reason = SuppressionReason::kRememberedOverride;
  std::string detail;  // e.g. the remembered reason code; never patient data
  friend bool operator==(const SuppressedCard&, const SuppressedCard&) = default;
};

// One hook call as the audit trail keeps it.
struct HookCallRecord {
  std::string call_id;  // unique per call (a UUID made by the service); makes writes idempotent
  cds::EpochMillis called_at = 0;
  std::string service_id, hook, hook_instance;
  std::string user_id;      // context.userId; "" when absent
  std::string patient_key;  // "" when the call named no patient
  int http_status = 200;
  int64_t latency_us = 0;
  std::vector<RuleEvaluation> rules;  // in evaluation order
  std::vector<IssuedCard> cards;      // stored as issued cards carrying this call_id
  std::vector<SuppressedCard> suppressed;
  std::vector<DataSourceUse> data_sources;
};

// --- Alert-fatigue controls ------------------------------------------------------------

// "Do not show this rule again for this patient until expires_at, unless the evidence
// changes": started by an override with a reason the rule marks as remembered.
struct RememberedOverride {
  std::string patient_key, rule_id;
  std::string reason_system, reason_code, reason_display;
  std::string evidence_fingerprint;
  std::string card_uuid;  // the overridden card
  cds::EpochMillis created_at = 0, expires_at = 0;
  friend bool operator==(const RememberedOverride&, const RememberedOverride&) = default;
};

// "Do not show this rule again to this user in this encounter": started by a dismissal.
struct EncounterSnooze {
  std::string user_id, encounter_key, rule_id;
  std::string card_uuid;
  cds::EpochMillis created_at = 0, expires_at = 0;
  friend bool operator==(const EncounterSnooze&, const EncounterSnooze&) = default;
};

// What a newly stored feedback item starts. Decided by the caller, which knows each rule's
// settings; written by the store in the feedback's own transaction.
struct FeedbackFollowUp {
  std::optional<RememberedOverride> remember;
  std::optional<EncounterSnooze> snooze;
};
// Called once per newly stored item whose card is known (never for duplicates), with the
// item as stored (override display filled in). Must not block or call the store.
using FeedbackFollowUpPolicy =
    std::function<FeedbackFollowUp(const IssuedCard& card, const Feedback& item)>;

// --- Retention -------------------------------------------------------------------------

struct ExpiredRowsPurged {
  int64_t jtis = 0, remembered_overrides = 0, snoozes = 0;
};

// --- Override analytics ----------------------------------------------------------------

// [from, to) in EpochMillis. Days are counted in a fixed offset from UTC (e.g. +60 min for
// CET); day N is [N * 86400000 - utc_offset_ms, (N + 1) * 86400000 - utc_offset_ms).
struct AnalyticsRange {
  cds::EpochMillis from = 0, to = 0;
  int64_t utc_offset_ms = 0;
};

// Per rule and day. Card counts are over the cards issued that day; a card's outcome is the
// outcome of its most recent feedback item (ignored: no feedback at all). Rule outcome
// counts and suppressions are over the hook calls made that day.
struct RuleDayStats {
  std::string rule_id;
  int64_t day = 0;
  int64_t evaluations = 0;  // hook calls that evaluated the rule
  int64_t fired = 0, not_applicable = 0, insufficient_data = 0, data_unavailable = 0, failed = 0;
  int64_t cards_issued = 0, accepted = 0, overridden = 0, ignored = 0;
  int64_t suggestions_accepted = 0;  // suggestion uuids in accepted feedback
  int64_t suppressed = 0;
  friend bool operator==(const RuleDayStats&, const RuleDayStats&) = default;
};

struct DayStats {
  int64_t day = 0;
  int64_t hook_calls = 0, cards_issued = 0;
  friend bool operator==(const DayStats&, const DayStats&) = default;
};

// Overrides of cards issued in the range, by rule and reason (system and code; "" when the
// item had none), most frequent first within a rule.
struct OverrideReasonStats {
  std::string rule_id, system, code, display;
  int64_t count = 0;
  friend bool operator==(const OverrideReasonStats&, const OverrideReasonStats&) = default;
};

struct SuppressionStats {
  std::string rule_id;
  SuppressionReason reason = SuppressionReason::kRememberedOverride;
  int64_t count = 0;
  friend bool operator==(const SuppressionStats&, const SuppressionStats&) = default;
};

struct OverrideAnalytics {
  std::vector<DayStats> days;           // by day; only days with calls or cards
  std::vector<RuleDayStats> rule_days;  // by rule, then day
  std::vector<OverrideReasonStats> override_reasons;
  std::vector<SuppressionStats> suppressions;  // by rule, then reason
};

}  // namespace cds::store
