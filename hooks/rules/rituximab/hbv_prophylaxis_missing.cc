// hbv-prophylaxis-missing: HBV exposure (HBsAg or anti-HBc positive) and rituximab without
// antiviral prophylaxis. What it checks and why:
// config/knowledge/rules/hbv-prophylaxis-missing.json.
#include "fhir/medication.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/drug_exposure.h"
#include "hooks/rule_kit/medication_match.h"
#include "hooks/rule_kit/order_builder.h"
#include "hooks/rules/rituximab/hbv_serology.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"marker", "date"};

struct Config {
  ExposureConfig exposure;
  SerologyTest hbsag;
  SerologyTest anti_hbc;
  fhir::CodeSet antivirals;
  config::TextTemplate summary, detail, detail_hbsag_positive, detail_unidentified;
  std::string no_prophylaxis_evidence;
  MedicationSpec recommended;
  std::vector<MedicationSpec> alternatives;
};

struct Prophylaxis {
  bool found = false;
  int unidentified = 0;  // records whose drug could not be identified
};

class HbvProphylaxisMissing final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto exposure = FindExposure(ctx, c_.exposure, out);
    if (!exposure) return;
    const auto* observations = ctx.Require(kHbvSerology, out);
    const auto* requests = ctx.Require(kMedicationRequests, out);
    const auto* statements = ctx.Require(kMedicationStatements, out);
    if (!observations || !requests || !statements) return;
    auto hbsag = Latest(*observations, c_.hbsag);
    auto anti_hbc = Latest(*observations, c_.anti_hbc);
    bool hbsag_pos = hbsag && hbsag->result == SerologyResult::kPositive;
    bool anti_hbc_pos = anti_hbc && anti_hbc->result == SerologyResult::kPositive;
    if (!hbsag_pos && !anti_hbc_pos) return;
    Prophylaxis p = FindProphylaxis(ctx, *requests, *statements, out);
    if (p.found) return;
    std::vector<Evidence> evidence = exposure->evidence;
    for (const auto& [test, r] : {std::pair{&c_.hbsag, &hbsag}, {&c_.anti_hbc, &anti_hbc}}) {
      if (*r) {
        evidence.push_back({(*r)->obs.Key(),
                            test->label + " " + std::string(SerologyResultName((*r)->result)),
                            (*r)->obs.EffectiveTime(), ""});
      }
    }
    evidence.push_back({"", c_.no_prophylaxis_evidence, std::nullopt, ""});
    const ReadResult& trigger = hbsag_pos ? *hbsag : *anti_hbc;
    config::TextTemplate::Values values = {
        {"marker", hbsag_pos ? c_.hbsag.label : c_.anti_hbc.label},
        {"date",
         trigger.obs.EffectiveTime() ? trigger.obs.EffectiveTime()->ToString() : "undated"}};
    std::string detail = c_.detail.Render(values);
    if (hbsag_pos) detail += "\n\n" + c_.detail_hbsag_positive.Render(values);
    if (p.unidentified > 0) {
      detail += "\n\n" + c_.detail_unidentified.Render(values) + " (" +
                std::to_string(p.unidentified) + ")";
    }
    cards::Card card =
        maker_.Make(cards::Indicator::kCritical, c_.summary.Render(values), detail, evidence);
    AddSuggestions(ctx, card);
    out.AddCard(std::move(card));
  }

 private:
  static std::optional<ReadResult> Latest(const std::vector<const json::Value*>& obs,
                                          const SerologyTest& t) {
    auto results = ReadableResults(obs, t);
    if (results.empty()) return std::nullopt;
    return results.front();
  }

  Prophylaxis FindProphylaxis(const RuleContext& ctx,
                              const std::vector<const json::Value*>& requests,
                              const std::vector<const json::Value*>& statements,
                              RuleOutcome& out) const {
    Prophylaxis p;
    auto consider = [&](const json::Value& r) {
      fhir::Tri m = MatchDrug(ctx, r, c_.antivirals, out).result;
      p.found = p.found || m == fhir::Tri::kYes;
      if (m == fhir::Tri::kUnknown) ++p.unidentified;
    };
    for (const json::Value* r : requests) {
      if (fhir::IsResourceOfType(*r, "MedicationRequest") &&
          fhir::MedicationRequest(*r).IsActiveOrOnHold())
        consider(*r);
    }
    for (const json::Value* r : statements) {
      if (fhir::IsResourceOfType(*r, "MedicationStatement") &&
          fhir::MedicationStatement(*r).IsCurrent())
        consider(*r);
    }
    for (const DraftOrder& o : ctx.orders().all()) {  // an antiviral drafted in this session counts
      if (fhir::IsResourceOfType(*o.resource, "MedicationRequest")) consider(*o.resource);
    }
    return p;
  }

  void AddSuggestions(const RuleContext& ctx, cards::Card& card) const {
    card.suggestions.push_back(
        MedicationSuggestion(ctx.request(), c_.recommended, /*recommended=*/true));
    for (const MedicationSpec& alt : c_.alternatives) {
      card.suggestions.push_back(MedicationSuggestion(ctx.request(), alt, /*recommended=*/false));
    }
    card.selection_behavior = cards::SelectionBehavior::kAtMostOne;
  }
};

}  // namespace

RuleRegistration HbvProphylaxisMissingRule() {
  return Register<HbvProphylaxisMissing>(
      {.id = "hbv-prophylaxis-missing",
       .hooks = kAllHooks,
       .data_keys = {kHbvSerology, kMedicationRequests, kMedicationStatements},
       .patient_view_data_keys = kExposureDataKeys,
       .indicator = "critical",
       .suggestions = "Recommended: create MedicationRequest {recommended.text}; alternatives: "
                      "{alternative_count} tenofovir options.",
       .fields =
           [](config::Schema<Config>& s) {
             s.Object("exposure", &Config::exposure, ExposureSchema(), "rituximab exposure");
             s.Object("hbsag", &Config::hbsag, SerologyTestSchema(), "the HBsAg test");
             s.Object("anti_hbc", &Config::anti_hbc, SerologyTestSchema(),
                      "the total anti-HBc test");
             s.Field("antivirals", &Config::antivirals, "drugs that count as prophylaxis");
             s.Template("summary", &Config::summary, kPlaceholders, "card summary");
             s.Template("detail", &Config::detail, kPlaceholders, "card detail");
             s.Template("detail_hbsag_positive", &Config::detail_hbsag_positive, kPlaceholders,
                        "added to the detail when HBsAg is positive");
             s.Template("detail_unidentified_medications", &Config::detail_unidentified,
                        kPlaceholders, "added when medication records could not be identified");
             s.Field("no_prophylaxis_evidence", &Config::no_prophylaxis_evidence,
                     "the evidence line that states no prophylaxis was found");
             s.Object("recommended", &Config::recommended, MedicationSpecSchema(),
                      "the recommended antiviral order");
             s.Object("alternatives", &Config::alternatives, MedicationSpecSchema(),
                      "other antiviral orders offered")
                 .Optional();
           },
       .doc_values = [](const Config& c) -> config::TextTemplate::Values {
         return {{"alternative_count", std::to_string(c.alternatives.size())}};
       }});
}

}  // namespace cds::hooks
