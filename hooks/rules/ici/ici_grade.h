// Immune-checkpoint-inhibitor (ICI) neuropathy: which conditions count and their CTCAE
// grade. Shared by ici-neuropathy (patient-view) and ici-rechallenge (order hooks).
//
// No code says "ICI neuropathy" (terminology.md, section 4, note 5). A Condition counts
// when its code is in the peripheral-neuropathy, Guillain-Barre or cranial-neuropathy
// value set, it is not refuted or entered in error, and -- when attribution is on -- it
// did not begin before the first checkpoint-inhibitor use on record (onset, else
// recordedDate; an unknown onset or an undated first use counts, the cautious choice).
//
// Grade (CTCAE 0-5): from CTCAE grade Observations (knowledge value set; sites map the
// code) when there are any, else from Condition.severity (mild 1, moderate 2, severe 3;
// configurable). Cranial nerve involvement raises the grade to at least 2, Guillain-Barre
// to at least 3. A grade Observation whose value cannot be read makes the grade unknown
// rather than letting an older reading speak: an unknown grade is never read as low.
//
// Views point into the request's Documents; configs are immutable and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

#include "config/binder.h"
#include "config/template.h"
#include "fhir/coding.h"
#include "fhir/condition.h"
#include "fhir/observation.h"

#include "hooks/rule.h"
#include "hooks/rule_kit/card_maker.h"
#include "hooks/rule_kit/fields.h"
#include "hooks/rules/ici/ctcae_grade.h"

namespace cds::hooks {

struct SeverityGrade {
  fhir::CodeSet codes;  // Condition.severity codings (FHIR condition-severity, SNOMED CT)
  std::string text;     // ... or this exact text, case-insensitive, when no coding matches
  int grade = 0;
};

// How a grade was decided, shown on cards. Placeholders: {grade}, {date}, {value}.
struct GradeBasis {
  config::TextTemplate observation, severity, cranial, guillain_barre, unreadable, none;
};

struct IciNeuropathyConfig {
  fhir::CodeSet peripheral;
  fhir::CodeSet guillain_barre;
  fhir::CodeSet cranial;
  fhir::CodeSet grade_observations;
  std::vector<SeverityGrade> severity;
  int cranial_min_grade = 2;
  int guillain_barre_min_grade = 3;
  bool ignore_onset_before_first_ici = true;
  GradeBasis basis;
};

// The rules' "neuropathy" section; see config/knowledge/rules/ici-neuropathy.json.
const config::Schema<IciNeuropathyConfig>& IciNeuropathySchema();

// Checkpoint-inhibitor use on record: orders (not draft, cancelled or in error),
// administrations and statements, whatever their date.
struct IciHistory {
  bool any = false;
  std::optional<EpochMillis> first;  // the earliest dated use
  std::optional<Evidence> first_evidence;
};

// nullopt while medication records are pending or unavailable (recorded in `out`).
std::optional<IciHistory> FindIciHistory(const RuleContext& ctx, const fhir::CodeSet& drugs,
                                         RuleOutcome& out);

enum class NeuroKind { kPeripheral, kGuillainBarre, kCranial };

struct NeuroCondition {
  fhir::Condition condition;
  NeuroKind kind;
  bool current;                       // active / recurrence / relapse
  std::optional<int> severity_grade;  // from Condition.severity
  std::string severity_text;          // as written, else the matched knowledge text
};

// Conditions that may be ICI neuropathy; past (resolved, inactive) ones too when
// `include_past`. Attribution as in the header comment.
std::vector<NeuroCondition> FindNeuroConditions(const std::vector<const json::Value*>& conditions,
                                                const IciNeuropathyConfig& c,
                                                const IciHistory& history, bool include_past);

struct GradeReading {
  fhir::Observation obs;
  std::optional<int> grade;  // nullopt: present but unreadable
};

// Dated, usable grade Observations, newest first, none dated wholly before `not_before`.
std::vector<GradeReading> GradeReadings(const std::vector<const json::Value*>& observations,
                                        const IciNeuropathyConfig& c,
                                        std::optional<EpochMillis> not_before);

struct IciGrade {
  std::optional<int> grade;  // nullopt: not recorded or unreadable
  std::string basis;         // how it was decided
  std::vector<Evidence> evidence;
};

// The present grade: the latest reading when there is one, else the highest severity of
// the *current* conditions; then the cranial / Guillain-Barre floors of current ones.
IciGrade CurrentGrade(const std::vector<NeuroCondition>& conditions,
                      const std::vector<GradeReading>& readings, const IciNeuropathyConfig& c);

// The highest grade ever recorded: every reading and every condition (current or past)
// with the floors. nullopt when nothing was graded, or an unreadable reading leaves a
// grade below 3 open.
IciGrade PeakGrade(const std::vector<NeuroCondition>& conditions,
                   const std::vector<GradeReading>& readings, const IciNeuropathyConfig& c);

// The earliest known onset among `conditions`, else `fallback`.
std::optional<EpochMillis> EarliestOnset(const std::vector<NeuroCondition>& conditions,
                                         std::optional<EpochMillis> fallback);

// "Condition/x: <text>, <clinical status>, severity <s>" lines, and their names joined.
std::vector<Evidence> ConditionEvidence(const std::vector<NeuroCondition>& conditions);
std::string ConditionNames(const std::vector<NeuroCondition>& conditions);

}  // namespace cds::hooks
