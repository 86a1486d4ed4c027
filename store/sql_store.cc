#include "store/sql_store.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "base/status_macros.h"

#include "store/json_array.h"

namespace cds::store {
namespace {

// --- Statements (the dialect both databases share; ?N parameters) ---------------------

constexpr const char* kInsertCardSql =
    "INSERT INTO issued_card (card_uuid, hook_instance, service_id, rule_id, indicator, "
    "issued_at, suggestion_uuids, call_id, summary, patient_key, user_id, encounter_key, "
    "evidence_fingerprint, override_reasons) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
    "ON CONFLICT (card_uuid) DO NOTHING";

#define CDS_CARD_COLUMNS                                                                    \
  "card_uuid, hook_instance, service_id, rule_id, indicator, issued_at, suggestion_uuids, " \
  "call_id, summary, patient_key, user_id, encounter_key, evidence_fingerprint, "           \
  "override_reasons"

constexpr const char* kFindCardSql =
    "SELECT " CDS_CARD_COLUMNS " FROM issued_card WHERE card_uuid = ?1";
constexpr const char* kCardsOfCallSql =
    "SELECT " CDS_CARD_COLUMNS " FROM issued_card WHERE call_id = ?1";

// The conflict target is spelled out so that only the idempotence key is absorbed; a CHECK
// or NOT NULL violation still fails the statement (INSERT OR IGNORE would skip those rows).
constexpr const char* kInsertFeedbackSql =
    "INSERT INTO feedback (service_id, card_uuid, outcome, outcome_time, outcome_timestamp, "
    "accepted_suggestions, override_system, override_code, override_display, user_comment, "
    "received_at, card_known, hook_instance, card_service_id, rule_id, call_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
    "ON CONFLICT (card_uuid, outcome, outcome_time) DO NOTHING";

constexpr const char* kCountFeedbackSql = "SELECT COUNT(*) FROM feedback";

constexpr const char* kListFeedbackSql =
    "SELECT service_id, card_uuid, outcome, outcome_time, outcome_timestamp, "
    "accepted_suggestions, override_system, override_code, override_display, user_comment, "
    "received_at, card_known, hook_instance, card_service_id, rule_id, call_id "
    "FROM feedback ORDER BY received_at DESC, id DESC LIMIT ?1";

// Insert-if-absent with expiry in one statement: a live pair is left alone (0 rows
// changed: a replay); an expired one is taken over. Concurrent callers serialise on the
// primary key, so exactly one of them changes the row.
constexpr const char* kRecordJtiSql =
    "INSERT INTO used_jti (iss, jti, expires_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (iss, jti) DO UPDATE SET expires_at = excluded.expires_at "
    "WHERE used_jti.expires_at <= ?4";

constexpr const char* kInsertHookCallSql =
    "INSERT INTO hook_call (call_id, called_at, service_id, hook, hook_instance, user_id, "
    "patient_key, http_status, latency_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (call_id) DO NOTHING";
constexpr const char* kInsertRuleSql =
    "INSERT INTO hook_call_rule (call_id, ordinal, rule_id, outcome) VALUES (?1, ?2, ?3, ?4)";
constexpr const char* kInsertDataSourceSql =
    "INSERT INTO hook_call_data_source (call_id, prefetch_key, source) VALUES (?1, ?2, ?3)";
constexpr const char* kInsertSuppressedSql =
    "INSERT INTO suppressed_card (call_id, rule_id, reason, detail) VALUES (?1, ?2, ?3, ?4)";

constexpr const char* kFindHookCallSql =
    "SELECT call_id, called_at, service_id, hook, hook_instance, user_id, patient_key, "
    "http_status, latency_us FROM hook_call WHERE call_id = ?1";
constexpr const char* kRulesOfCallSql =
    "SELECT rule_id, outcome FROM hook_call_rule WHERE call_id = ?1 ORDER BY ordinal";
constexpr const char* kDataSourcesOfCallSql =
    "SELECT prefetch_key, source FROM hook_call_data_source WHERE call_id = ?1";
constexpr const char* kSuppressedOfCallSql =
    "SELECT rule_id, reason, detail FROM suppressed_card WHERE call_id = ?1 ORDER BY id";

// Rule outcomes, data sources and suppressions go with their call (ON DELETE CASCADE).
constexpr const char* kPurgeHookCallsSql =
    "DELETE FROM hook_call WHERE call_id IN "
    "(SELECT call_id FROM hook_call WHERE called_at < ?1 LIMIT ?2)";

constexpr const char* kRememberOverrideSql =
    "INSERT INTO remembered_override (patient_key, rule_id, reason_system, reason_code, "
    "reason_display, evidence_fingerprint, card_uuid, created_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (patient_key, rule_id) DO UPDATE SET reason_system = excluded.reason_system, "
    "reason_code = excluded.reason_code, reason_display = excluded.reason_display, "
    "evidence_fingerprint = excluded.evidence_fingerprint, card_uuid = excluded.card_uuid, "
    "created_at = excluded.created_at, expires_at = excluded.expires_at "
    "WHERE remembered_override.created_at <= excluded.created_at";
constexpr const char* kFindOverridesSql =
    "SELECT patient_key, rule_id, reason_system, reason_code, reason_display, "
    "evidence_fingerprint, card_uuid, created_at, expires_at FROM remembered_override "
    "WHERE patient_key = ?1 AND expires_at > ?2";

constexpr const char* kSnoozeSql =
    "INSERT INTO encounter_snooze (user_id, encounter_key, rule_id, card_uuid, created_at, "
    "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT (user_id, encounter_key, rule_id) DO UPDATE SET "
    "card_uuid = excluded.card_uuid, created_at = excluded.created_at, "
    "expires_at = excluded.expires_at "
    "WHERE encounter_snooze.created_at <= excluded.created_at";
constexpr const char* kFindSnoozesSql =
    "SELECT user_id, encounter_key, rule_id, card_uuid, created_at, expires_at "
    "FROM encounter_snooze WHERE user_id = ?1 AND encounter_key = ?2 AND expires_at > ?3";

constexpr const char* kPurgeJtisSql =
    "DELETE FROM used_jti WHERE (iss, jti) IN "
    "(SELECT iss, jti FROM used_jti WHERE expires_at <= ?1 LIMIT ?2)";
constexpr const char* kPurgeOverridesSql =
    "DELETE FROM remembered_override WHERE (patient_key, rule_id) IN "
    "(SELECT patient_key, rule_id FROM remembered_override WHERE expires_at <= ?1 LIMIT ?2)";
constexpr const char* kPurgeSnoozesSql =
    "DELETE FROM encounter_snooze WHERE (user_id, encounter_key, rule_id) IN "
    "(SELECT user_id, encounter_key, rule_id FROM encounter_snooze "
    "WHERE expires_at <= ?1 LIMIT ?2)";

// Analytics: ?1 from, ?2 to, ?3 the UTC offset added before cutting days.
constexpr const char* kCallsPerDaySql =
    "SELECT (called_at + ?3) / 86400000 AS day, COUNT(*) FROM hook_call "
    "WHERE called_at >= ?1 AND called_at < ?2 GROUP BY day";
constexpr const char* kRuleOutcomesSql =
    "SELECT r.rule_id, (h.called_at + ?3) / 86400000 AS day, r.outcome, COUNT(*) "
    "FROM hook_call h JOIN hook_call_rule r ON r.call_id = h.call_id "
    "WHERE h.called_at >= ?1 AND h.called_at < ?2 GROUP BY r.rule_id, day, r.outcome";
// A card's outcome is that of its latest feedback item (the index on feedback, led by
// card_uuid, serves the correlated lookup).
constexpr const char* kCardOutcomesSql =
    "SELECT rule_id, day, COUNT(*), "
    "SUM(CASE WHEN last_outcome = 'accepted' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN last_outcome = 'overridden' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN last_outcome IS NULL THEN 1 ELSE 0 END) "
    "FROM (SELECT c.rule_id AS rule_id, (c.issued_at + ?3) / 86400000 AS day, "
    "(SELECT f.outcome FROM feedback f WHERE f.card_uuid = c.card_uuid "
    "ORDER BY f.outcome_time DESC, f.id DESC LIMIT 1) AS last_outcome "
    "FROM issued_card c WHERE c.issued_at >= ?1 AND c.issued_at < ?2) AS cards "
    "GROUP BY rule_id, day";
constexpr const char* kSuppressionsSql =
    "SELECT s.rule_id, (h.called_at + ?3) / 86400000 AS day, s.reason, COUNT(*) "
    "FROM hook_call h JOIN suppressed_card s ON s.call_id = h.call_id "
    "WHERE h.called_at >= ?1 AND h.called_at < ?2 GROUP BY s.rule_id, day, s.reason";
constexpr const char* kOverrideReasonsSql =
    "SELECT c.rule_id, COALESCE(f.override_system, ''), COALESCE(f.override_code, ''), "
    "MAX(COALESCE(f.override_display, '')), COUNT(*) "
    "FROM issued_card c JOIN feedback f ON f.card_uuid = c.card_uuid "
    "WHERE f.outcome = 'overridden' AND c.issued_at >= ?1 AND c.issued_at < ?2 "
    "GROUP BY c.rule_id, COALESCE(f.override_system, ''), COALESCE(f.override_code, '')";

using Row = std::vector<std::optional<std::string>>;

Status ExpectColumns(const Row& row, size_t n) {
  if (row.size() != n) return InternalError("unexpected column count");
  return OkStatus();
}

Status InsertCard(SqlSession& db, const IssuedCard& card, std::string_view call_id) {
  const std::string suggestions = EncodeJsonStringArray(card.suggestion_uuids);
  const std::string reasons = EncodeJsonCodingArray(card.override_reasons);
  return db
      .Execute(kInsertCardSql,
               {card.card_uuid, card.hook_instance, card.service_id, card.rule_id, card.indicator,
                card.issued_at, std::string_view(suggestions), TextOrNull(call_id),
                TextOrNull(card.summary), TextOrNull(card.patient_key), TextOrNull(card.user_id),
                TextOrNull(card.encounter_key), TextOrNull(card.evidence_fingerprint),
                std::string_view(reasons)})
      .status();
}

StatusOr<IssuedCard> CardFromRow(const Row& row) {
  CDS_RETURN_IF_ERROR(ExpectColumns(row, 14));
  IssuedCard card;
  card.card_uuid = CellText(row[0]);
  card.hook_instance = CellText(row[1]);
  card.service_id = CellText(row[2]);
  card.rule_id = CellText(row[3]);
  card.indicator = CellText(row[4]);
  CDS_ASSIGN_OR_RETURN(card.issued_at, CellInt(row[5]));
  CDS_ASSIGN_OR_RETURN(card.suggestion_uuids, DecodeJsonStringArray(CellText(row[6])));
  card.call_id = CellText(row[7]);
  card.summary = CellText(row[8]);
  card.patient_key = CellText(row[9]);
  card.user_id = CellText(row[10]);
  card.encounter_key = CellText(row[11]);
  card.evidence_fingerprint = CellText(row[12]);
  CDS_ASSIGN_OR_RETURN(card.override_reasons, DecodeJsonCodingArray(CellText(row[13])));
  return card;
}

StatusOr<std::optional<IssuedCard>> ReadIssuedCard(SqlSession& db, std::string_view card_uuid) {
  CDS_ASSIGN_OR_RETURN(SqlResult result, db.Execute(kFindCardSql, {card_uuid}));
  if (result.rows.empty()) return std::optional<IssuedCard>();
  CDS_ASSIGN_OR_RETURN(IssuedCard card, CardFromRow(result.rows[0]));
  return std::optional<IssuedCard>(std::move(card));
}

// An override reason sent as system + code without display gets the display the card
// offered for that Coding, so reports show what the clinician saw.
void FillOverrideDisplay(const IssuedCard& card, Feedback& f) {
  if (f.override_code.empty() || !f.override_display.empty()) return;
  for (const OverrideReasonCoding& offered : card.override_reasons) {
    if (offered.code == f.override_code && offered.system == f.override_system) {
      f.override_display = offered.display;
      return;
    }
  }
}

Status RememberOverrideIn(SqlSession& db, const RememberedOverride& r) {
  return db
      .Execute(kRememberOverrideSql,
               {r.patient_key, r.rule_id, TextOrNull(r.reason_system), r.reason_code,
                TextOrNull(r.reason_display), TextOrNull(r.evidence_fingerprint),
                TextOrNull(r.card_uuid), r.created_at, r.expires_at})
      .status();
}

Status SnoozeIn(SqlSession& db, const EncounterSnooze& s) {
  return db
      .Execute(kSnoozeSql, {s.user_id, s.encounter_key, s.rule_id, TextOrNull(s.card_uuid),
                            s.created_at, s.expires_at})
      .status();
}

// Inserts one item inside the caller's transaction.
StatusOr<FeedbackResult> InsertFeedback(SqlSession& db, Feedback f,
                                        const FeedbackFollowUpPolicy& follow_up) {
  CDS_ASSIGN_OR_RETURN(std::optional<IssuedCard> card, ReadIssuedCard(db, f.card_uuid));
  const IssuedCard unknown;
  const IssuedCard& origin = card.has_value() ? *card : unknown;
  if (card.has_value()) FillOverrideDisplay(*card, f);
  const std::string accepted = EncodeJsonStringArray(f.accepted_suggestions);
  CDS_ASSIGN_OR_RETURN(
      SqlResult inserted,
      db.Execute(
          kInsertFeedbackSql,
          {f.service_id, f.card_uuid, f.outcome, f.outcome_time, f.outcome_timestamp,
           std::string_view(accepted), TextOrNull(f.override_system), TextOrNull(f.override_code),
           TextOrNull(f.override_display), TextOrNull(f.user_comment), f.received_at,
           int64_t{card.has_value() ? 1 : 0}, TextOrNull(origin.hook_instance),
           TextOrNull(origin.service_id), TextOrNull(origin.rule_id), TextOrNull(origin.call_id)}));
  if (inserted.affected_rows == 0) return FeedbackResult::kDuplicate;
  if (card.has_value() && follow_up) {
    FeedbackFollowUp next = follow_up(*card, f);
    if (next.remember) CDS_RETURN_IF_ERROR(RememberOverrideIn(db, *next.remember));
    if (next.snooze) CDS_RETURN_IF_ERROR(SnoozeIn(db, *next.snooze));
  }
  return FeedbackResult::kStored;
}

StatusOr<StoredFeedback> FeedbackFromRow(const Row& row) {
  CDS_RETURN_IF_ERROR(ExpectColumns(row, 16));
  StoredFeedback stored;
  Feedback& f = stored.feedback;
  f.service_id = CellText(row[0]);
  f.card_uuid = CellText(row[1]);
  f.outcome = CellText(row[2]);
  CDS_ASSIGN_OR_RETURN(f.outcome_time, CellInt(row[3]));
  f.outcome_timestamp = CellText(row[4]);
  CDS_ASSIGN_OR_RETURN(f.accepted_suggestions, DecodeJsonStringArray(CellText(row[5])));
  f.override_system = CellText(row[6]);
  f.override_code = CellText(row[7]);
  f.override_display = CellText(row[8]);
  f.user_comment = CellText(row[9]);
  CDS_ASSIGN_OR_RETURN(f.received_at, CellInt(row[10]));
  CDS_ASSIGN_OR_RETURN(int64_t known, CellInt(row[11]));
  stored.card_known = known != 0;
  stored.hook_instance = CellText(row[12]);
  stored.card_service_id = CellText(row[13]);
  stored.rule_id = CellText(row[14]);
  stored.call_id = CellText(row[15]);
  return stored;
}

Status InsertHookCall(SqlSession& db, const HookCallRecord& call) {
  CDS_ASSIGN_OR_RETURN(
      SqlResult inserted,
      db.Execute(kInsertHookCallSql,
                 {call.call_id, call.called_at, call.service_id, call.hook, call.hook_instance,
                  TextOrNull(call.user_id), TextOrNull(call.patient_key), int64_t{call.http_status},
                  call.latency_us}));
  if (inserted.affected_rows == 0) return OkStatus();  // recorded before: a retry
  for (size_t i = 0; i < call.rules.size(); ++i) {
    const RuleEvaluation& rule = call.rules[i];
    CDS_RETURN_IF_ERROR(db.Execute(kInsertRuleSql, {call.call_id, static_cast<int64_t>(i),
                                                    rule.rule_id, RuleOutcomeName(rule.outcome)})
                            .status());
  }
  for (const DataSourceUse& use : call.data_sources) {
    CDS_RETURN_IF_ERROR(db.Execute(kInsertDataSourceSql,
                                   {call.call_id, use.prefetch_key, DataSourceName(use.source)})
                            .status());
  }
  for (const SuppressedCard& s : call.suppressed) {
    CDS_RETURN_IF_ERROR(
        db.Execute(kInsertSuppressedSql,
                   {call.call_id, s.rule_id, SuppressionReasonName(s.reason), TextOrNull(s.detail)})
            .status());
  }
  for (const IssuedCard& card : call.cards) {
    CDS_RETURN_IF_ERROR(InsertCard(db, card, call.call_id));
  }
  return OkStatus();
}

StatusOr<std::optional<HookCallRecord>> ReadHookCall(SqlSession& db, std::string_view call_id) {
  CDS_ASSIGN_OR_RETURN(SqlResult head, db.Execute(kFindHookCallSql, {call_id}));
  if (head.rows.empty()) return std::optional<HookCallRecord>();
  const Row& row = head.rows[0];
  CDS_RETURN_IF_ERROR(ExpectColumns(row, 9));
  HookCallRecord call;
  call.call_id = CellText(row[0]);
  CDS_ASSIGN_OR_RETURN(call.called_at, CellInt(row[1]));
  call.service_id = CellText(row[2]);
  call.hook = CellText(row[3]);
  call.hook_instance = CellText(row[4]);
  call.user_id = CellText(row[5]);
  call.patient_key = CellText(row[6]);
  CDS_ASSIGN_OR_RETURN(int64_t status, CellInt(row[7]));
  call.http_status = static_cast<int>(status);
  CDS_ASSIGN_OR_RETURN(call.latency_us, CellInt(row[8]));

  CDS_ASSIGN_OR_RETURN(SqlResult rules, db.Execute(kRulesOfCallSql, {call_id}));
  for (const Row& r : rules.rows) {
    CDS_RETURN_IF_ERROR(ExpectColumns(r, 2));
    std::optional<RuleOutcome> outcome = ParseRuleOutcome(CellText(r[1]));
    if (!outcome) return InternalError("stored rule outcome is unknown");
    call.rules.push_back({CellText(r[0]), *outcome});
  }
  CDS_ASSIGN_OR_RETURN(SqlResult sources, db.Execute(kDataSourcesOfCallSql, {call_id}));
  for (const Row& r : sources.rows) {
    CDS_RETURN_IF_ERROR(ExpectColumns(r, 2));
    std::optional<DataSource> source = ParseDataSource(CellText(r[1]));
    if (!source) return InternalError("stored data source is unknown");
    call.data_sources.push_back({CellText(r[0]), *source});
  }
  // Sorted here rather than in SQL: collations differ between databases.
  std::sort(call.data_sources.begin(), call.data_sources.end(),
            [](const DataSourceUse& a, const DataSourceUse& b) {
              return a.prefetch_key < b.prefetch_key;
            });
  CDS_ASSIGN_OR_RETURN(SqlResult suppressed, db.Execute(kSuppressedOfCallSql, {call_id}));
  for (const Row& r : suppressed.rows) {
    CDS_RETURN_IF_ERROR(ExpectColumns(r, 3));
    std::optional<SuppressionReason> reason = ParseSuppressionReason(CellText(r[1]));
    if (!reason) return InternalError("stored suppression reason is unknown");
    call.suppressed.push_back({CellText(r[0]), *reason, CellText(r[2])});
  }
  CDS_ASSIGN_OR_RETURN(SqlResult cards, db.Execute(kCardsOfCallSql, {call_id}));
  for (const Row& r : cards.rows) {
    CDS_ASSIGN_OR_RETURN(IssuedCard card, CardFromRow(r));
    call.cards.push_back(std::move(card));
  }
  std::sort(call.cards.begin(), call.cards.end(),
            [](const IssuedCard& a, const IssuedCard& b) { return a.card_uuid < b.card_uuid; });
  return std::optional<HookCallRecord>(std::move(call));
}

StatusOr<RememberedOverride> OverrideFromRow(const Row& row) {
  CDS_RETURN_IF_ERROR(ExpectColumns(row, 9));
  RememberedOverride r;
  r.patient_key = CellText(row[0]);
  r.rule_id = CellText(row[1]);
  r.reason_system = CellText(row[2]);
  r.reason_code = CellText(row[3]);
  r.reason_display = CellText(row[4]);
  r.evidence_fingerprint = CellText(row[5]);
  r.card_uuid = CellText(row[6]);
  CDS_ASSIGN_OR_RETURN(r.created_at, CellInt(row[7]));
  CDS_ASSIGN_OR_RETURN(r.expires_at, CellInt(row[8]));
  return r;
}

StatusOr<EncounterSnooze> SnoozeFromRow(const Row& row) {
  CDS_RETURN_IF_ERROR(ExpectColumns(row, 6));
  EncounterSnooze s;
  s.user_id = CellText(row[0]);
  s.encounter_key = CellText(row[1]);
  s.rule_id = CellText(row[2]);
  s.card_uuid = CellText(row[3]);
  CDS_ASSIGN_OR_RETURN(s.created_at, CellInt(row[4]));
  CDS_ASSIGN_OR_RETURN(s.expires_at, CellInt(row[5]));
  return s;
}

// --- Analytics -------------------------------------------------------------------------

using RuleDayKey = std::pair<std::string, int64_t>;

StatusOr<OverrideAnalytics> ReadAnalytics(SqlSession& db, const SqlDialect& dialect,
                                          const AnalyticsRange& range) {
  const int64_t from = range.from, to = range.to, offset = range.utc_offset_ms;
  std::map<RuleDayKey, RuleDayStats> by_rule_day;
  auto stats = [&by_rule_day](const std::string& rule, int64_t day) -> RuleDayStats& {
    RuleDayStats& s = by_rule_day[{rule, day}];
    s.rule_id = rule;
    s.day = day;
    return s;
  };
  std::map<int64_t, DayStats> by_day;
  auto day_stats = [&by_day](int64_t day) -> DayStats& {
    DayStats& d = by_day[day];
    d.day = day;
    return d;
  };

  CDS_ASSIGN_OR_RETURN(SqlResult calls, db.Execute(kCallsPerDaySql, {from, to, offset}));
  for (const Row& r : calls.rows) {
    CDS_RETURN_IF_ERROR(ExpectColumns(r, 2));
    CDS_ASSIGN_OR_RETURN(int64_t day, CellInt(r[0]));
    CDS_ASSIGN_OR_RETURN(day_stats(day).hook_calls, CellInt(r[1]));
  }

  CDS_ASSIGN_OR_RETURN(SqlResult outcomes, db.Execute(kRuleOutcomesSql, {from, to, offset}));
  for (const Row& r : outcomes.rows) {
    CDS_RETURN_IF_ERROR(ExpectColumns(r, 4));
    CDS_ASSIGN_OR_RETURN(int64_t day, CellInt(r[1]));
    CDS_ASSIGN_OR_RETURN(int64_t n, CellInt(r[3]));
    std::optional<RuleOutcome> outcome = ParseRuleOutcome(CellText(r[2]));
    if (!outcome) return InternalError("stored rule outcome is unknown");
    RuleDayStats& s = stats(CellText(r[0]), day);
    s.evaluations += n;
    switch (*outcome) {
      case RuleOutcome::kFired:
        s.fired += n;
        break;
      case RuleOutcome::kNotApplicable:
        s.not_applicable += n;
        break;
      case RuleOutcome::kInsufficientData:
        s.insufficient_data += n;
        break;
      case RuleOutcome::kDataUnavailable:
        s.data_unavailable += n;
        break;
      case RuleOutcome::kFailed:
        s.failed += n;
        break;
    }
  }

  CDS_ASSIGN_OR_RETURN(SqlResult cards, db.Execute(kCardOutcomesSql, {from, to, offset}));
  for (const Row& r : cards.rows) {
    CDS_RETURN_IF_ERROR(ExpectColumns(r, 6));
    CDS_ASSIGN_OR_RETURN(int64_t day, CellInt(r[1]));
    RuleDayStats& s = stats(CellText(r[0]), day);
    CDS_ASSIGN_OR_RETURN(s.cards_issued, CellInt(r[2]));
    CDS_ASSIGN_OR_RETURN(s.accepted, CellInt(r[3]));
    CDS_ASSIGN_OR_RETURN(s.overridden, CellInt(r[4]));
    CDS_ASSIGN_OR_RETURN(s.ignored, CellInt(r[5]));
    day_stats(day).cards_issued += s.cards_issued;
  }

  CDS_ASSIGN_OR_RETURN(SqlResult accepted,
                       db.Execute(dialect.suggestions_accepted, {from, to, offset}));
  for (const Row& r : accepted.rows) {
    CDS_RETURN_IF_ERROR(ExpectColumns(r, 3));
    CDS_ASSIGN_OR_RETURN(int64_t day, CellInt(r[1]));
    CDS_ASSIGN_OR_RETURN(stats(CellText(r[0]), day).suggestions_accepted, CellInt(r[2]));
  }

  std::map<std::pair<std::string, SuppressionReason>, int64_t> suppressions;
  CDS_ASSIGN_OR_RETURN(SqlResult suppressed, db.Execute(kSuppressionsSql, {from, to, offset}));
  for (const Row& r : suppressed.rows) {
    CDS_RETURN_IF_ERROR(ExpectColumns(r, 4));
    CDS_ASSIGN_OR_RETURN(int64_t day, CellInt(r[1]));
    CDS_ASSIGN_OR_RETURN(int64_t n, CellInt(r[3]));
    std::optional<SuppressionReason> reason = ParseSuppressionReason(CellText(r[2]));
    if (!reason) return InternalError("stored suppression reason is unknown");
    stats(CellText(r[0]), day).suppressed += n;
    suppressions[{CellText(r[0]), *reason}] += n;
  }

  OverrideAnalytics out;
  CDS_ASSIGN_OR_RETURN(SqlResult reasons, db.Execute(kOverrideReasonsSql, {from, to}));
  for (const Row& r : reasons.rows) {
    CDS_RETURN_IF_ERROR(ExpectColumns(r, 5));
    OverrideReasonStats s{CellText(r[0]), CellText(r[1]), CellText(r[2]), CellText(r[3]), 0};
    CDS_ASSIGN_OR_RETURN(s.count, CellInt(r[4]));
    out.override_reasons.push_back(std::move(s));
  }
  // Ordered here, byte-wise, so that both databases give the same order whatever their
  // collation.
  std::sort(out.override_reasons.begin(), out.override_reasons.end(),
            [](const OverrideReasonStats& a, const OverrideReasonStats& b) {
              return std::tie(a.rule_id, b.count, a.system, a.code) <
                     std::tie(b.rule_id, a.count, b.system, b.code);
            });
  for (auto& [key, s] : by_day) out.days.push_back(s);
  for (auto& [key, s] : by_rule_day) out.rule_days.push_back(std::move(s));
  for (auto& [key, n] : suppressions) out.suppressions.push_back({key.first, key.second, n});
  return out;
}

}  // namespace

std::string CellText(const std::optional<std::string>& cell) {
  return cell.has_value() ? *cell : std::string();
}

StatusOr<int64_t> CellInt(const std::optional<std::string>& cell) {
  if (!cell.has_value()) return int64_t{0};
  int64_t value = 0;
  const char* end = cell->data() + cell->size();
  auto [ptr, ec] = std::from_chars(cell->data(), end, value);
  if (ec != std::errc() || ptr != end) return InternalError("stored value is not an integer");
  return value;
}

StatusOr<SqlTransaction> SqlTransaction::Begin(SqlSession& session) {
  Status status = session.Begin();
  if (!status.ok()) return status.WithContext("begin");
  return SqlTransaction(&session);
}

SqlTransaction::~SqlTransaction() {
  if (session_ != nullptr) session_->Rollback();
}

Status SqlTransaction::Commit() {
  if (session_ == nullptr) return InternalError("commit: no open transaction");
  Status status = session_->Commit();
  if (!status.ok()) return status.WithContext("commit");  // the destructor rolls back
  session_ = nullptr;
  return OkStatus();
}

// --- SqlStore --------------------------------------------------------------------------

Status SqlStore::RecordIssuedCards(const std::vector<IssuedCard>& cards) {
  if (cards.empty()) return OkStatus();
  auto write = [&]() -> Status {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kRelaxed));
    CDS_ASSIGN_OR_RETURN(SqlTransaction txn, SqlTransaction::Begin(*db));
    for (const IssuedCard& card : cards) CDS_RETURN_IF_ERROR(InsertCard(*db, card, card.call_id));
    return txn.Commit();
  };
  return write().WithContext("record issued cards");
}

StatusOr<std::optional<IssuedCard>> SqlStore::FindIssuedCard(std::string_view card_uuid) {
  auto read = [&]() -> StatusOr<std::optional<IssuedCard>> {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kRelaxed));
    return ReadIssuedCard(*db, card_uuid);
  };
  auto card = read();
  if (!card.ok()) return card.status().WithContext("find issued card");
  return card;
}

StatusOr<std::vector<FeedbackResult>> SqlStore::RecordFeedback(
    const std::vector<Feedback>& items, const FeedbackFollowUpPolicy& follow_up) {
  if (items.empty()) return std::vector<FeedbackResult>();  // no transaction, no fsync
  auto write = [&]() -> StatusOr<std::vector<FeedbackResult>> {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kDurable));
    std::vector<FeedbackResult> results;
    results.reserve(items.size());
    CDS_ASSIGN_OR_RETURN(SqlTransaction txn, SqlTransaction::Begin(*db));
    for (size_t i = 0; i < items.size(); ++i) {
      StatusOr<FeedbackResult> result = InsertFeedback(*db, items[i], follow_up);
      if (!result.ok()) return result.status().WithContext("item " + std::to_string(i));
      results.push_back(*result);
    }
    CDS_RETURN_IF_ERROR(txn.Commit());
    return results;
  };
  auto results = write();
  if (!results.ok()) return results.status().WithContext("record feedback");
  return results;
}

StatusOr<int64_t> SqlStore::CountFeedback() {
  auto read = [&]() -> StatusOr<int64_t> {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kDurable));
    CDS_ASSIGN_OR_RETURN(SqlResult result, db->Execute(kCountFeedbackSql, {}));
    if (result.rows.size() != 1 || result.rows[0].size() != 1) {
      return InternalError("count: no row");
    }
    return CellInt(result.rows[0][0]);
  };
  auto count = read();
  if (!count.ok()) return count.status().WithContext("count feedback");
  return count;
}

StatusOr<std::vector<StoredFeedback>> SqlStore::ListFeedback(size_t limit) {
  auto read = [&]() -> StatusOr<std::vector<StoredFeedback>> {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kDurable));
    const size_t max = static_cast<size_t>(std::numeric_limits<int64_t>::max());
    CDS_ASSIGN_OR_RETURN(
        SqlResult result,
        db->Execute(kListFeedbackSql, {static_cast<int64_t>(std::min(limit, max))}));
    std::vector<StoredFeedback> out;
    out.reserve(result.rows.size());
    for (const Row& row : result.rows) {
      CDS_ASSIGN_OR_RETURN(StoredFeedback stored, FeedbackFromRow(row));
      out.push_back(std::move(stored));
    }
    return out;
  };
  auto list = read();
  if (!list.ok()) return list.status().WithContext("list feedback");
  return list;
}

StatusOr<int64_t> SqlStore::DeleteInBatches(const char* sql, EpochMillis cutoff, Lane lane) {
  int64_t total = 0;
  while (true) {
    // A session per batch: other work on the same connection interleaves with a long purge.
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(lane));
    CDS_ASSIGN_OR_RETURN(SqlTransaction txn, SqlTransaction::Begin(*db));
    CDS_ASSIGN_OR_RETURN(SqlResult deleted, db->Execute(sql, {cutoff, int64_t{batch_size_}}));
    CDS_RETURN_IF_ERROR(txn.Commit());
    total += deleted.affected_rows;
    if (deleted.affected_rows < batch_size_) return total;
  }
}

StatusOr<int64_t> SqlStore::PruneIssuedCards(EpochMillis older_than) {
  auto pruned = DeleteInBatches(lanes_->dialect().prune_issued_cards, older_than, Lane::kRelaxed);
  if (!pruned.ok()) return pruned.status().WithContext("prune issued cards");
  return pruned;
}

StatusOr<JtiResult> SqlStore::RecordJti(std::string_view iss, std::string_view jti,
                                        EpochMillis expires_at, EpochMillis now) {
  auto write = [&]() -> StatusOr<JtiResult> {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kRelaxed));
    CDS_ASSIGN_OR_RETURN(SqlResult result, db->Execute(kRecordJtiSql, {iss, jti, expires_at, now}));
    return result.affected_rows == 0 ? JtiResult::kReplay : JtiResult::kRecorded;
  };
  auto result = write();
  if (!result.ok()) return result.status().WithContext("record jti");
  return result;
}

Status SqlStore::RecordHookCalls(const std::vector<HookCallRecord>& calls) {
  if (calls.empty()) return OkStatus();
  auto write = [&]() -> Status {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kRelaxed));
    CDS_ASSIGN_OR_RETURN(SqlTransaction txn, SqlTransaction::Begin(*db));
    for (size_t i = 0; i < calls.size(); ++i) {
      Status s = InsertHookCall(*db, calls[i]);
      if (!s.ok()) return s.WithContext("call " + std::to_string(i));
    }
    return txn.Commit();
  };
  return write().WithContext("record hook calls");
}

StatusOr<std::optional<HookCallRecord>> SqlStore::FindHookCall(std::string_view call_id) {
  auto read = [&]() -> StatusOr<std::optional<HookCallRecord>> {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kReports));
    return ReadHookCall(*db, call_id);
  };
  auto call = read();
  if (!call.ok()) return call.status().WithContext("find hook call");
  return call;
}

StatusOr<int64_t> SqlStore::PurgeHookCalls(EpochMillis older_than) {
  auto purged = DeleteInBatches(kPurgeHookCallsSql, older_than, Lane::kRelaxed);
  if (!purged.ok()) return purged.status().WithContext("purge hook calls");
  return purged;
}

Status SqlStore::RememberOverride(const RememberedOverride& item) {
  auto write = [&]() -> Status {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kDurable));
    return RememberOverrideIn(*db, item);
  };
  return write().WithContext("remember override");
}

StatusOr<std::vector<RememberedOverride>> SqlStore::FindRememberedOverrides(
    std::string_view patient_key, EpochMillis now) {
  auto read = [&]() -> StatusOr<std::vector<RememberedOverride>> {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kRelaxed));
    CDS_ASSIGN_OR_RETURN(SqlResult result, db->Execute(kFindOverridesSql, {patient_key, now}));
    std::vector<RememberedOverride> out;
    for (const Row& row : result.rows) {
      CDS_ASSIGN_OR_RETURN(RememberedOverride r, OverrideFromRow(row));
      out.push_back(std::move(r));
    }
    std::sort(out.begin(), out.end(), [](const RememberedOverride& a, const RememberedOverride& b) {
      return a.rule_id < b.rule_id;
    });
    return out;
  };
  auto found = read();
  if (!found.ok()) return found.status().WithContext("find remembered overrides");
  return found;
}

Status SqlStore::SnoozeInEncounter(const EncounterSnooze& item) {
  auto write = [&]() -> Status {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kDurable));
    return SnoozeIn(*db, item);
  };
  return write().WithContext("snooze in encounter");
}

StatusOr<std::vector<EncounterSnooze>> SqlStore::FindSnoozes(std::string_view user_id,
                                                             std::string_view encounter_key,
                                                             EpochMillis now) {
  auto read = [&]() -> StatusOr<std::vector<EncounterSnooze>> {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kRelaxed));
    CDS_ASSIGN_OR_RETURN(SqlResult result,
                         db->Execute(kFindSnoozesSql, {user_id, encounter_key, now}));
    std::vector<EncounterSnooze> out;
    for (const Row& row : result.rows) {
      CDS_ASSIGN_OR_RETURN(EncounterSnooze s, SnoozeFromRow(row));
      out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(), [](const EncounterSnooze& a, const EncounterSnooze& b) {
      return a.rule_id < b.rule_id;
    });
    return out;
  };
  auto found = read();
  if (!found.ok()) return found.status().WithContext("find snoozes");
  return found;
}

StatusOr<ExpiredRowsPurged> SqlStore::PurgeExpired(EpochMillis now) {
  auto purge = [&]() -> StatusOr<ExpiredRowsPurged> {
    ExpiredRowsPurged purged;
    CDS_ASSIGN_OR_RETURN(purged.jtis, DeleteInBatches(kPurgeJtisSql, now, Lane::kRelaxed));
    CDS_ASSIGN_OR_RETURN(purged.remembered_overrides,
                         DeleteInBatches(kPurgeOverridesSql, now, Lane::kRelaxed));
    CDS_ASSIGN_OR_RETURN(purged.snoozes, DeleteInBatches(kPurgeSnoozesSql, now, Lane::kRelaxed));
    return purged;
  };
  auto purged = purge();
  if (!purged.ok()) return purged.status().WithContext("purge expired rows");
  return purged;
}

StatusOr<OverrideAnalytics> SqlStore::QueryOverrideAnalytics(const AnalyticsRange& range) {
  if (range.to < range.from) return InvalidArgumentError("analytics: range ends before it starts");
  auto read = [&]() -> StatusOr<OverrideAnalytics> {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<SqlSession> db, lanes_->Open(Lane::kReports));
    return ReadAnalytics(*db, lanes_->dialect(), range);
  };
  auto analytics = read();
  if (!analytics.ok()) return analytics.status().WithContext("override analytics");
  return analytics;
}

}  // namespace cds::store
