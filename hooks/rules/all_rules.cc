#include "hooks/rules/all_rules.h"

// Every rule .cc under rules/<domain>/ defines `RuleRegistration <Name>Rule()`. This list
// declares and orders them: adding a rule is one line here. Rituximab safety first, then
// diabetic neuropathy, then immune neuropathies, then prescribing checks. Discovery and
// docs/rules.md follow the services, not this order.
#define CDS_RULES(RULE)             \
  RULE(HbvSerologyMissing)          \
  RULE(HbvProphylaxisMissing)       \
  RULE(IgmFlareRisk)                \
  RULE(RituximabBaselineLabs)       \
  RULE(RituximabDoseCheck)          \
  RULE(RituximabResponseMonitoring) \
  RULE(DpnGlycemicControl)          \
  RULE(DpnPainFirstLine)            \
  RULE(NeuropathyOpioid)            \
  RULE(DanScreeningDue)             \
  RULE(DanOrthostaticHypotension)   \
  RULE(DanGastroparesisWorkup)      \
  RULE(DanRestingTachycardia)       \
  RULE(NeuropathyReversibleCauses)  \
  RULE(AntiMagRituximab)            \
  RULE(IciNeuropathy)               \
  RULE(IgfNeuropathyTerm)           \
  RULE(DuloxetineDose)              \
  RULE(TcaDose)                     \
  RULE(MidodrineDose)               \
  RULE(IciRechallenge)

namespace cds::hooks {

#define CDS_DECLARE_RULE(Name) RuleRegistration Name##Rule();
CDS_RULES(CDS_DECLARE_RULE)
#undef CDS_DECLARE_RULE

const std::vector<RuleRegistration>& AllRules() {
#define CDS_LIST_RULE(Name) Name##Rule(),
  static const std::vector<RuleRegistration> rules = {CDS_RULES(CDS_LIST_RULE)};
#undef CDS_LIST_RULE
  return rules;
}

}  // namespace cds::hooks
