#include "fhir/observation.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "base/ascii.h"

#include "fhir/coding.h"

namespace cds::fhir {
namespace {

constexpr std::string_view kV2Interpretation = "http://terminology.hl7.org/CodeSystem/v2-0078";

Qualitative FromSnomed(std::string_view code) {
  if (code == "10828004" || code == "11214006" || code == "260373001")
    return Qualitative::kPositive;
  if (code == "260385009" || code == "131194007" || code == "260415000") {
    return Qualitative::kNegative;
  }
  if (code == "419984006" || code == "42425007" || code == "82334004") {
    return Qualitative::kIndeterminate;
  }
  return Qualitative::kUnknown;
}

Qualitative FromInterpretationCode(std::string_view code) {
  if (code == "POS" || code == "DET" || code == "RR" || code == "A" || code == "AA") {
    return Qualitative::kPositive;
  }
  if (code == "NEG" || code == "ND" || code == "NR" || code == "N") return Qualitative::kNegative;
  if (code == "IND" || code == "E") return Qualitative::kIndeterminate;
  return Qualitative::kUnknown;
}

Qualitative FromConcept(const json::Value& cc) {
  Qualitative result = Qualitative::kUnknown;
  ForEachCoding(cc, [&](const CodingView& c) {
    if (result != Qualitative::kUnknown) return;
    if (c.system == kSnomed)
      result = FromSnomed(c.code);
    else if (c.system == kV3Interpretation || c.system == kV2Interpretation) {
      result = FromInterpretationCode(c.code);
    }
  });
  if (result == Qualitative::kUnknown) {
    if (auto text = json::GetString(cc, "text")) result = QualitativeFromText(*text);
  }
  return result;
}

}  // namespace

std::string_view QualitativeName(Qualitative q) {
  switch (q) {
    case Qualitative::kPositive:
      return "positive";
    case Qualitative::kNegative:
      return "negative";
    case Qualitative::kIndeterminate:
      return "indeterminate";
    case Qualitative::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Qualitative QualitativeFromText(std::string_view text) {
  std::string t = AsciiLower(text);
  std::replace(t.begin(), t.end(), '_', ' ');
  std::replace(t.begin(), t.end(), '-', ' ');
  auto first = t.find_first_not_of(" \t.");
  auto last = t.find_last_not_of(" \t.");
  t = first == std::string::npos ? "" : t.substr(first, last - first + 1);
  static constexpr std::string_view kPositive[] = {"positive", "pos", "reactive", "detected"};
  static constexpr std::string_view kNegative[] = {"negative",     "neg",          "non reactive",
                                                   "nonreactive",  "not detected", "undetected",
                                                   "none detected"};
  static constexpr std::string_view kIndeterminate[] = {"indeterminate", "equivocal",
                                                        "inconclusive", "borderline"};
  auto in = [&t](const auto& list) {
    return std::find(std::begin(list), std::end(list), t) != std::end(list);
  };
  if (in(kPositive)) return Qualitative::kPositive;
  if (in(kNegative)) return Qualitative::kNegative;
  if (in(kIndeterminate)) return Qualitative::kIndeterminate;
  return Qualitative::kUnknown;
}

bool Observation::HasUsableStatus() const {
  std::string_view s = status();
  return s == "final" || s == "amended" || s == "corrected";
}

std::optional<FhirDateTime> Observation::EffectiveTime() const {
  if (auto t = GetDateTime(*v_, "effectiveDateTime")) return t;
  if (auto t = GetDateTime(*v_, "effectiveInstant")) return t;
  if (auto p = GetPeriod(*v_, "effectivePeriod")) {
    FhirDateTime span = p->start ? *p->start : *p->end;
    if (p->start && p->end) span.end = p->end->end;
    return span;
  }
  return GetDateTime(*v_, "issued");
}

Qualitative Observation::QualitativeResult() const {
  if (const json::Value* cc = ValueConcept()) {
    Qualitative q = FromConcept(*cc);
    if (q != Qualitative::kUnknown) return q;
  }
  if (auto s = ValueString()) {
    Qualitative q = QualitativeFromText(*s);
    if (q != Qualitative::kUnknown) return q;
  }
  if (const json::Value* interp = json::GetArray(*v_, "interpretation")) {
    for (const json::Value& cc : interp->GetArray()) {
      Qualitative q = FromConcept(cc);
      if (q != Qualitative::kUnknown) return q;
    }
  }
  return Qualitative::kUnknown;
}

std::string Observation::ValueText() const {
  if (auto q = ValueQuantity()) {
    std::string s(ComparatorText(q->comparator));
    s += FormatNumber(q->value);
    std::string_view unit = !q->unit.empty() ? q->unit : q->code;
    if (!unit.empty()) {
      s += ' ';
      s += unit;
    }
    return s;
  }
  Qualitative q = QualitativeResult();
  if (q != Qualitative::kUnknown) return std::string(QualitativeName(q));
  if (const json::Value* cc = ValueConcept()) return std::string(ConceptText(*cc));
  if (auto s = ValueString()) return std::string(*s);
  return "";
}

}  // namespace cds::fhir
