#include "fhir/timing.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>

#include "base/ascii.h"
#include "base/decimal.h"

#include "fhir/coding.h"
#include "fhir/observation.h"

namespace cds::fhir {
namespace {

struct Abbreviation {
  std::string_view code;
  double per_day;
};
// v3-GTSAbbreviation (http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation) codes with
// a precise count, then the common non-standard ones (QHS, HS, Q12H, Q24H, QAM, QPM).
// MO is "monthly": 12 per 365.25 days, the UCUM month. JB/JE/JH (business days, weekends,
// holidays) have no fixed count and are not listed.
constexpr std::array<Abbreviation, 22> kAbbreviations = {{
    {"QD", 1},   {"BID", 2},   {"TID", 3},      {"QID", 4},          {"AM", 1},  {"PM", 1},
    {"BED", 1},  {"Q1H", 24},  {"Q2H", 12},     {"Q3H", 8},          {"Q4H", 6}, {"Q6H", 4},
    {"Q8H", 3},  {"QOD", 0.5}, {"WK", 1.0 / 7}, {"MO", 1 / 30.4375}, {"QHS", 1}, {"HS", 1},
    {"Q12H", 2}, {"Q24H", 1},  {"QAM", 1},      {"QPM", 1},
}};
constexpr std::array<std::string_view, 3> kBedtimeCodes = {"BED", "QHS", "HS"};
constexpr std::array<std::string_view, 4> kDaytimeCodes = {"AM", "PM", "QAM",
                                                           "QPM"};  // a time, not bedtime

// Event codes (FHIR event-timing, v3 TimingEvent) that happen once a day.
constexpr std::array<std::string_view, 26> kDailyEvents = {
    "MORN", "MORN.early", "MORN.late", "NOON",  "AFT", "AFT.early", "AFT.late",
    "EVE",  "EVE.early",  "EVE.late",  "NIGHT", "PHS", "HS",        "WAKE",
    "CM",   "CD",         "CV",        "ACM",   "ACD", "ACV",       "PCM",
    "PCD",  "PCV",        "ICM",       "ICD",   "ICV"};
constexpr std::array<std::string_view, 2> kBedtimeEvents = {"HS", "NIGHT"};

// Units of repeat.periodUnit, as periods per day.
std::optional<double> UnitsPerDay(std::string_view unit) {
  if (unit == "s") return 86400.0;
  if (unit == "min") return 1440.0;
  if (unit == "h") return 24.0;
  if (unit == "d") return 1.0;
  if (unit == "wk") return 1.0 / 7;
  if (unit == "mo") return 1.0 / 30.4375;
  if (unit == "a") return 1.0 / 365.25;
  return std::nullopt;
}

template <size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Reads an optional number member; a present non-number (or one failing `ok`) is malformed.
template <typename Ok>
std::optional<double> Number(const json::Value& obj, std::string_view key, Ok ok,
                             std::string* malformed) {
  const json::Value* v = json::Find(obj, key);
  if (v == nullptr) return std::nullopt;
  auto n = json::GetNumber(obj, key);
  if (!n || !ok(*n)) {
    if (malformed->empty())
      *malformed = "timing.repeat." + std::string(key) + " is not a valid value";
    return std::nullopt;
  }
  return n;
}

void Strings(const json::Value& obj, std::string_view key, std::vector<std::string>* out,
             std::string* malformed) {
  const json::Value* v = json::Find(obj, key);
  if (v == nullptr) return;
  if (!v->IsArray()) {
    if (malformed->empty()) *malformed = "timing " + std::string(key) + " is not a list";
    return;
  }
  for (const json::Value& s : v->GetArray()) {
    if (s.IsString()) out->emplace_back(json::AsStringView(s));
  }
}

// The code text without a trailing "PRN" ("Q4H PRN" -> "Q4H").
std::string CodeTextCore(std::string_view text) {
  std::string t = AsciiUpper(text);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  if (t.size() > 3 && t.compare(t.size() - 3, 3, "PRN") == 0) t.resize(t.size() - 3);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  return t;
}

Frequency Unknown(std::string why) {
  Frequency f;
  f.why = std::move(why);
  return f;
}

Frequency Known(double low, double high, std::string description) {
  Frequency f;
  f.known = true;
  f.low = RoundToSignificantDigits(low);
  f.high = RoundToSignificantDigits(high);
  f.description = std::move(description);
  return f;
}

std::string TimesADay(double low, double high) {
  std::string s = FormatNumber(RoundToSignificantDigits(low));
  if (RoundToSignificantDigits(high) != RoundToSignificantDigits(low))
    s += "-" + FormatNumber(RoundToSignificantDigits(high));
  return s + (high == 1 ? " time a day" : " times a day");
}

// "2 times a day", "every 4-6 h", "1-2 per 8 h".
std::string PeriodText(double f, double f_max, double p, double p_max, const std::string& unit) {
  std::string period = FormatNumber(p) + (p_max != p ? "-" + FormatNumber(p_max) : "") + " " + unit;
  if (unit == "d" && p == 1 && p_max == p) return TimesADay(f, f_max);
  if (f == 1 && f_max == 1) return "every " + period;
  return FormatNumber(f) + (f_max != f ? "-" + FormatNumber(f_max) : "") + " per " + period;
}

// From timing.code (codings, then text). Unknown with why="" when there is no code.
Frequency FromCode(const Timing& t) {
  if (t.codes.empty() && t.code_text.empty()) return Unknown("");
  for (const std::string& code : t.codes) {
    if (auto n = AbbreviationPerDay(code)) return Known(*n, *n, AsciiUpper(code));
  }
  std::string core = CodeTextCore(t.code_text);
  if (auto n = AbbreviationPerDay(core)) return Known(*n, *n, core);
  std::string shown = !t.codes.empty() ? t.codes.front() : t.code_text;
  return Unknown("timing code '" + shown + "' is not one this service can read");
}

// One administration per listed daily event (`when` or `timeOfDay`); why="" if none listed.
Frequency FromDailyEvents(const Timing& t) {
  if (!t.when.empty() && !t.time_of_day.empty())
    return Unknown("timing lists both events and times of day");
  if (!t.time_of_day.empty()) {
    double n = static_cast<double>(t.time_of_day.size());
    return Known(n, n, TimesADay(n, n));
  }
  if (t.when.empty()) return Unknown("");
  for (const std::string& w : t.when) {
    if (!In(kDailyEvents, w)) {
      return Unknown("timing event '" + w +
                     "' does not say how many times a day (add a frequency)");
    }
  }
  double n = static_cast<double>(t.when.size());
  return Known(n, n, TimesADay(n, n));
}

Frequency FromPeriod(const Timing& t) {
  if (!t.period) {
    double events = static_cast<double>(t.when.size());
    if (!t.when.empty() && (*t.frequency == 1 || *t.frequency == events) && !t.frequency_max) {
      return FromDailyEvents(t);  // frequency 2, when [MORN, EVE]: daily
    }
    return Unknown("timing has a frequency but no period");
  }
  auto per_day = UnitsPerDay(t.period_unit);
  if (!per_day)
    return Unknown("timing period unit '" + t.period_unit + "' is not s, min, h, d, wk, mo or a");
  double f = t.frequency.value_or(1);
  double f_max = std::max(f, t.frequency_max.value_or(f));
  double p = *t.period;
  double p_max = std::max(p, t.period_max.value_or(p));
  size_t events = std::max(t.when.size(), t.time_of_day.size());
  if (events > 1) {
    bool daily = std::abs(p / *per_day - 1) < 1e-9 && p_max == p && f_max == f;
    if (!daily || (f != 1 && f != static_cast<double>(events))) {
      return Unknown("timing frequency and its listed events disagree");
    }
    return FromDailyEvents(t);
  }
  double low = f * *per_day / p_max;
  double high = f_max * *per_day / p;
  return Known(low, high, PeriodText(f, f_max, p, p_max, t.period_unit));
}

// Timing.event: the most administrations that fall on one calendar date.
Frequency FromEvents(const Timing& t) {
  std::map<std::string, int> per_date;
  int most = 0;
  for (const std::string& e : t.events) most = std::max(most, ++per_date[e.substr(0, 10)]);
  if (most == 0) return Unknown("");
  return Known(most, most,
               t.events.size() == 1 ? "a single dose" : TimesADay(most, most) + " at most");
}

// From timing.repeat and Timing.event; why="" when they say nothing about frequency.
Frequency FromRepeat(const Timing& t) {
  if (t.has_day_of_week) return Unknown("given only on some days of the week");
  if (t.frequency || t.period) return FromPeriod(t);
  Frequency events = FromDailyEvents(t);
  if (events.known || !events.why.empty()) return events;
  if (t.count) {
    if (*t.count == 1) return Known(1, 1, "a single dose");
    return Unknown("timing gives a number of doses but no period");
  }
  return FromEvents(t);
}

}  // namespace

Timing ReadTiming(const json::Value& timing) {
  Timing t;
  auto positive_int = [](double v) { return v >= 1 && std::floor(v) == v; };
  auto positive = [](double v) { return v > 0; };
  if (const json::Value* r = json::Find(timing, "repeat")) {
    if (!r->IsObject()) {
      t.malformed = "timing.repeat is not an object";
      return t;
    }
    t.has_repeat = true;
    t.frequency = Number(*r, "frequency", positive_int, &t.malformed);
    t.frequency_max = Number(*r, "frequencyMax", positive_int, &t.malformed);
    t.period = Number(*r, "period", positive, &t.malformed);
    t.period_max = Number(*r, "periodMax", positive, &t.malformed);
    t.count = Number(*r, "count", positive_int, &t.malformed);
    t.period_unit = std::string(json::GetString(*r, "periodUnit").value_or(""));
    Strings(*r, "when", &t.when, &t.malformed);
    Strings(*r, "timeOfDay", &t.time_of_day, &t.malformed);
    std::vector<std::string> days;
    Strings(*r, "dayOfWeek", &days, &t.malformed);
    t.has_day_of_week = !days.empty() && days.size() < 7;
  }
  Strings(timing, "event", &t.events, &t.malformed);
  if (const json::Value* code = json::GetObject(timing, "code")) {
    if (const json::Value* codings = json::GetArray(*code, "coding")) {
      for (const json::Value& c : codings->GetArray()) {
        if (auto s = json::GetString(c, "code")) t.codes.emplace_back(*s);
      }
    }
    // The text, else the first coding display ("Nightly" under an EHR's local code).
    t.code_text = std::string(json::GetString(*code, "text").value_or(ConceptText(*code)));
  }
  return t;
}

std::optional<double> AbbreviationPerDay(std::string_view code) {
  std::string upper = AsciiUpper(code);
  for (const Abbreviation& a : kAbbreviations) {
    if (a.code == upper) return a.per_day;
  }
  return std::nullopt;
}

Frequency AdministrationsPerDay(const Timing& t) {
  if (!t.malformed.empty()) return Unknown(t.malformed);
  Frequency repeat = FromRepeat(t);
  Frequency code = FromCode(t);
  bool repeat_said = repeat.known || !repeat.why.empty();
  bool code_said = code.known || !code.why.empty();
  if (!repeat_said && !code_said) return Unknown("no frequency is given");
  if (!code_said || (!code.known && repeat.known))
    return repeat;  // an unknown local code defers to repeat
  if (!repeat_said) return code;
  bool only_events = !t.frequency && !t.period && !t.has_day_of_week;
  if (!repeat.known) return code.known && only_events ? code : repeat;  // TID with when [AC]
  if (repeat.low != code.low || repeat.high != code.high) {
    return Unknown("timing code " + code.description + " disagrees with its repeat (" +
                   repeat.description + ")");
  }
  return code;
}

Bedtime BedtimeOf(const Timing& t) {
  Bedtime b = Bedtime::kNotStated;
  bool coded = std::any_of(t.codes.begin(), t.codes.end(),
                           [](const std::string& c) { return In(kBedtimeCodes, AsciiUpper(c)); });
  if (coded || In(kBedtimeCodes, CodeTextCore(t.code_text))) b = Bedtime::kAll;
  size_t at_bed = 0;
  for (const std::string& w : t.when) at_bed += In(kBedtimeEvents, w) ? 1 : 0;
  for (const std::string& time : t.time_of_day) {
    int hour = -1;
    std::from_chars(time.data(), time.data() + std::min<size_t>(2, time.size()), hour);
    at_bed += (hour >= 20 && hour < 24) || (hour >= 0 && hour < 3) ? 1 : 0;
  }
  size_t listed = t.when.size() + t.time_of_day.size();
  if (at_bed > 0) b = at_bed == listed ? Bedtime::kAll : Bedtime::kSome;
  if (b == Bedtime::kNotStated) {
    bool other_code = std::any_of(t.codes.begin(), t.codes.end(), [](const std::string& c) {
      return In(kDaytimeCodes, AsciiUpper(c));
    });
    if (listed > 0 || other_code || In(kDaytimeCodes, CodeTextCore(t.code_text)))
      return Bedtime::kOtherTime;
  }
  if (b != Bedtime::kAll) return b;
  // "At bedtime" twice a day is a contradiction: only some of the doses can be at bedtime.
  Frequency f = AdministrationsPerDay(t);
  size_t bedtime_slots = std::max<size_t>(1, at_bed);
  if (f.known && f.high > static_cast<double>(bedtime_slots)) return Bedtime::kSome;
  return b;
}

bool TextSaysBedtime(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == '.') continue;  // "q.h.s." reads as "qhs"
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word.push_back(c);
    } else if (!word.empty()) {
      words.push_back(AsciiLower(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(AsciiLower(word));
  constexpr std::array<std::string_view, 7> kContradictions = {"not", "avoid", "never", "morning",
                                                               "am",  "don",   "mane"};
  constexpr std::array<std::string_view, 5> kSingle = {"bedtime", "qhs", "hs", "nocte", "nightly"};
  constexpr std::array<std::string_view, 7> kPairs = {
      "bed time", "at night", "every night", "each night", "before sleep", "before bed", "at bed"};
  bool bedtime = false;
  for (size_t i = 0; i < words.size(); ++i) {
    if (In(kContradictions, words[i])) return false;
    if (In(kSingle, words[i])) bedtime = true;
    if (i + 1 < words.size() && In(kPairs, words[i] + " " + words[i + 1])) bedtime = true;
  }
  return bedtime;
}

}  // namespace cds::fhir
