#include "hooks/rules/all_rules.h"

#include "hooks/rules/hbv_prophylaxis_missing.h"
#include "hooks/rules/hbv_serology_missing.h"
#include "hooks/rules/igm_flare_risk.h"

namespace cds::hooks {

const std::vector<RuleRegistration>& AllRules() {
  static const std::vector<RuleRegistration> rules = {
      {"hbv-serology-missing", &MakeHbvSerologyMissing},
      {"hbv-prophylaxis-missing", &MakeHbvProphylaxisMissing},
      {"igm-flare-risk", &MakeIgmFlareRisk},
  };
  return rules;
}

}  // namespace cds::hooks
