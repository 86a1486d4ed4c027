#include "hooks/rules/all_rules.h"

#include "hooks/rules/anti_mag_rituximab.h"
#include "hooks/rules/dan_gastroparesis_workup.h"
#include "hooks/rules/dan_orthostatic_hypotension.h"
#include "hooks/rules/dan_resting_tachycardia.h"
#include "hooks/rules/dan_screening_due.h"
#include "hooks/rules/dpn_glycemic_control.h"
#include "hooks/rules/dpn_pain_first_line.h"
#include "hooks/rules/duloxetine_dose.h"
#include "hooks/rules/hbv_prophylaxis_missing.h"
#include "hooks/rules/hbv_serology_missing.h"
#include "hooks/rules/ici_neuropathy.h"
#include "hooks/rules/ici_rechallenge.h"
#include "hooks/rules/igf_neuropathy_term.h"
#include "hooks/rules/igm_flare_risk.h"
#include "hooks/rules/midodrine_dose.h"
#include "hooks/rules/neuropathy_opioid.h"
#include "hooks/rules/neuropathy_reversible_causes.h"
#include "hooks/rules/rituximab_baseline_labs.h"
#include "hooks/rules/rituximab_dose_check.h"
#include "hooks/rules/rituximab_response_monitoring.h"
#include "hooks/rules/tca_dose.h"

namespace cds::hooks {

// Rituximab safety first, then diabetic neuropathy, then immune neuropathies, then
// prescribing checks. Discovery and docs/rules.md follow the services, not this order.
const std::vector<RuleRegistration>& AllRules() {
  static const std::vector<RuleRegistration> rules = {
      {"hbv-serology-missing", &MakeHbvSerologyMissing},
      {"hbv-prophylaxis-missing", &MakeHbvProphylaxisMissing},
      {"igm-flare-risk", &MakeIgmFlareRisk},
      {"rituximab-baseline-labs", &MakeRituximabBaselineLabs},
      {"rituximab-dose-check", &MakeRituximabDoseCheck},
      {"rituximab-response-monitoring", &MakeRituximabResponseMonitoring},
      {"dpn-glycemic-control", &MakeDpnGlycemicControl},
      {"dpn-pain-first-line", &MakeDpnPainFirstLine},
      {"neuropathy-opioid", &MakeNeuropathyOpioid},
      {"dan-screening-due", &MakeDanScreeningDue},
      {"dan-orthostatic-hypotension", &MakeDanOrthostaticHypotension},
      {"dan-gastroparesis-workup", &MakeDanGastroparesisWorkup},
      {"dan-resting-tachycardia", &MakeDanRestingTachycardia},
      {"neuropathy-reversible-causes", &MakeNeuropathyReversibleCauses},
      {"anti-mag-rituximab", &MakeAntiMagRituximab},
      {"ici-neuropathy", &MakeIciNeuropathy},
      {"igf-neuropathy-term", &MakeIgfNeuropathyTerm},
      {"duloxetine-dose", &MakeDuloxetineDose},
      {"tca-dose", &MakeTcaDose},
      {"midodrine-dose", &MakeMidodrineDose},
      {"ici-rechallenge", &MakeIciRechallenge},
  };
  return rules;
}

}  // namespace cds::hooks
