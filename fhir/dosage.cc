#include "fhir/dosage.h"

#include <algorithm>
#include <map>

#include "base/decimal.h"

#include "fhir/coding.h"
#include "fhir/observation.h"
#include "fhir/quantity.h"

namespace cds::fhir {
namespace {

DoseAmount NotKnown(std::string why, std::string as_written = "") {
  DoseAmount d;
  d.why = std::move(why);
  d.as_written = std::move(as_written);
  return d;
}

std::string AsWritten(const Quantity& q) {
  std::string_view unit = !q.unit.empty() ? q.unit : q.code;
  return FormatNumber(q.value) + (unit.empty() ? "" : " " + std::string(unit));
}

// Splits "mg/m2" into the mass "mg" and its basis.
std::pair<std::string_view, DoseBasis> SplitBasis(std::string_view unit) {
  for (std::string_view suffix : {"/m2", "/m^2", "/m\xC2\xB2", ".m-2"}) {
    if (unit.size() > suffix.size() && unit.substr(unit.size() - suffix.size()) == suffix) {
      return {unit.substr(0, unit.size() - suffix.size()), DoseBasis::kPerBodySurfaceArea};
    }
  }
  for (std::string_view suffix : {"/kg", ".kg-1"}) {
    if (unit.size() > suffix.size() && unit.substr(unit.size() - suffix.size()) == suffix) {
      return {unit.substr(0, unit.size() - suffix.size()), DoseBasis::kPerBodyWeight};
    }
  }
  return {unit, DoseBasis::kAbsolute};
}

// `value` of `unit` in mg (of the same basis), or nullopt if the unit is not a mass.
std::optional<std::pair<double, DoseBasis>> ToMg(double value, std::string_view unit) {
  if (unit.empty()) return std::nullopt;
  auto [mass, basis] = SplitBasis(unit);
  auto canonical = CanonicalUnit(mass);
  if (!canonical) return std::nullopt;
  auto mg = ConvertValue(value, *canonical, "mg");
  if (!mg.ok()) return std::nullopt;
  return std::make_pair(*mg, basis);
}

// The quantity in mg: its UCUM code first, then its unit text.
std::optional<std::pair<double, DoseBasis>> QuantityInMg(const Quantity& q) {
  bool ucum = q.system.empty() || q.system == kUcum;
  if (ucum) {
    if (auto mg = ToMg(q.value, q.code)) return mg;
  }
  return ToMg(q.value, q.unit);
}

DoseAmount FromQuantity(const json::Value& v) {
  auto q = ReadQuantity(v);
  if (!q) return NotKnown("the dose has no usable number");
  std::string written = AsWritten(*q);
  if (q->comparator != Comparator::kEq) return NotKnown("the dose has a comparator", written);
  if (q->value <= 0) return NotKnown("the dose is not a positive amount", written);
  if (q->unit.empty() && q->code.empty())
    return NotKnown("the dose " + written + " has no unit", written);
  auto mg = QuantityInMg(*q);
  if (!mg) {
    std::string_view unit = !q->unit.empty() ? q->unit : q->code;
    return NotKnown("the dose is " + written + ", not a mass: the strength of a " +
                        std::string(unit) + " is not part of the order",
                    written);
  }
  DoseAmount d;
  d.known = true;
  d.low = d.high = RoundToSignificantDigits(mg->first);
  d.basis = mg->second;
  d.as_written = written;
  return d;
}

DoseAmount FromRange(const json::Value& range) {
  const json::Value* low = json::GetObject(range, "low");
  const json::Value* high = json::GetObject(range, "high");
  if (low == nullptr || high == nullptr)
    return NotKnown("the dose range lacks a low or a high end");
  DoseAmount l = FromQuantity(*low);
  DoseAmount h = FromQuantity(*high);
  std::string written = l.as_written + " to " + h.as_written;
  if (!l.known) return NotKnown(l.why, written);
  if (!h.known) return NotKnown(h.why, written);
  if (l.basis != h.basis || l.low > h.high)
    return NotKnown("the dose range " + written + " is inconsistent", written);
  DoseAmount d = l;
  d.high = h.high;
  d.is_range = true;
  d.as_written = written;
  return d;
}

// The dose of an object holding doseQuantity or doseRange; nullopt when it has neither.
std::optional<DoseAmount> DoseIn(const json::Value& obj) {
  if (const json::Value* q = json::GetObject(obj, "doseQuantity")) return FromQuantity(*q);
  if (const json::Value* r = json::GetObject(obj, "doseRange")) return FromRange(*r);
  return std::nullopt;
}

// Reduces every written dose to one (see the header).
DoseAmount ChooseDose(const std::vector<DoseAmount>& doses, bool has_rate) {
  if (doses.empty())
    return NotKnown(has_rate ? "the order gives a rate, not a dose" : "the order gives no dose");
  const DoseAmount* best = nullptr;
  for (const DoseAmount& d : doses) {
    if (d.known && (best == nullptr || d.basis < best->basis)) best = &d;
  }
  if (best == nullptr) return doses.front();
  for (const DoseAmount& d : doses) {
    if (d.known && d.basis == best->basis && (d.low != best->low || d.high != best->high)) {
      return NotKnown("the order's dose entries disagree (" + best->Text() + ", " + d.Text() + ")");
    }
  }
  return *best;
}

std::optional<double> DaysOf(const Quantity& q) {
  std::string_view unit = !q.code.empty() ? q.code : q.unit;
  double per_day = 0;
  if (unit == "s") {
    per_day = 86400;
  } else if (unit == "min") {
    per_day = 1440;
  } else if (unit == "h") {
    per_day = 24;
  } else if (unit == "d" || unit == "day" || unit == "days") {
    per_day = 1;
  } else {
    return std::nullopt;  // per week or longer is no daily cap
  }
  if (q.value <= 0) return std::nullopt;
  return q.value / per_day;
}

// maxDosePerPeriod as mg per day, when it is a mass per at most a day.
std::optional<double> MaxPerDay(const json::Value& instruction) {
  const json::Value* ratio = json::GetObject(instruction, "maxDosePerPeriod");
  if (ratio == nullptr) return std::nullopt;
  auto num = GetQuantity(*ratio, "numerator");
  auto den = GetQuantity(*ratio, "denominator");
  if (!num || !den || num->comparator != Comparator::kEq) return std::nullopt;
  auto mg = QuantityInMg(*num);
  auto days = DaysOf(*den);
  if (!mg || mg->second != DoseBasis::kAbsolute || !days || *days > 1) return std::nullopt;
  return RoundToSignificantDigits(mg->first / *days);
}

// Structured frequency data, which outranks words in the text. A code this service cannot
// read (an EHR's local code "7") is not: its text or display ("Nightly") is.
bool HasStructuredFrequency(const Timing& t) {
  bool known_code = std::any_of(t.codes.begin(), t.codes.end(), [](const std::string& c) {
    return AbbreviationPerDay(c).has_value();
  });
  return t.frequency || t.period || t.count || !t.when.empty() || !t.time_of_day.empty() ||
         t.has_day_of_week || !t.events.empty() || known_code || !t.malformed.empty();
}

void AppendText(std::string* out, std::string_view more) {
  if (more.empty()) return;
  if (!out->empty()) *out += "; ";
  *out += more;
}

std::string Describe(const Dosage& d) {
  std::string s =
      d.dose.known ? d.dose.Text() : (d.dose.as_written.empty() ? "dose ?" : d.dose.as_written);
  Frequency f = AdministrationsPerDay(d);
  std::string how = f.known ? f.description : std::string("(frequency not readable)");
  s += (how.rfind("a ", 0) == 0 ? ", " : " ") + how;  // "500 mg, a single dose"
  if (d.as_needed) s += " as needed";
  return s;
}

}  // namespace

std::string_view DoseUnitText(DoseBasis b) {
  switch (b) {
    case DoseBasis::kPerBodySurfaceArea:
      return "mg/m2";
    case DoseBasis::kPerBodyWeight:
      return "mg/kg";
    case DoseBasis::kAbsolute:
      break;
  }
  return "mg";
}

std::string DoseAmount::Text() const {
  std::string s = FormatNumber(low);
  if (high != low) s += "-" + FormatNumber(high);
  return s + " " + std::string(DoseUnitText(basis));
}

std::string DailyDose::Text() const {
  std::string unit = " " + std::string(DoseUnitText(basis));
  if (as_needed && low == 0) return "up to " + FormatNumber(high) + unit;
  if (as_needed) return FormatNumber(low) + "-" + FormatNumber(high) + unit + " (partly as needed)";
  return FormatNumber(low) + (high != low ? "-" + FormatNumber(high) : "") + unit;
}

Dosage ReadDosage(const json::Value& instruction) {
  Dosage d;
  // FHIR integer: read as one, since casting an out-of-range double (1e300) is undefined.
  if (auto seq = json::GetInt64(instruction, "sequence")) d.sequence = *seq;
  AppendText(&d.text, json::GetString(instruction, "text").value_or(""));
  AppendText(&d.text, json::GetString(instruction, "patientInstruction").value_or(""));
  d.as_needed = json::GetBool(instruction, "asNeededBoolean").value_or(false) ||
                json::GetObject(instruction, "asNeededCodeableConcept") != nullptr;
  if (const json::Value* timing = json::GetObject(instruction, "timing")) {
    d.timing = ReadTiming(*timing);
    AppendText(&d.text, d.timing->code_text);
  }
  std::vector<DoseAmount> doses;
  bool has_rate = false;
  auto read_entry = [&](const json::Value& entry) {
    if (auto dose = DoseIn(entry)) doses.push_back(std::move(*dose));
    has_rate = has_rate || json::Find(entry, "rateQuantity") || json::Find(entry, "rateRatio") ||
               json::Find(entry, "rateRange");
  };
  if (const json::Value* dar = json::Find(instruction, "doseAndRate")) {
    if (dar->IsArray()) {
      for (const json::Value& e : dar->GetArray()) read_entry(e);
    } else if (dar->IsObject()) {
      read_entry(*dar);  // a single object, as in the CDS Hooks order-select example
    }
  }
  if (doses.empty()) read_entry(instruction);  // STU3: dose[x] on the Dosage itself
  d.dose = ChooseDose(doses, has_rate);
  if (auto max = GetQuantity(instruction, "maxDosePerAdministration")) {
    auto mg = QuantityInMg(*max);
    if (mg && mg->second == d.dose.basis && max->comparator == Comparator::kEq)
      d.max_per_administration = mg->first;
  }
  d.max_per_day = MaxPerDay(instruction);
  return d;
}

Frequency AdministrationsPerDay(const Dosage& d) {
  Frequency f = d.timing ? AdministrationsPerDay(*d.timing)
                         : Frequency{false, "no frequency is given", 0, 0, ""};
  if (f.known || (d.timing && HasStructuredFrequency(*d.timing))) return f;
  if (TextSaysBedtime(d.text)) return Frequency{true, "", 1, 1, "once at bedtime"};
  return f;
}

DailyDose DailyDoseOf(const Dosage& d) {
  DailyDose out;
  out.basis = d.dose.basis;
  out.as_needed = d.as_needed;
  if (!d.dose.known) {
    out.why = d.dose.why;
    return out;
  }
  Frequency f = AdministrationsPerDay(d);
  bool absolute = d.dose.basis == DoseBasis::kAbsolute;
  if (!f.known) {
    if (d.as_needed && d.max_per_day && absolute) {
      out.known = out.capped = true;
      out.high = *d.max_per_day;
      return out;
    }
    out.why =
        d.as_needed ? "taken as needed with no frequency: there is no maximum daily dose" : f.why;
    return out;
  }
  if (f.high < 1) {
    out.why = "given less often than daily (" + f.description + "): there is no fixed daily dose";
    return out;
  }
  double dose_high = d.dose.high;
  if (d.max_per_administration) dose_high = std::min(dose_high, *d.max_per_administration);
  out.known = true;
  out.low = d.as_needed
                ? 0
                : RoundToSignificantDigits(d.dose.low * f.low);  // as needed: none may be taken
  out.high = RoundToSignificantDigits(dose_high * f.high);
  if (absolute && d.max_per_day && *d.max_per_day < out.high) {
    out.high = *d.max_per_day;
    out.low = std::min(out.low, out.high);
    out.capped = true;
  }
  return out;
}

bool AllAtBedtime(const Dosage& d) {
  if (d.timing) {
    Bedtime b = BedtimeOf(*d.timing);
    if (b != Bedtime::kNotStated) return b == Bedtime::kAll;  // a stated time outranks the text
  }
  if (!TextSaysBedtime(d.text)) return false;
  Frequency f = AdministrationsPerDay(d);
  return f.known && f.high <= 1;
}

std::string DosageSummary::DailyWhyNot() const {
  if (phases.empty()) return why_empty;
  for (size_t i = 0; i < phases.size(); ++i) {
    if (phases[i].daily.known) continue;
    std::string prefix = phases.size() > 1 ? "step " + std::to_string(i + 1) + ": " : "";
    return prefix + phases[i].daily.why;
  }
  return "";
}

std::string DosageSummary::Description() const {
  std::string s;
  for (const DosagePhase& p : phases) s += (s.empty() ? "" : ", then ") + p.description;
  return s;
}

namespace {

// Instructions taken together: frequencies, doses and daily doses add up.
DosagePhase MakePhase(std::optional<int64_t> sequence, std::vector<Dosage> instructions) {
  DosagePhase p;
  p.sequence = sequence;
  p.instructions = std::move(instructions);
  const Dosage& first = p.instructions.front();
  p.per_day = AdministrationsPerDay(first);
  p.dose = first.dose;
  p.daily = DailyDoseOf(first);
  p.all_at_bedtime = AllAtBedtime(first);
  p.description = Describe(first);
  for (size_t i = 1; i < p.instructions.size(); ++i) {
    const Dosage& d = p.instructions[i];
    Frequency f = AdministrationsPerDay(d);
    if (!f.known) {
      p.per_day = f;
    } else if (p.per_day.known) {
      p.per_day.low = RoundToSignificantDigits(p.per_day.low + f.low);
      p.per_day.high = RoundToSignificantDigits(p.per_day.high + f.high);
      p.per_day.description = FormatNumber(p.per_day.high) + " administrations a day";
    }
    if (!d.dose.known) {
      p.dose = d.dose;
    } else if (p.dose.known && d.dose.basis != p.dose.basis) {
      p.dose = NotKnown("the instructions mix dose units");
    } else if (p.dose.known) {
      p.dose.low = std::min(p.dose.low, d.dose.low);
      p.dose.high = std::max(p.dose.high, d.dose.high);
      p.dose.is_range = p.dose.is_range || d.dose.is_range || p.dose.low != p.dose.high;
    }
    DailyDose daily = DailyDoseOf(d);
    if (!daily.known) {
      p.daily = daily;
    } else if (p.daily.known && daily.basis != p.daily.basis) {
      p.daily.known = false;
      p.daily.why = "the instructions mix dose units";
    } else if (p.daily.known) {
      p.daily.low = RoundToSignificantDigits(p.daily.low + daily.low);
      p.daily.high = RoundToSignificantDigits(p.daily.high + daily.high);
      p.daily.as_needed = p.daily.as_needed || daily.as_needed;
      p.daily.capped = p.daily.capped || daily.capped;
    }
    p.all_at_bedtime = p.all_at_bedtime && AllAtBedtime(d);
    p.description += " + " + Describe(d);
  }
  return p;
}

}  // namespace

DosageSummary SummarizeDosage(const json::Value& medication_request) {
  DosageSummary out;
  std::map<std::optional<int64_t>, std::vector<Dosage>> groups;  // no sequence sorts first
  const json::Value* list = json::Find(medication_request, "dosageInstruction");
  if (list != nullptr && list->IsArray()) {
    for (const json::Value& i : list->GetArray()) {
      if (i.IsObject()) {
        Dosage d = ReadDosage(i);
        groups[d.sequence].push_back(std::move(d));
      }
    }
  }
  if (groups.empty()) out.why_empty = "the order has no dosage instructions";
  for (auto& [sequence, instructions] : groups)
    out.phases.push_back(MakePhase(sequence, std::move(instructions)));
  return out;
}

}  // namespace cds::fhir
