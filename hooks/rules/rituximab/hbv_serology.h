// Reading hepatitis B serology results, shared by the HBV rules.
//
// A result is read as positive, negative or indeterminate from its coded value, string
// or interpretation (fhir::Observation), or -- for a quantitative assay with no
// qualitative reading -- against the test's configured cut-off after unit conversion
// (HBsAg >= 0.05 IU/mL, anti-HBs >= 10 mIU/mL by default). Anything else is
// unreadable, and an unreadable result never counts as negative.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/binder.h"
#include "fhir/coding.h"
#include "fhir/observation.h"

#include "hooks/rule_kit/fields.h"
#include "hooks/rule_kit/order_builder.h"

namespace cds::hooks {

struct Cutoff {
  double value = 0;
  std::string unit;  // UCUM
};

struct SerologyTest {
  std::string id;     // "hbsag"
  std::string label;  // "HBsAg"
  fhir::CodeSet codes;
  bool required = true;
  std::optional<Cutoff> positive_at_or_above;
  std::optional<OrderSpec> order;
};

// {"id","label","codes","required"?,"quantitative_positive_at_or_above"?,"order"?}
const config::Schema<SerologyTest>& SerologyTestSchema();

enum class SerologyResult { kPositive, kNegative, kIndeterminate, kUnreadable };
std::string_view SerologyResultName(SerologyResult r);

SerologyResult ReadSerology(const fhir::Observation& obs, const SerologyTest& test);

struct ReadResult {
  fhir::Observation obs;
  SerologyResult result;
};

// Readable results (positive, negative, indeterminate) of `test`, newest first.
std::vector<ReadResult> ReadableResults(const std::vector<const json::Value*>& resources,
                                        const SerologyTest& test);

}  // namespace cds::hooks
