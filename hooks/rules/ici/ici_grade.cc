#include "hooks/rules/ici/ici_grade.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <utility>

#include "base/ascii.h"

#include "fhir/medication.h"
#include "fhir/observation_query.h"
#include "fhir/quantity.h"

#include "hooks/rule_kit/drug_exposure.h"
#include "hooks/rule_kit/medication_match.h"
#include "hooks/rules/ici/ctcae_grade.h"

namespace cds::hooks {
namespace {

const std::vector<std::string> kBasisPlaceholders = {"grade", "date", "value"};

// The grade Condition.severity stands for, and the severity as text.
std::pair<std::optional<int>, std::string> SeverityGradeOf(const fhir::Condition& cond,
                                                           const IciNeuropathyConfig& c) {
  const json::Value* sev = cond.severity();
  if (sev == nullptr) return {std::nullopt, ""};
  std::string written(fhir::ConceptText(*sev));
  for (const SeverityGrade& s : c.severity) {
    if (s.codes.Matches(*sev)) return {s.grade, written.empty() ? s.text : written};
  }
  std::string text = AsciiLower(StripAsciiBlanks(written));
  for (const SeverityGrade& s : c.severity) {
    if (!text.empty() && text == s.text) return {s.grade, written};
  }
  return {std::nullopt, written};
}

// Was this record a real use of the drug (not a draft, cancellation or error)?
bool IsUse(const json::Value& r) {
  std::string_view type = fhir::ResourceView(r).resource_type();
  std::string_view status = fhir::MedicationUse(r).status();
  if (type == "MedicationRequest")
    return status != "draft" && status != "cancelled" && status != "entered-in-error";
  if (type == "MedicationAdministration")
    return status == "completed" || status == "in-progress" || status == "stopped";
  if (type == "MedicationStatement") return status != "entered-in-error" && status != "not-taken";
  return false;
}

std::optional<fhir::FhirDateTime> UseTime(const json::Value& r) {
  std::string_view type = fhir::ResourceView(r).resource_type();
  if (type == "MedicationRequest") return fhir::MedicationRequest(r).AuthoredOn();
  if (type == "MedicationAdministration") return fhir::MedicationAdministration(r).Effective();
  return fhir::MedicationStatement(r).Effective();
}

std::string ValueOf(const fhir::Observation& o) {
  if (auto i = json::GetInt64(o.json(), "valueInteger")) return std::to_string(*i);
  std::string v = o.ValueText();
  return v.empty() ? std::string("(no value)") : v;
}

Evidence ReadingEvidence(const GradeReading& r) {
  return {r.obs.Key(), "CTCAE neuropathy grade " + ValueOf(r.obs), r.obs.EffectiveTime(),
          r.grade ? "" : "value could not be read as a grade"};
}

std::string Render(const config::TextTemplate& t, int grade, std::string date = "",
                   std::string value = "") {
  return t.Render(
      {{"grade", std::to_string(grade)}, {"date", std::move(date)}, {"value", std::move(value)}});
}

// Raises `g` to the floors of `conditions` (only current ones when `current_only`).
void ApplyFloors(const std::vector<NeuroCondition>& conditions, bool current_only,
                 const IciNeuropathyConfig& c, IciGrade& g) {
  auto raise = [&](NeuroKind kind, int floor, const config::TextTemplate& basis) {
    bool any = std::any_of(conditions.begin(), conditions.end(), [&](const NeuroCondition& n) {
      return n.kind == kind && (n.current || !current_only);
    });
    if (!any || (g.grade && *g.grade >= floor)) return;
    g.grade = floor;
    g.basis += (g.basis.empty() ? "" : "; ") + Render(basis, floor);
  };
  raise(NeuroKind::kCranial, c.cranial_min_grade, c.basis.cranial);
  raise(NeuroKind::kGuillainBarre, c.guillain_barre_min_grade, c.basis.guillain_barre);
}

}  // namespace

const config::Schema<IciNeuropathyConfig>& IciNeuropathySchema() {
  static const config::Schema<IciNeuropathyConfig> schema = [] {
    const auto& p = kBasisPlaceholders;
    config::Schema<SeverityGrade> severity;
    severity.Field("codes", &SeverityGrade::codes, "Condition.severity codes of this grade");
    severity.Field("text", &SeverityGrade::text, "... or this text, any case");
    severity.Field("grade", &SeverityGrade::grade, "the CTCAE grade")
        .Range(1, 5, "must be a CTCAE grade 1-5");
    severity.Check([](const config::Node&, SeverityGrade& g) {
      g.text = AsciiLower(g.text);
      return OkStatus();
    });
    config::Schema<GradeBasis> basis;
    basis.Template("observation", &GradeBasis::observation, p, "graded from a CTCAE Observation");
    basis.Template("severity", &GradeBasis::severity, p, "graded from Condition.severity");
    basis.Template("cranial", &GradeBasis::cranial, p, "raised for cranial nerve involvement");
    basis.Template("guillain_barre", &GradeBasis::guillain_barre, p, "raised for Guillain-Barre");
    basis.Template("unreadable", &GradeBasis::unreadable, p, "a grade that could not be read");
    basis.Template("none", &GradeBasis::none, p, "no grade recorded");
    config::Schema<IciNeuropathyConfig> s;
    s.Shared();
    s.Field("peripheral", &IciNeuropathyConfig::peripheral, "peripheral neuropathy conditions");
    s.Field("guillain_barre", &IciNeuropathyConfig::guillain_barre, "Guillain-Barre conditions");
    s.Field("cranial", &IciNeuropathyConfig::cranial, "cranial neuropathy conditions");
    s.Field("grade_observations", &IciNeuropathyConfig::grade_observations,
            "value set of CTCAE neuropathy grade Observations");
    s.Object("severity_grades", &IciNeuropathyConfig::severity, severity,
             "Condition.severity read as a grade");
    s.Field("cranial_min_grade", &IciNeuropathyConfig::cranial_min_grade,
            "cranial nerve involvement is at least this grade")
        .Range(1, 4);
    s.Field("guillain_barre_min_grade", &IciNeuropathyConfig::guillain_barre_min_grade,
            "Guillain-Barre is at least this grade")
        .Range(1, 4);
    s.Field("ignore_onset_before_first_ici", &IciNeuropathyConfig::ignore_onset_before_first_ici,
            "a neuropathy that began before the first checkpoint inhibitor is not ICI neuropathy")
        .Optional();
    s.Object("grade_basis", &IciNeuropathyConfig::basis, basis,
             "how a grade was decided, on cards");
    return s;
  }();
  return schema;
}

std::optional<IciHistory> FindIciHistory(const RuleContext& ctx, const fhir::CodeSet& drugs,
                                         RuleOutcome& out) {
  std::vector<const std::vector<const json::Value*>*> lists;
  for (std::string_view key : kExposureDataKeys) lists.push_back(ctx.Require(key, out));
  for (const auto* l : lists) {
    if (l == nullptr) return std::nullopt;
  }
  IciHistory h;
  for (const auto* list : lists) {
    for (const json::Value* r : *list) {
      if (!IsUse(*r)) continue;
      DrugMatch m = MatchDrug(ctx, *r, drugs, out);
      if (m.result != fhir::Tri::kYes) continue;
      h.any = true;
      auto t = UseTime(*r);
      if (!t || (h.first && *h.first <= t->Earliest())) continue;
      h.first = t->Earliest();
      std::string name = m.name.empty() ? std::string("(unnamed medication)") : m.name;
      h.first_evidence = Evidence{fhir::ResourceView(*r).Key(),
                                  "first checkpoint inhibitor on record: " + name, t, ""};
    }
  }
  return h;
}

std::vector<NeuroCondition> FindNeuroConditions(const std::vector<const json::Value*>& conditions,
                                                const IciNeuropathyConfig& c,
                                                const IciHistory& history, bool include_past) {
  std::vector<NeuroCondition> out;
  for (const json::Value* r : conditions) {
    if (!fhir::IsResourceOfType(*r, "Condition")) continue;
    fhir::Condition cond(*r);
    const json::Value* code = cond.code();
    if (code == nullptr || cond.IsRefutedOrError()) continue;
    bool current = cond.IsCurrent();
    if (!current && !include_past) continue;
    NeuroKind kind;
    if (c.guillain_barre.Matches(*code)) {
      kind = NeuroKind::kGuillainBarre;
    } else if (c.cranial.Matches(*code)) {
      kind = NeuroKind::kCranial;
    } else if (c.peripheral.Matches(*code)) {
      kind = NeuroKind::kPeripheral;
    } else {
      continue;
    }
    if (c.ignore_onset_before_first_ici) {
      if (!history.any) continue;  // no checkpoint inhibitor on record: not ICI neuropathy
      auto onset = cond.Onset();
      if (onset && history.first && onset->Latest() < *history.first) continue;  // it came first
    }
    auto [grade, text] = SeverityGradeOf(cond, c);
    out.push_back({cond, kind, current, grade, text});
  }
  return out;
}

std::vector<GradeReading> GradeReadings(const std::vector<const json::Value*>& observations,
                                        const IciNeuropathyConfig& c,
                                        std::optional<EpochMillis> not_before) {
  std::vector<GradeReading> out;
  for (const fhir::Observation& o : fhir::UsableObservations(observations, c.grade_observations)) {
    auto t = o.EffectiveTime();
    if (!t || (not_before && t->Latest() < *not_before)) continue;
    out.push_back({o, ReadCtcaeGrade(o)});
  }
  return out;
}

IciGrade CurrentGrade(const std::vector<NeuroCondition>& conditions,
                      const std::vector<GradeReading>& readings, const IciNeuropathyConfig& c) {
  IciGrade g;
  if (!readings.empty()) {
    const GradeReading& r = readings.front();
    std::string date = r.obs.EffectiveTime()->ToString();
    g.evidence.push_back(ReadingEvidence(r));
    if (r.grade) {
      g.grade = r.grade;
      g.basis = Render(c.basis.observation, *r.grade, date, ValueOf(r.obs));
    } else {
      g.basis = c.basis.unreadable.Render({{"date", date}, {"value", ValueOf(r.obs)}});
    }
  } else {
    for (const NeuroCondition& n : conditions) {
      if (!n.current || !n.severity_grade || (g.grade && *g.grade >= *n.severity_grade)) continue;
      g.grade = n.severity_grade;
      g.basis = Render(c.basis.severity, *n.severity_grade, "", n.severity_text);
    }
  }
  ApplyFloors(conditions, /*current_only=*/true, c, g);
  if (g.basis.empty()) g.basis = c.basis.none.Render({});
  return g;
}

IciGrade PeakGrade(const std::vector<NeuroCondition>& conditions,
                   const std::vector<GradeReading>& readings, const IciNeuropathyConfig& c) {
  IciGrade g;
  bool unreadable = false;
  for (const GradeReading& r : readings) {
    if (!r.grade) {
      unreadable = true;
      g.evidence.push_back(ReadingEvidence(r));
      continue;
    }
    if (g.grade && *g.grade >= *r.grade) continue;
    g.grade = r.grade;
    g.basis =
        Render(c.basis.observation, *r.grade, r.obs.EffectiveTime()->ToString(), ValueOf(r.obs));
    g.evidence.push_back(ReadingEvidence(r));
  }
  for (const NeuroCondition& n : conditions) {
    if (!n.severity_grade || (g.grade && *g.grade >= *n.severity_grade)) continue;
    g.grade = n.severity_grade;
    g.basis = Render(c.basis.severity, *n.severity_grade, "", n.severity_text);
  }
  ApplyFloors(conditions, /*current_only=*/false, c, g);
  if (unreadable && (!g.grade || *g.grade < 3)) {
    g.grade.reset();
    const GradeReading& r = *std::find_if(readings.begin(), readings.end(),
                                          [](const GradeReading& x) { return !x.grade; });
    g.basis = c.basis.unreadable.Render(
        {{"date", r.obs.EffectiveTime()->ToString()}, {"value", ValueOf(r.obs)}});
  }
  if (g.basis.empty()) g.basis = c.basis.none.Render({});
  return g;
}

std::optional<EpochMillis> EarliestOnset(const std::vector<NeuroCondition>& conditions,
                                         std::optional<EpochMillis> fallback) {
  std::optional<EpochMillis> earliest;
  for (const NeuroCondition& n : conditions) {
    auto onset = n.condition.Onset();
    if (onset && (!earliest || onset->Earliest() < *earliest)) earliest = onset->Earliest();
  }
  return earliest ? earliest : fallback;
}

std::vector<Evidence> ConditionEvidence(const std::vector<NeuroCondition>& conditions) {
  std::vector<Evidence> out;
  for (const NeuroCondition& n : conditions) {
    std::string status(n.condition.clinical_status());
    std::string text = ConditionNames({n});
    text += status.empty() ? " (clinical status not recorded)" : " (" + status + ")";
    if (!n.severity_text.empty()) text += ", severity " + n.severity_text;
    out.push_back({n.condition.Key(), text, n.condition.Onset(), ""});
  }
  return out;
}

std::string ConditionNames(const std::vector<NeuroCondition>& conditions) {
  std::string names;
  for (const NeuroCondition& n : conditions) {
    std::string name(n.condition.Text());
    if (name.empty()) {
      fhir::ForEachCoding(*n.condition.code(), [&](const fhir::CodingView& v) {
        if (name.empty()) name = std::string(v.code);
      });
    }
    if (names.find(name) != std::string::npos) continue;
    names += (names.empty() ? "" : ", ") + name;
  }
  return names;
}

}  // namespace cds::hooks
