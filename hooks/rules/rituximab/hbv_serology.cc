#include "hooks/rules/rituximab/hbv_serology.h"

#include "fhir/observation_query.h"
#include "fhir/quantity.h"

namespace cds::hooks {

const config::Schema<SerologyTest>& SerologyTestSchema() {
  static const config::Schema<SerologyTest> schema = [] {
    config::Schema<Cutoff> cutoff;
    cutoff.Field("value", &Cutoff::value, "the cut-off");
    cutoff.Field("unit", &Cutoff::unit, "its UCUM unit");
    cutoff.Check(
        [](const config::Node& n, Cutoff& c) {
          if (!fhir::CanonicalUnit(c.unit))
            return n.ErrorAt("unit", "unknown UCUM unit '" + c.unit + "'");
          return OkStatus();
        },
        "unit must be a known UCUM unit");
    config::Schema<SerologyTest> s;
    s.Field("id", &SerologyTest::id, "stable id of the test");
    s.Field("label", &SerologyTest::label, "name on cards (\"HBsAg\")");
    s.Field("codes", &SerologyTest::codes, "value set of the test's result codes");
    s.Field("required", &SerologyTest::required, "missing makes the card a warning (else info)")
        .Optional();
    s.Object("quantitative_positive_at_or_above", &SerologyTest::positive_at_or_above, cutoff,
             "a numeric result at or above this is positive, when it has no qualitative reading");
    s.Object("order", &SerologyTest::order, OrderSpecSchema(), "the test a suggestion orders");
    return s;
  }();
  return schema;
}

std::string_view SerologyResultName(SerologyResult r) {
  switch (r) {
    case SerologyResult::kPositive:
      return "positive";
    case SerologyResult::kNegative:
      return "negative";
    case SerologyResult::kIndeterminate:
      return "indeterminate";
    case SerologyResult::kUnreadable:
      return "unreadable";
  }
  return "unreadable";
}

SerologyResult ReadSerology(const fhir::Observation& obs, const SerologyTest& test) {
  switch (obs.QualitativeResult()) {
    case fhir::Qualitative::kPositive:
      return SerologyResult::kPositive;
    case fhir::Qualitative::kNegative:
      return SerologyResult::kNegative;
    case fhir::Qualitative::kIndeterminate:
      return SerologyResult::kIndeterminate;
    case fhir::Qualitative::kUnknown:
      break;
  }
  auto q = obs.ValueQuantity();
  if (!q || !test.positive_at_or_above) return SerologyResult::kUnreadable;
  auto at_least =
      fhir::IsAtLeast(*q, test.positive_at_or_above->value, test.positive_at_or_above->unit);
  if (!at_least.ok()) return SerologyResult::kUnreadable;  // unit missing or unknown: never assumed
  switch (*at_least) {
    case fhir::Tri::kYes:
      return SerologyResult::kPositive;
    case fhir::Tri::kNo:
      return SerologyResult::kNegative;
    case fhir::Tri::kUnknown:
      return SerologyResult::kIndeterminate;
  }
  return SerologyResult::kUnreadable;
}

std::vector<ReadResult> ReadableResults(const std::vector<const json::Value*>& resources,
                                        const SerologyTest& test) {
  std::vector<ReadResult> out;
  for (const fhir::Observation& o : fhir::UsableObservations(resources, test.codes)) {
    SerologyResult r = ReadSerology(o, test);
    if (r != SerologyResult::kUnreadable) out.push_back({o, r});
  }
  return out;
}

}  // namespace cds::hooks
