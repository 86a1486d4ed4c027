// A rule's config validation as a table: each row edits the bundled rule file in one place
// and names the error the rule must give, with its JSON path. Rows of every rule run the
// one parameterised test below (RuleConfigTest), on knowledge loaded once per process.
//
//   INSTANTIATE_TEST_SUITE_P(IgmFlareRisk, RuleConfigTest,
//       ::testing::ValuesIn(ConfigCases("igm-flare-risk", {
//           {"ThresholdZero", "/threshold/value", "0", "$.threshold.value: must be > 0"},
//           ...})), ConfigCaseName);
//   TEST(IgmFlareRiskConfig, EveryConstraintHasAFailingCase) { ExpectEveryConstraintRefused(...); }
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "base/status.h"

namespace cds::testing {

struct ConfigEdit {
  std::string name;     // the test's name
  std::string pointer;  // JSON Pointer into the rule file: "/threshold/value", "/tests/0/codes"
  std::string value;    // raw JSON set there; "" removes the member
  std::string error;    // "$.threshold.value: must be > 0" (after "knowledge/rules/<id>.json: ")
};

struct ConfigCase {
  std::string rule;  // rule id
  ConfigEdit edit;
};
inline void PrintTo(const ConfigCase& c, std::ostream* os) { *os << c.rule << ": " << c.edit.name; }

std::vector<ConfigCase> ConfigCases(const std::string& rule, std::vector<ConfigEdit> edits);
inline std::string ConfigCaseName(const ::testing::TestParamInfo<ConfigCase>& info) {
  return info.param.edit.name;
}

// Builds rule `rule` from its bundled knowledge file with `edit` applied.
Status BuildEditedRule(const std::string& rule, const ConfigEdit& edit);

// The bundled file builds; the cases include a misspelt key; and every setting the rule
// declares with a constraint (config::FieldDoc::constraints) has a case whose error names
// its path.
void ExpectEveryConstraintRefused(const std::string& rule, const std::vector<ConfigCase>& cases);

class RuleConfigTest : public ::testing::TestWithParam<ConfigCase> {};

}  // namespace cds::testing
