#include "hooks/rules/igm_flare_risk.h"

#include "base/status_macros.h"
#include "base/uuid.h"

#include "fhir/observation_query.h"
#include "fhir/quantity.h"

#include "hooks/card_maker.h"
#include "hooks/order_builder.h"
#include "hooks/rules/drug_exposure.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"value", "date", "threshold"};

struct Config {
  ExposureConfig exposure;
  fhir::CodeSet igm;
  double threshold = 4;
  std::string threshold_unit = "g/dL";
  config::TextTemplate summary, detail;
  OrderSpec plasmapheresis;
};

class IgmFlareRisk final : public Rule {
 public:
  IgmFlareRisk(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto exposure = FindExposure(ctx, c_.exposure, out);
    if (!exposure) return;
    const auto* observations = ctx.Require("igm", out);
    if (observations == nullptr) return;
    auto latest = fhir::LatestDatedObservation(*observations, c_.igm);
    if (!latest) return;
    auto q = latest->ValueQuantity();
    if (!q) {
      out.NoteInsufficient("latest IgM has no quantity");
      return;
    }
    auto high = fhir::IsAtLeast(*q, c_.threshold, c_.threshold_unit);
    if (!high.ok()) {
      out.NoteInsufficient("latest IgM unit cannot be converted: " + high.status().message());
      return;
    }
    if (*high == fhir::Tri::kUnknown)
      out.NoteInsufficient("latest IgM comparator leaves the threshold open");
    if (*high != fhir::Tri::kYes) return;
    std::string threshold = fhir::FormatNumber(c_.threshold) + " " + c_.threshold_unit;
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

 private:
  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeIgmFlareRisk(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(
      ctx.CheckKeys({"exposure", "igm", "threshold", "summary", "detail", "plasmapheresis"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(config::Node exposure, n.Child("exposure"));
  CDS_ASSIGN_OR_RETURN(c.exposure, ParseExposure(ctx, exposure));
  CDS_ASSIGN_OR_RETURN(c.igm, ctx.CodeSetAt(n, "igm"));
  CDS_ASSIGN_OR_RETURN(config::Node threshold, n.Child("threshold"));
  CDS_RETURN_IF_ERROR(threshold.CheckKnownKeys({"value", "unit"}));
  CDS_ASSIGN_OR_RETURN(c.threshold, threshold.Number("value"));
  CDS_ASSIGN_OR_RETURN(c.threshold_unit, threshold.String("unit"));
  if (c.threshold <= 0) return threshold.ErrorAt("value", "must be > 0");
  if (!fhir::ConvertValue(1, c.threshold_unit, "g/dL").ok()) {
    return threshold.ErrorAt("unit", "must be a mass concentration (g/dL, mg/dL, g/L, mg/L)");
  }
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(config::Node pp, n.Child("plasmapheresis"));
  CDS_ASSIGN_OR_RETURN(c.plasmapheresis, ParseOrderSpec(ctx, pp));
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView, Hook::kOrderSelect, Hook::kOrderSign};
  info.data_keys = {"igm"};
  info.patient_view_data_keys = ExposureDataKeys();
  info.trigger = "Rituximab exposure and latest serum IgM >= " + fhir::FormatNumber(c.threshold) +
                 " " + c.threshold_unit + " (after unit conversion).";
  info.indicator = "warning";
  info.suggestions = "Create a ServiceRequest for " + c.plasmapheresis.label + ".";
  info.config_keys = {"exposure.drugs", "exposure.lookback", "igm",    "threshold.value",
                      "threshold.unit", "summary",           "detail", "plasmapheresis"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(
      new IgmFlareRisk(std::move(info), std::move(c), CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
