#include "hooks/rules/dpn_pain_first_line.h"

#include "base/status_macros.h"

#include "hooks/card_maker.h"
#include "hooks/order_builder.h"
#include "hooks/rules/diabetes_facts.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"depression"};

struct Config {
  fhir::CodeSet painful_neuropathy;
  fhir::CodeSet first_line_drugs;
  fhir::CodeSet depression;
  cards::Indicator indicator = cards::Indicator::kInfo;
  config::TextTemplate summary, summary_depression, detail, detail_depression;
  std::string no_first_line_evidence;
  MedicationSpec duloxetine;  // favoured with depression
  std::vector<MedicationSpec> alternatives;
};

class DpnPainFirstLine final : public Rule {
 public:
  DpnPainFirstLine(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto painful = CurrentConditionsIn(ctx, c_.painful_neuropathy, out);
    if (!painful || painful->empty()) return;
    auto use = FindDrugUse(ctx, c_.first_line_drugs, out);
    if (!use || !use->current.empty()) return;
    auto depression = CurrentConditionsIn(ctx, c_.depression, out);
    if (!depression) return;
    std::vector<Evidence> evidence = {ConditionEvidence(painful->front())};
    evidence.push_back({"", c_.no_first_line_evidence, std::nullopt, ""});
    for (const DrugRecord& r : use->past)
      evidence.push_back(r.ToEvidence("earlier trial, not current"));
    for (const DrugRecord& r : use->unidentified) {
      evidence.push_back(
          r.ToEvidence("drug could not be identified; check it is not a first-line drug"));
    }
    bool has_depression = !depression->empty();
    config::TextTemplate::Values values;
    if (has_depression) {
      evidence.push_back(ConditionEvidence(depression->front()));
      values["depression"] = std::string(depression->front().Text());
    }
    cards::Card card = maker_.Make(
        c_.indicator, (has_depression ? c_.summary_depression : c_.summary).Render(values),
        (has_depression ? c_.detail_depression : c_.detail).Render(values), evidence);
    card.suggestions.push_back(
        MedicationSuggestion(ctx.request(), c_.duloxetine, /*recommended=*/has_depression));
    for (const MedicationSpec& s : c_.alternatives) {
      card.suggestions.push_back(MedicationSuggestion(ctx.request(), s, /*recommended=*/false));
    }
    card.selection_behavior = cards::SelectionBehavior::kAtMostOne;
    out.AddCard(std::move(card));
  }

 private:
  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeDpnPainFirstLine(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(
      ctx.CheckKeys({"painful_neuropathy", "first_line_drugs", "depression", "indicator", "summary",
                     "summary_depression", "detail", "detail_depression", "no_first_line_evidence",
                     "duloxetine", "alternatives"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(c.painful_neuropathy, ctx.CodeSetAt(n, "painful_neuropathy"));
  CDS_ASSIGN_OR_RETURN(c.first_line_drugs, ctx.CodeSetAt(n, "first_line_drugs"));
  CDS_ASSIGN_OR_RETURN(c.depression, ctx.CodeSetAt(n, "depression"));
  CDS_ASSIGN_OR_RETURN(c.indicator, IndicatorAt(n, "indicator"));
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", {}));
  CDS_ASSIGN_OR_RETURN(c.summary_depression,
                       config::ParseTemplate(n, "summary_depression", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", {}));
  CDS_ASSIGN_OR_RETURN(c.detail_depression,
                       config::ParseTemplate(n, "detail_depression", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.no_first_line_evidence, n.String("no_first_line_evidence"));
  CDS_ASSIGN_OR_RETURN(config::Node duloxetine, n.Child("duloxetine"));
  CDS_ASSIGN_OR_RETURN(c.duloxetine, ParseMedicationSpec(ctx, duloxetine));
  if (!c.first_line_drugs.Contains(c.duloxetine.medication.system, c.duloxetine.medication.code)) {
    return n.ErrorAt("duloxetine", "medication must be in the first_line_drugs value set");
  }
  CDS_ASSIGN_OR_RETURN(c.alternatives, MedicationSpecsAt(ctx, n, "alternatives"));
  for (const MedicationSpec& s : c.alternatives) {
    if (!c.first_line_drugs.Contains(s.medication.system, s.medication.code)) {
      return n.ErrorAt("alternatives", "medication " + s.medication.code +
                                           " is not in the first_line_drugs value set");
    }
  }
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView};
  info.data_keys = {kConditionsKey};
  info.data_keys.insert(info.data_keys.end(), MedicationKeys().begin(), MedicationKeys().end());
  info.trigger =
      "Current painful diabetic neuropathy and no active duloxetine, pregabalin or gabapentin "
      "(order or statement); duloxetine favoured when depression is on the problem list.";
  info.indicator = std::string(cards::IndicatorName(c.indicator));
  info.suggestions = "Create a MedicationRequest: " + c.duloxetine.label;
  for (const MedicationSpec& s : c.alternatives) info.suggestions += "; " + s.label;
  info.suggestions += " (at most one).";
  info.config_keys = {"painful_neuropathy",
                      "first_line_drugs",
                      "depression",
                      "indicator",
                      "summary",
                      "summary_depression",
                      "detail",
                      "detail_depression",
                      "no_first_line_evidence",
                      "duloxetine",
                      "alternatives[]"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new DpnPainFirstLine(std::move(info), std::move(c),
                                                    CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
