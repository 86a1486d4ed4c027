// Rule: one clinical rule, as data (its knowledge section) plus a small predicate.
//
// Evaluate() is pure: decoded FHIR facts, the rule's validated config and "now" in;
// cards, or the data it still needs, out. It does no I/O and never logs patient data.
// When a fact it needs has not been fetched yet it records the data key with
// RuleContext::Require and returns; the engine fetches every key the rules asked for,
// concurrently, and evaluates again. A rule must never read "could not fetch" as "none".
//
// What a rule decided is one of the named outcomes of RuleOutcome::Kind, plus `failed`
// (it threw, or read a data key it did not declare), which the engine records.
//
// Rules are immutable after construction and evaluated concurrently by request threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"

#include "cards/card.h"

#include "hooks/draft_orders.h"
#include "hooks/hook.h"
#include "hooks/patient_data.h"
#include "hooks/request.h"

namespace cds::hooks {

// Describes a rule for discovery, docs/rules.md and validation.
struct RuleInfo {
  std::string id;
  std::string title;
  std::vector<Hook> hooks;                          // hooks the rule can run on
  std::vector<std::string> data_keys;               // prefetch keys it may read on every hook
  std::vector<std::string> patient_view_data_keys;  // ... and only on patient-view
  std::string trigger;                              // when it fires, in a sentence (docs)
  std::string indicator;                            // e.g. "warning", or "info / warning" (docs)
  std::string suggestions;                          // what its suggestions do (docs)
  std::vector<std::string> config_keys;             // rule-specific knowledge settings (docs)
  std::string citation_id;
  // The rule reads no data key beyond data_keys (and patient_view_data_keys on
  // patient-view), apart from FHIR reads of references; the engine fails it otherwise.
  bool reads_only_declared_keys = false;
};

struct UnavailableData {
  std::string key;
  std::string reason;
};

class RuleOutcome {
 public:
  // kNotApplicable: nothing to say. kFired: cards. kInsufficientData: a fact was there but
  // unusable (no unit, a comparator that leaves a threshold open), so no card; the notes
  // say why. kNeedsData: data still to be fetched (internal to the engine's fetch loop).
  // kDataUnavailable: data the rule needs could not be read. kFailed: set by the engine
  // for a rule that threw or read data it did not declare.
  enum class Kind {
    kNotApplicable,
    kFired,
    kInsufficientData,
    kNeedsData,
    kDataUnavailable,
    kFailed
  };

  void AddCard(cards::Card card) { cards_.push_back(std::move(card)); }
  void NeedData(std::string key);
  void MarkUnavailable(std::string key, std::string reason);
  // A fact was present but unusable: no card. The engine logs each note at debug and
  // keeps it in the rule's run (HookResult::runs) for the audit trail. No patient data.
  void NoteInsufficient(std::string why) { notes_.push_back(std::move(why)); }
  // Records that the rule read data key `key` (RuleContext::Require does).
  void NoteRead(std::string_view key);

  // Unavailable data outranks pending fetches, which outrank cards, which outrank notes:
  // a rule that could not see all it needed has not finished deciding.
  Kind kind() const;
  const std::vector<cards::Card>& cards() const { return cards_; }
  std::vector<cards::Card>& mutable_cards() { return cards_; }
  const std::vector<std::string>& needs() const { return needs_; }
  const std::vector<UnavailableData>& unavailable() const { return unavailable_; }
  const std::vector<std::string>& notes() const { return notes_; }
  const std::vector<std::string>& reads() const { return reads_; }

 private:
  std::vector<cards::Card> cards_;
  std::vector<std::string> needs_;
  std::vector<UnavailableData> unavailable_;
  std::vector<std::string> notes_;
  std::vector<std::string> reads_;
};

enum class Resolution { kFound, kPending, kNotFound };

struct Resolved {
  Resolution resolution = Resolution::kNotFound;
  const json::Value* resource = nullptr;
};

class RuleContext {
 public:
  RuleContext(const CdsRequest& request, const PatientData& data, const DraftOrders& orders,
              EpochMillis now)
      : request_(request), data_(data), orders_(orders), now_(now) {}

  const CdsRequest& request() const { return request_; }
  Hook hook() const { return request_.hook(); }
  EpochMillis now() const { return now_; }
  const DraftOrders& orders() const { return orders_; }
  const PatientData& data() const { return data_; }

  // The resources of data key `key`; nullptr after recording in `out` that the key must
  // be fetched, or that it is unavailable. An empty vector means "known: none".
  const std::vector<const json::Value*>* Require(std::string_view key, RuleOutcome& out) const;

  // Resolves `reference` as written in `from`: in the request, else a FHIR read that
  // is recorded as needed (kPending) or was unavailable (recorded, kPending).
  Resolved Resolve(const json::Value& from, std::string_view reference, RuleOutcome& out) const;

 private:
  const CdsRequest& request_;
  const PatientData& data_;
  const DraftOrders& orders_;
  EpochMillis now_;
};

class Rule {
 public:
  explicit Rule(RuleInfo info) : info_(std::move(info)) {}
  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;

  const RuleInfo& info() const { return info_; }
  virtual void Evaluate(const RuleContext& ctx, RuleOutcome& out) const = 0;

 private:
  RuleInfo info_;
};

}  // namespace cds::hooks
