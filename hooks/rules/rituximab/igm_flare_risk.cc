// igm-flare-risk: rituximab with a serum IgM high enough to risk an IgM flare. What it
// checks and why: config/knowledge/rules/igm-flare-risk.json.
#include "fhir/observation_query.h"
#include "fhir/quantity.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/drug_exposure.h"
#include "hooks/rule_kit/order_builder.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"value", "date", "threshold"};

struct Config {
  ExposureConfig exposure;
  fhir::CodeSet igm;
  Threshold threshold;  // a mass concentration
  config::TextTemplate summary, detail;
  OrderSpec plasmapheresis;
};

class IgmFlareRisk final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto exposure = FindExposure(ctx, c_.exposure, out);
    if (!exposure) return;
    const auto* observations = ctx.Require(kIgm, out);
    if (observations == nullptr) return;
    auto latest = fhir::LatestDatedObservation(*observations, c_.igm);
    if (!latest) return;
    auto q = latest->ValueQuantity();
    if (!q) {
      out.NoteInsufficient("latest IgM has no quantity");
      return;
    }
    auto high = fhir::IsAtLeast(*q, c_.threshold.value, c_.threshold.unit);
    if (!high.ok()) {
      out.NoteInsufficient("latest IgM unit cannot be converted: " + high.status().message());
      return;
    }
    if (*high == fhir::Tri::kUnknown)
      out.NoteInsufficient("latest IgM comparator leaves the threshold open");
    if (*high != fhir::Tri::kYes) return;
    std::string threshold = c_.threshold.ToString();
    config::TextTemplate::Values values = {{"value", latest->ValueText()},
                                           {"date", latest->EffectiveTime()->ToString()},
                                           {"threshold", threshold}};
    std::vector<Evidence> evidence = exposure->evidence;
    evidence.push_back({latest->Key(), "Serum IgM " + latest->ValueText(), latest->EffectiveTime(),
                        "at or above " + threshold});
    cards::Card card = maker_.Make(cards::Indicator::kWarning, c_.summary.Render(values),
                                   c_.detail.Render(values), evidence);
    card.suggestions.push_back(OrdersSuggestion(ctx.request(), c_.plasmapheresis.label,
                                                {&c_.plasmapheresis}, /*recommended=*/false));
    card.selection_behavior = cards::SelectionBehavior::kAtMostOne;
    out.AddCard(std::move(card));
  }
};

}  // namespace

RuleRegistration IgmFlareRiskRule() {
  return Register<IgmFlareRisk>(
      {.id = "igm-flare-risk",
       .hooks = kAllHooks,
       .data_keys = {kIgm},
       .patient_view_data_keys = kExposureDataKeys,
       .indicator = "warning",
       .suggestions = "Create a ServiceRequest for {plasmapheresis.label}.",
       .fields = [](config::Schema<Config>& s) {
         s.Object("exposure", &Config::exposure, ExposureSchema(), "rituximab exposure");
         s.Field("igm", &Config::igm, "value set of serum IgM results");
         s.Object("threshold", &Config::threshold,
                  ThresholdSchema("g/dL", "must be a mass concentration (g/dL, mg/dL, g/L, mg/L)"),
                  "serum IgM at or above this fires");
         s.Template("summary", &Config::summary, kPlaceholders, "card summary");
         s.Template("detail", &Config::detail, kPlaceholders, "card detail");
         s.Object("plasmapheresis", &Config::plasmapheresis, OrderSpecSchema(),
                  "the plasmapheresis order a suggestion creates");
       }});
}

}  // namespace cds::hooks
