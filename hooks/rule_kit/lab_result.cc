#include "hooks/rule_kit/lab_result.h"

#include <string_view>

#include "fhir/observation_query.h"

namespace cds::hooks {

bool CarriesResult(const fhir::Observation& obs) {
  const json::Value& v = obs.json();
  if (!v.IsObject() || json::Find(v, "dataAbsentReason") != nullptr) return false;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view name = json::AsStringView(it->name);
    if (name.rfind("value", 0) == 0 || name == "hasMember" || name == "component") return true;
  }
  return false;
}

std::vector<fhir::Observation> DatedResults(const std::vector<const json::Value*>& resources,
                                            const fhir::CodeSet& codes) {
  std::vector<fhir::Observation> out;
  for (const fhir::Observation& o : fhir::UsableObservations(resources, codes)) {
    if (o.EffectiveTime() && CarriesResult(o)) out.push_back(o);
  }
  return out;
}

std::optional<fhir::Observation> ResultSince(const std::vector<const json::Value*>& resources,
                                             const fhir::CodeSet& codes, EpochMillis start) {
  for (const fhir::Observation& o : DatedResults(resources, codes)) {
    if (o.EffectiveTime()->Earliest() >= start) return o;
  }
  return std::nullopt;
}

std::string ResultText(const std::string& label, const fhir::Observation& obs) {
  std::string value = obs.ValueText();
  return value.empty() ? label + " (panel)" : label + " " + value;
}

bool MayBeOnOrAfter(const fhir::FhirDateTime& t, EpochMillis window_start) {
  return t.Latest() >= window_start;
}

Evidence ObservationEvidence(const fhir::Observation& o, std::string_view label, std::string note) {
  std::string value = o.ValueText();
  return {o.Key(), std::string(label) + (value.empty() ? "" : " " + value), o.EffectiveTime(),
          std::move(note)};
}

const DraftOrder* DraftedTest(const RuleContext& ctx, const fhir::CodeSet& codes) {
  for (const DraftOrder& o : ctx.orders().all()) {
    if (fhir::IsResourceOfType(*o.resource, "ServiceRequest") &&
        codes.MatchesMember(*o.resource, "code")) {
      return &o;
    }
  }
  return nullptr;
}

}  // namespace cds::hooks
