// Dosage: what a MedicationRequest's dosageInstruction says about the amount given, and
// the daily dose computed from it.
//
// Reading one instruction (ReadDosage):
//  - the dose comes from doseAndRate[].doseQuantity / doseRange, with doseAndRate as an
//    array or a single object (the CDS Hooks spec's own example), or from an STU3-style
//    dose directly on the instruction (doseQuantity / doseRange);
//  - masses are converted to mg (g, mg, ug/mcg, ng, kg); "mg/m2" is a dose per body
//    surface area and "mg/kg" one per body weight. Counts (tablets, capsules) and volumes
//    (mL) are "not known": the strength is not part of the instruction;
//  - several doseAndRate entries (Epic sends "calculated", "admin-amount" and "ordered")
//    are reduced to one: masses before per-m2 before per-kg; entries of that kind must
//    agree, else the dose is not known;
//  - doseRange keeps low and high; a max-dose check uses `high`, a min-dose check `low`;
//  - asNeededBoolean true or any asNeededCodeableConcept makes the instruction PRN;
//  - maxDosePerAdministration and maxDosePerPeriod (in a mass per time) cap the amounts.
//
// The daily dose of one instruction is dose x administrations per day (timing.h). A PRN
// instruction with a frequency gives a MAXIMUM daily dose (`as_needed`); without one it is
// not computable (unless maxDosePerPeriod caps it). Bedtime words in the text ("10 mg at
// bedtime", "nightly") with no structured timing at all mean once a day at bedtime.
//
// Several instructions (SummarizeDosage): FHIR's `sequence` orders them; instructions
// with the same sequence -- or all without one -- are taken together (summed per day:
// "10 mg in the morning and 20 mg at night" is 30 mg a day); different sequences are
// successive phases (a titration: 30 mg a day for a week, then 60 mg). Each phase keeps
// its own result; rules decide which phases a limit applies to.
//
// Every result says "known" or why not, for the card to show; nothing is guessed. Results
// own their strings (no views into the request). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/json.h"

#include "fhir/timing.h"

namespace cds::fhir {

enum class DoseBasis { kAbsolute, kPerBodySurfaceArea, kPerBodyWeight };
std::string_view DoseUnitText(DoseBasis b);  // "mg", "mg/m2", "mg/kg"

// The amount of one administration (or a daily amount), in mg (or mg/m2, mg/kg).
struct DoseAmount {
  bool known = false;
  std::string why;  // when !known
  double low = 0;   // doseQuantity: low == high
  double high = 0;
  DoseBasis basis = DoseBasis::kAbsolute;
  bool is_range = false;
  std::string as_written;  // "30 mg", "1-2 tablet"

  std::string Text() const;  // "30 mg", "30-60 mg", "375 mg/m2"
};

// One dosageInstruction element.
struct Dosage {
  std::optional<int64_t> sequence;
  std::string text;  // text, patientInstruction and timing.code.text, for bedtime words
  bool as_needed = false;
  std::optional<Timing> timing;
  DoseAmount dose;
  std::optional<double> max_per_administration;  // mg, same basis as `dose`
  std::optional<double> max_per_day;             // mg per day, from maxDosePerPeriod
};

Dosage ReadDosage(const json::Value& instruction);

struct DailyDose {
  bool known = false;
  std::string why;
  double low = 0;  // per day, in DoseUnitText(basis)
  double high = 0;
  DoseBasis basis = DoseBasis::kAbsolute;
  bool as_needed = false;  // some of it PRN: `high` is the most allowed, `low` counts
                           // only the scheduled part (0 when all is as needed)
  bool capped = false;     // maxDosePerPeriod lowered `high`

  std::string Text() const;  // "60 mg", "30-60 mg", "up to 120 mg"
};

// Administrations per day of one instruction: its timing, or bedtime words alone.
Frequency AdministrationsPerDay(const Dosage& d);
DailyDose DailyDoseOf(const Dosage& d);
// Every administration of the instruction is at bedtime (timing, or text with at most
// one administration a day).
bool AllAtBedtime(const Dosage& d);

// Instructions taken together (same sequence, or none).
struct DosagePhase {
  std::optional<int64_t> sequence;
  std::vector<Dosage> instructions;
  Frequency per_day;  // administrations per day, summed
  DoseAmount dose;    // per administration: lowest low and highest high of the instructions
  DailyDose daily;    // summed
  bool all_at_bedtime = false;
  std::string description;  // "30 mg 2 times a day", joined with " + "
};

struct DosageSummary {
  std::vector<DosagePhase> phases;  // in sequence order; empty without dosageInstruction
  std::string why_empty;            // when there are no phases

  // Why the daily dose of some phase is not known ("" when all are known).
  std::string DailyWhyNot() const;
  std::string Description() const;  // phases joined with ", then "
};

// REQUIRES nothing: a MedicationRequest (or any resource with dosageInstruction).
DosageSummary SummarizeDosage(const json::Value& medication_request);

}  // namespace cds::fhir
