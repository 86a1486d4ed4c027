#include "fhir/observation_query.h"

#include <algorithm>
#include <climits>

namespace cds::fhir {

std::vector<Observation> UsableObservations(const std::vector<const json::Value*>& resources,
                                            const CodeSet& codes) {
  struct Dated {
    Observation obs;
    EpochMillis latest;
  };
  std::vector<Dated> found;
  for (const json::Value* r : resources) {
    if (!IsResourceOfType(*r, "Observation")) continue;
    Observation o(*r);
    if (!o.HasUsableStatus() || o.code() == nullptr || !codes.Matches(*o.code())) continue;
    auto t = o.EffectiveTime();
    found.push_back({o, t ? t->Latest() : LLONG_MIN});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const Dated& a, const Dated& b) { return a.latest > b.latest; });
  std::vector<Observation> out;
  out.reserve(found.size());
  for (const Dated& d : found) out.push_back(d.obs);
  return out;
}

std::optional<Observation> LatestDatedObservation(const std::vector<const json::Value*>& resources,
                                                  const CodeSet& codes) {
  for (const Observation& o : UsableObservations(resources, codes)) {
    if (o.EffectiveTime()) return o;
  }
  return std::nullopt;
}

std::vector<Condition> CurrentConditions(const std::vector<const json::Value*>& resources,
                                         const CodeSet& codes) {
  std::vector<Condition> out;
  for (const json::Value* r : resources) {
    if (!IsResourceOfType(*r, "Condition")) continue;
    Condition c(*r);
    if (c.IsCurrent() && c.code() != nullptr && codes.Matches(*c.code())) out.push_back(c);
  }
  return out;
}

}  // namespace cds::fhir
