#include "hooks/rules/hbv_serology.h"

#include "base/status_macros.h"

#include "fhir/observation_query.h"
#include "fhir/quantity.h"

namespace cds::hooks {

StatusOr<SerologyTest> ParseSerologyTest(const RuleBuildContext& ctx, const config::Node& n) {
  CDS_RETURN_IF_ERROR(n.CheckKnownKeys(
      {"id", "label", "codes", "required", "quantitative_positive_at_or_above", "order"}));
  SerologyTest t;
  CDS_ASSIGN_OR_RETURN(t.id, n.String("id"));
  CDS_ASSIGN_OR_RETURN(t.label, n.String("label"));
  CDS_ASSIGN_OR_RETURN(t.codes, ctx.CodeSetAt(n, "codes"));
  CDS_ASSIGN_OR_RETURN(t.required, n.BoolOr("required", true));
  if (auto c = n.OptionalChild("quantitative_positive_at_or_above")) {
    CDS_RETURN_IF_ERROR(c->CheckKnownKeys({"value", "unit"}));
    Cutoff cut;
    CDS_ASSIGN_OR_RETURN(cut.value, c->Number("value"));
    CDS_ASSIGN_OR_RETURN(cut.unit, c->String("unit"));
    if (!fhir::CanonicalUnit(cut.unit))
      return c->ErrorAt("unit", "unknown UCUM unit '" + cut.unit + "'");
    t.positive_at_or_above = cut;
  }
  if (auto o = n.OptionalChild("order")) {
    CDS_ASSIGN_OR_RETURN(OrderSpec spec, ParseOrderSpec(ctx, *o));
    t.order = std::move(spec);
  }
  return t;
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
