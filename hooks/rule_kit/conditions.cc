#include "hooks/rule_kit/conditions.h"

#include "fhir/observation_query.h"

#include "hooks/rule_kit/data_keys.h"

namespace cds::hooks {

std::optional<std::vector<fhir::Condition>> CurrentConditionsIn(const RuleContext& ctx,
                                                                const fhir::CodeSet& codes,
                                                                RuleOutcome& out) {
  const auto* conditions = ctx.Require(kConditions, out);
  if (conditions == nullptr) return std::nullopt;
  return fhir::CurrentConditions(*conditions, codes);
}

Evidence ConditionEvidence(const fhir::Condition& c, std::string note) {
  std::string text(c.Text());
  if (text.empty()) text = "(condition without display)";
  std::string status(c.clinical_status());
  return {c.Key(), text + (status.empty() ? "" : ", " + status), c.Onset(), std::move(note)};
}

}  // namespace cds::hooks
