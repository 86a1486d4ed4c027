#include "hooks/rules/hbv_prophylaxis_missing.h"

#include "base/status_macros.h"
#include "base/uuid.h"

#include "fhir/medication.h"

#include "hooks/card_maker.h"
#include "hooks/medication_match.h"
#include "hooks/order_builder.h"
#include "hooks/rules/drug_exposure.h"
#include "hooks/rules/hbv_serology.h"

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

class HbvProphylaxisMissing final : public Rule {
 public:
  HbvProphylaxisMissing(RuleInfo info, Config config, CardMaker maker)
      : Rule(std::move(info)), c_(std::move(config)), maker_(std::move(maker)) {}

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto exposure = FindExposure(ctx, c_.exposure, out);
    if (!exposure) return;
    const auto* observations = ctx.Require("hbvSerology", out);
    const auto* requests = ctx.Require("medicationRequests", out);
    const auto* statements = ctx.Require("medicationStatements", out);
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

  Config c_;
  CardMaker maker_;
};

}  // namespace

StatusOr<std::unique_ptr<Rule>> MakeHbvProphylaxisMissing(const RuleBuildContext& ctx) {
  const config::Node& n = ctx.section();
  CDS_RETURN_IF_ERROR(
      ctx.CheckKeys({"exposure", "hbsag", "anti_hbc", "antivirals", "summary", "detail",
                     "detail_hbsag_positive", "detail_unidentified_medications",
                     "no_prophylaxis_evidence", "recommended", "alternatives"}));
  Config c;
  CDS_ASSIGN_OR_RETURN(config::Node exposure, n.Child("exposure"));
  CDS_ASSIGN_OR_RETURN(c.exposure, ParseExposure(ctx, exposure));
  CDS_ASSIGN_OR_RETURN(config::Node hbsag, n.Child("hbsag"));
  CDS_ASSIGN_OR_RETURN(c.hbsag, ParseSerologyTest(ctx, hbsag));
  CDS_ASSIGN_OR_RETURN(config::Node anti_hbc, n.Child("anti_hbc"));
  CDS_ASSIGN_OR_RETURN(c.anti_hbc, ParseSerologyTest(ctx, anti_hbc));
  CDS_ASSIGN_OR_RETURN(c.antivirals, ctx.CodeSetAt(n, "antivirals"));
  CDS_ASSIGN_OR_RETURN(c.summary, config::ParseTemplate(n, "summary", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail, config::ParseTemplate(n, "detail", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail_hbsag_positive,
                       config::ParseTemplate(n, "detail_hbsag_positive", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.detail_unidentified,
                       config::ParseTemplate(n, "detail_unidentified_medications", kPlaceholders));
  CDS_ASSIGN_OR_RETURN(c.no_prophylaxis_evidence, n.String("no_prophylaxis_evidence"));
  CDS_ASSIGN_OR_RETURN(config::Node rec, n.Child("recommended"));
  CDS_ASSIGN_OR_RETURN(c.recommended, ParseMedicationSpec(ctx, rec));
  CDS_ASSIGN_OR_RETURN(auto alts, n.OptionalArray("alternatives"));
  for (const config::Node& a : alts) {
    CDS_ASSIGN_OR_RETURN(MedicationSpec spec, ParseMedicationSpec(ctx, a));
    c.alternatives.push_back(std::move(spec));
  }
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  info.hooks = {Hook::kPatientView, Hook::kOrderSelect, Hook::kOrderSign};
  info.data_keys = {"hbvSerology", "medicationRequests", "medicationStatements"};
  info.patient_view_data_keys = ExposureDataKeys();
  info.trigger =
      "Rituximab exposure, latest HBsAg or total anti-HBc positive, and no active entecavir / "
      "tenofovir "
      "order or statement and none among the draft orders.";
  info.indicator = "critical";
  info.suggestions = "Recommended: create MedicationRequest " + c.recommended.text +
                     "; alternatives: " + std::to_string(c.alternatives.size()) +
                     " tenofovir options.";
  info.config_keys = {"exposure.drugs",
                      "exposure.lookback",
                      "hbsag",
                      "anti_hbc",
                      "antivirals",
                      "summary",
                      "detail",
                      "detail_hbsag_positive",
                      "detail_unidentified_medications",
                      "recommended",
                      "alternatives[]"};
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new HbvProphylaxisMissing(std::move(info), std::move(c),
                                                         CardMaker(ctx.basics(), ctx.knowledge())));
}

}  // namespace cds::hooks
