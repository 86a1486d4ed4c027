#include "hooks/rules/ici/ctcae_grade.h"

#include <cctype>
#include <cmath>
#include <string>

#include "base/ascii.h"

#include "fhir/coding.h"
#include "fhir/quantity.h"

namespace cds::hooks {
namespace {

std::string_view TrimLeft(std::string_view s, std::string_view chars = " \t:") {
  size_t i = s.find_first_not_of(chars);
  return i == std::string_view::npos ? std::string_view() : s.substr(i);
}

std::optional<int> GradeFromQuantity(const fhir::Quantity& q) {
  if (q.comparator != fhir::Comparator::kEq || q.value < 0 || q.value > 5 ||
      q.value != std::floor(q.value)) {
    return std::nullopt;
  }
  for (std::string_view u : {q.unit, q.code}) {
    if (!u.empty() && u != "1" && u != "{grade}" && AsciiLower(u) != "grade") {
      return std::nullopt;  // a unit that is not a grade
    }
  }
  return static_cast<int>(q.value);
}

}  // namespace

// "3", "grade 3", "G3", "CTCAE grade 3", "Grade 3 - severe". Not "3/5", "3 of 5", "3-4",
// "35", "3.5" or "3a": those are other scales, ranges or numbers.
std::optional<int> ParseCtcaeGradeText(std::string_view text) {
  std::string lower = AsciiLower(StripAsciiBlanks(text));
  std::string_view t = lower;
  if (t.rfind("ctcae", 0) == 0) t = TrimLeft(t.substr(5));
  if (t.rfind("grade", 0) == 0) {
    t = TrimLeft(t.substr(5));
  } else if (t.size() >= 2 && t[0] == 'g' && std::isdigit(static_cast<unsigned char>(t[1]))) {
    t.remove_prefix(1);
  }
  if (t.empty() || t[0] < '0' || t[0] > '5') return std::nullopt;
  int grade = t[0] - '0';
  std::string_view rest = t.substr(1);
  if (rest.empty()) return grade;
  char next = rest[0];
  bool separator = next == ' ' || next == '-' || next == ',' || next == ';' || next == '(' ||
                   next == '.' || next == ':' ||
                   static_cast<unsigned char>(next) == 0xE2;  // en/em dash
  if (!separator) return std::nullopt;
  std::string_view after = TrimLeft(rest, " -,;(.:\xE2\x80\x93\x94");
  if (!after.empty() && (std::isdigit(static_cast<unsigned char>(after[0])) || after[0] == '/' ||
                         after.rfind("of", 0) == 0 || after.rfind("out", 0) == 0)) {
    return std::nullopt;
  }
  return grade;
}

std::optional<int> ReadCtcaeGrade(const fhir::Observation& obs) {
  if (json::Find(obs.json(), "valueInteger") != nullptr) {
    auto i = json::GetInt64(obs.json(), "valueInteger");
    if (i && *i >= 0 && *i <= 5) return static_cast<int>(*i);
    return std::nullopt;
  }
  if (auto q = obs.ValueQuantity()) return GradeFromQuantity(*q);
  if (auto s = obs.ValueString()) return ParseCtcaeGradeText(*s);
  if (const json::Value* cc = obs.ValueConcept()) {
    if (auto text = json::GetString(*cc, "text")) {
      if (auto g = ParseCtcaeGradeText(*text)) return g;
    }
    std::optional<int> found;
    fhir::ForEachCoding(*cc, [&](const fhir::CodingView& v) {
      if (!found && !v.display.empty()) found = ParseCtcaeGradeText(v.display);
      if (!found) found = ParseCtcaeGradeText(v.code);
    });
    return found;
  }
  return std::nullopt;
}

}  // namespace cds::hooks
