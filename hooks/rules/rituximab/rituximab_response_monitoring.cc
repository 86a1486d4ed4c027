// rituximab-response-monitoring: rituximab for neuropathy with no CD19+ B-cell count
// since the last dose. What it checks and why:
// config/knowledge/rules/rituximab-response-monitoring.json.
#include <algorithm>

#include "fhir/condition.h"
#include "fhir/medication.h"
#include "fhir/observation_query.h"

#include "hooks/rule_kit/clinical_rule.h"
#include "hooks/rule_kit/drug_exposure.h"
#include "hooks/rule_kit/lab_result.h"
#include "hooks/rule_kit/medication_match.h"
#include "hooks/rule_kit/order_builder.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kPlaceholders = {"last_dose", "indication", "window"};

struct Config {
  ExposureConfig exposure;
  fhir::CodeSet indications;
  fhir::CodeSet cd19;
  OrderSpec cd19_order;
  config::TextTemplate summary, detail, suggestion_label;
  std::string last_dose_unknown;  // {last_dose} when no rituximab record is dated
};

struct Course {
  std::optional<EpochMillis> last_dose;  // the latest moment of the last dose's time
  std::optional<Evidence> last_dose_evidence;
  bool last_is_administration = false;
  bool any_reason = false;                  // some rituximab record names a reason
  std::optional<std::string> neuro_reason;  // ... and it is a neuropathy
};

// The condition's text, else its first coding display, else its first code.
std::string ConditionName(const fhir::Condition& c) {
  std::string name(c.Text());
  if (name.empty() && c.code() != nullptr) {
    fhir::ForEachCoding(*c.code(), [&](const fhir::CodingView& v) {
      if (name.empty()) name = std::string(v.code);
    });
  }
  return name;
}

// The Condition `reference` ("Condition/123") names among `conditions`, or nullptr.
const json::Value* FindCondition(const std::vector<const json::Value*>& conditions,
                                 std::string_view reference) {
  for (const json::Value* c : conditions) {
    if (fhir::IsResourceOfType(*c, "Condition") && fhir::ResourceView(*c).Key() == reference)
      return c;
  }
  return nullptr;
}

class RituximabResponseMonitoring final : public ClinicalRule<Config> {
 public:
  using ClinicalRule::ClinicalRule;

  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    auto exposure = FindExposure(ctx, c_.exposure, out);
    if (!exposure) return;
    const auto* conditions = ctx.Require(kConditions, out);
    const auto* cd19 = ctx.Require(kCd19Cells, out);
    if (conditions == nullptr || cd19 == nullptr) return;
    Course course = ReadCourse(ctx, *conditions, out);
    std::vector<Evidence> evidence = exposure->evidence;
    std::string indication;
    if (course.any_reason) {
      if (!course.neuro_reason) return;  // rituximab was given for something else
      indication = *course.neuro_reason;
    } else {
      auto neuro = fhir::CurrentConditions(*conditions, c_.indications);
      if (neuro.empty()) return;
      indication = ConditionName(neuro.front());
      for (const fhir::Condition& n : neuro) {
        evidence.push_back({n.Key(), ConditionName(n), n.Onset(), "on the problem list"});
      }
    }
    EpochMillis since =
        course.last_dose ? *course.last_dose + 1 : c_.exposure.lookback.Before(ctx.now());
    if (ResultSince(*cd19, c_.cd19, since)) return;
    if (course.last_dose_evidence) {
      // The exposure may already list the same record; say once that it is the last dose.
      auto same = std::find_if(evidence.begin(), evidence.end(), [&](const Evidence& e) {
        return e.reference == course.last_dose_evidence->reference;
      });
      if (same == evidence.end()) {
        evidence.push_back(*course.last_dose_evidence);
      } else {
        same->note = course.last_dose_evidence->text;
      }
    }
    auto older = DatedResults(*cd19, c_.cd19);
    evidence.push_back(
        older.empty() ? Evidence{"", "No CD19+ B-cell count on file", std::nullopt, ""}
                      : Evidence{older.front().Key(), ResultText("CD19+ B cells", older.front()),
                                 older.front().EffectiveTime(), "before the last dose"});
    out.AddCard(MakeCard(ctx, course, indication, evidence));
  }

 private:
  Course ReadCourse(const RuleContext& ctx, const std::vector<const json::Value*>& conditions,
                    RuleOutcome& out) const {
    Course course;
    std::optional<EpochMillis> last_admin, last_other;
    std::optional<Evidence> admin_ev, other_ev;
    for (std::string_view key : kExposureDataKeys) {
      const auto* list = ctx.Require(key, out);
      if (list == nullptr) continue;  // FindExposure already required these
      for (const json::Value* r : *list) {
        if (!IsUse(*r) || MatchDrug(ctx, *r, c_.exposure.drugs, out).result != fhir::Tri::kYes)
          continue;
        bool admin = fhir::IsResourceOfType(*r, "MedicationAdministration");
        auto t = DoseTime(*r);
        if (IsOngoing(*r) || (t && t->Latest() >= c_.exposure.lookback.Before(ctx.now()))) {
          ReadReasons(*r, conditions, course);  // only this course's records say why it was given
        }
        if (!t) continue;
        EpochMillis when =
            admin ? std::min(t->Latest(), ctx.now()) : std::min(t->Earliest(), ctx.now());
        auto& last = admin ? last_admin : last_other;
        if (last && *last >= when) continue;
        last = when;
        (admin ? admin_ev : other_ev) =
            Evidence{fhir::ResourceView(*r).Key(),
                     admin ? "last rituximab administration" : "last rituximab record", t, ""};
      }
    }
    course.last_is_administration = last_admin.has_value();
    course.last_dose = last_admin ? last_admin : last_other;
    course.last_dose_evidence = last_admin ? admin_ev : other_ev;
    if (course.last_dose)
      course.last_dose = StartOfDay(*course.last_dose) + 86'400'000 - 1;  // the whole day
    return course;
  }

  static bool IsUse(const json::Value& r) {
    std::string_view status = fhir::MedicationUse(r).status();
    if (fhir::IsResourceOfType(r, "MedicationAdministration")) {
      return status == "completed" || status == "in-progress" || status == "stopped";
    }
    return status != "draft" && status != "cancelled" && status != "entered-in-error" &&
           status != "not-taken";
  }

  static bool IsOngoing(const json::Value& r) {
    if (fhir::IsResourceOfType(r, "MedicationRequest"))
      return fhir::MedicationRequest(r).IsActiveOrOnHold();
    if (fhir::IsResourceOfType(r, "MedicationStatement"))
      return fhir::MedicationStatement(r).IsCurrent();
    return false;
  }

  static std::optional<fhir::FhirDateTime> DoseTime(const json::Value& r) {
    if (fhir::IsResourceOfType(r, "MedicationAdministration"))
      return fhir::MedicationAdministration(r).Effective();
    if (fhir::IsResourceOfType(r, "MedicationRequest"))
      return fhir::MedicationRequest(r).AuthoredOn();
    return fhir::MedicationStatement(r).Effective();
  }

  void ReadReasons(const json::Value& r, const std::vector<const json::Value*>& conditions,
                   Course& course) const {
    if (const json::Value* codes = json::GetArray(r, "reasonCode")) {
      for (const json::Value& cc : codes->GetArray()) {
        course.any_reason = true;
        if (!course.neuro_reason && c_.indications.Matches(cc))
          course.neuro_reason = std::string(fhir::ConceptText(cc));
      }
    }
    if (const json::Value* refs = json::GetArray(r, "reasonReference")) {
      for (const json::Value& ref : refs->GetArray()) {
        auto text = json::GetString(ref, "reference");
        const json::Value* cond = text ? FindCondition(conditions, *text) : nullptr;
        if (cond == nullptr) continue;  // a reason we cannot read does not decide
        course.any_reason = true;
        fhir::Condition c(*cond);
        if (!course.neuro_reason && c.code() != nullptr && c_.indications.Matches(*c.code()) &&
            !c.IsRefutedOrError()) {
          course.neuro_reason = ConditionName(c);
        }
      }
    }
  }

  cards::Card MakeCard(const RuleContext& ctx, const Course& course, const std::string& indication,
                       const std::vector<Evidence>& evidence) const {
    config::TextTemplate::Values values = {
        {"last_dose", course.last_dose ? FormatDate(*course.last_dose) : c_.last_dose_unknown},
        {"indication", indication.empty() ? std::string("neuropathy") : EscapeMarkdown(indication)},
        {"window", c_.exposure.lookback.ToString()}};
    cards::Card card = maker_.Make(cards::Indicator::kInfo, c_.summary.Render(values),
                                   c_.detail.Render(values), evidence);
    card.suggestions.push_back(OrdersSuggestion(ctx.request(), c_.suggestion_label.Render(values),
                                                {&c_.cd19_order}, /*recommended=*/true));
    card.selection_behavior = cards::SelectionBehavior::kAtMostOne;
    return card;
  }
};

}  // namespace

RuleRegistration RituximabResponseMonitoringRule() {
  return Register<RituximabResponseMonitoring>(
      {.id = "rituximab-response-monitoring",
       .hooks = kPatientViewOnly,
       .data_keys = {kConditions, kCd19Cells},
       .patient_view_data_keys = kExposureDataKeys,
       .indicator = "info",
       .suggestions = "Create a ServiceRequest for a CD19+ B-cell count.",
       .fields = [](config::Schema<Config>& s) {
         s.Object("exposure", &Config::exposure, ExposureSchema(), "rituximab use");
         s.Field("indications", &Config::indications, "neuropathies rituximab is monitored for");
         s.Field("cd19", &Config::cd19, "value set of CD19+ B-cell results");
         s.Object("cd19_order", &Config::cd19_order, OrderSpecSchema(),
                  "the CD19+ count a suggestion orders");
         s.Template("summary", &Config::summary, kPlaceholders, "card summary");
         s.Template("detail", &Config::detail, kPlaceholders, "card detail");
         s.Template("suggestion_label", &Config::suggestion_label, kPlaceholders,
                    "label of the suggestion");
         s.Field("last_dose_unknown", &Config::last_dose_unknown,
                 "{last_dose} when no rituximab record is dated");
       }});
}

}  // namespace cds::hooks
