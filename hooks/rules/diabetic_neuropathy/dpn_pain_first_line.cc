// dpn-pain-first-line: painful diabetic neuropathy without a first-line drug. What it
// checks and why: config/knowledge/rules/dpn-pain-first-line.json.
#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/conditions.h"
#include "hooks/rule_kit/drug_use.h"
#include "hooks/rule_kit/order_builder.h"

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

class DpnPainFirstLine final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

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
};

}  // namespace

RuleRegistration DpnPainFirstLineRule() {
  return Register<DpnPainFirstLine>(
      {.id = "dpn-pain-first-line",
       .hooks = kPatientViewOnly,
       .data_keys = {kConditions, kMedicationRequests, kMedicationStatements},
       .patient_view_data_keys = {},
       .indicator = "{indicator}",
       .suggestions = "Create a MedicationRequest: {duloxetine.label}; {alternative_labels} (at "
                      "most one).",
       .fields =
           [](config::Schema<Config>& s) {
             s.Field("painful_neuropathy", &Config::painful_neuropathy,
                     "painful diabetic neuropathy conditions");
             s.Field("first_line_drugs", &Config::first_line_drugs,
                     "duloxetine, pregabalin, gabapentin");
             s.Field("depression", &Config::depression,
                     "depression conditions (favour duloxetine)");
             s.Field("indicator", &Config::indicator, "the card's indicator");
             s.Template("summary", &Config::summary, {}, "card summary");
             s.Template("summary_depression", &Config::summary_depression, kPlaceholders,
                        "card summary with depression on the problem list");
             s.Template("detail", &Config::detail, {}, "card detail");
             s.Template("detail_depression", &Config::detail_depression, kPlaceholders,
                        "card detail with depression on the problem list");
             s.Field("no_first_line_evidence", &Config::no_first_line_evidence,
                     "the evidence line that states no first-line drug was found");
             s.Object("duloxetine", &Config::duloxetine, MedicationSpecSchema(),
                      "the duloxetine order (recommended with depression)");
             s.Object("alternatives", &Config::alternatives, MedicationSpecSchema(),
                      "the other first-line orders")
                 .NonEmpty("must list at least one medication");
             s.Check([](const config::Node& n, Config& c) -> Status {
               const config::CodeEntry& d = c.duloxetine.medication;
               if (!c.first_line_drugs.Contains(d.system, d.code)) {
                 return n.ErrorAt("duloxetine",
                                  "medication must be in the first_line_drugs value set");
               }
               for (const MedicationSpec& a : c.alternatives) {
                 if (!c.first_line_drugs.Contains(a.medication.system, a.medication.code)) {
                   return n.ErrorAt("alternatives",
                                    "medication " + a.medication.code +
                                        " is not in the first_line_drugs value set");
                 }
               }
               return OkStatus();
             });
           },
       .doc_values = [](const Config& c) -> config::TextTemplate::Values {
         std::string labels;
         for (const MedicationSpec& a : c.alternatives)
           labels += (labels.empty() ? "" : "; ") + a.label;
         return {{"alternative_labels", labels}};
       }});
}

}  // namespace cds::hooks
