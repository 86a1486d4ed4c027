// Timing: how often, and when, a dose is given (Dosage.timing), read the way
// prescribing systems write it.
//
// Administrations per day come from exactly one of these, or from both when they agree:
//  - timing.repeat: frequency[..frequencyMax] per period[..periodMax] periodUnit, with the
//    UCUM lengths of s, min, h, d, wk, mo (30.4375 d) and a (365.25 d). Without frequency
//    and period, a list of daily events (`when` such as MORN, HS; `timeOfDay`) means one
//    administration per listed event each day, and `count` 1 alone means a single dose;
//  - timing.code: the v3-GTSAbbreviation codes that have a precise meaning (QD, BID, TID,
//    QID, AM, PM, BED, Q1H, Q2H, Q3H, Q4H, Q6H, Q8H, QOD, WK, MO) and the common
//    non-standard ones QHS, HS, Q12H, Q24H, QAM, QPM. They are read from the code of any
//    coding (EHRs send them under local systems too) or from code.text when the whole
//    text is one of them, optionally followed by "PRN" ("Q4H PRN").
// A repeat and a code that disagree, meal-relative events without a count (AC, PC, C),
// days of the week, or a frequency without a period are "not known", with the reason:
// this file never guesses a frequency.
//
// Bedtime: repeat.when HS or NIGHT, a timeOfDay from 20:00 to 02:59, or the codes BED,
// QHS, HS. Free text ("at bedtime", "nightly", "qhs", "nocte") is read by
// TextSaysBedtime(); text that negates anything ("not", "avoid") is never trusted.
//
// Views point into the parsed resource and live as long as its Document. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"

namespace cds::fhir {

// The Timing members the dose computations read.
struct Timing {
  bool has_repeat = false;
  std::optional<double> frequency;       // repeat.frequency
  std::optional<double> frequency_max;   // repeat.frequencyMax
  std::optional<double> period;          // repeat.period
  std::optional<double> period_max;      // repeat.periodMax
  std::string period_unit;               // repeat.periodUnit, as written
  std::optional<double> count;           // repeat.count (total number of administrations)
  std::vector<std::string> when;         // repeat.when event codes
  std::vector<std::string> time_of_day;  // repeat.timeOfDay ("21:00:00")
  bool has_day_of_week = false;          // repeat.dayOfWeek lists fewer than 7 days
  std::vector<std::string> events;       // Timing.event dateTimes
  std::vector<std::string> codes;        // timing.code: every coding's code
  std::string code_text;                 // timing.code.text, else its first coding display
  std::string malformed;                 // why a member could not be read ("" if fine)
};

// Reads a Timing object. Mistyped members are recorded in `malformed`, not skipped.
Timing ReadTiming(const json::Value& timing);

// Administrations per day. low == high unless frequencyMax, periodMax or a range says
// otherwise. A value below 1 means less often than daily (QOD is 0.5).
struct Frequency {
  bool known = false;
  std::string why;  // when !known: a reason a clinician can read
  double low = 0;
  double high = 0;
  std::string description;  // "2 times a day", "every 4-6 hours", "BID"
};

Frequency AdministrationsPerDay(const Timing& t);

// Administrations per day meant by a timing abbreviation (case-insensitive), or nullopt.
std::optional<double> AbbreviationPerDay(std::string_view code);

enum class Bedtime {
  kNotStated,  // no time of day is given
  kOtherTime,  // only other times of day (when [MORN], code AM, timeOfDay 08:00)
  kSome,       // some of the day's administrations are at bedtime (when [MORN, HS])
  kAll,        // every administration is at bedtime
};

// Bedtime from structured data only (when, timeOfDay, code); text is the caller's choice.
Bedtime BedtimeOf(const Timing& t);

// Does free text say "at bedtime" (bedtime, bed time, at night, nightly, every night,
// qhs, hs, nocte, before sleep, before bed)? False when the text also says "not",
// "avoid", "never", "morning" or "am", so a contradiction is never read as bedtime.
bool TextSaysBedtime(std::string_view text);

}  // namespace cds::fhir
