// Condition: problem-list entries and diagnoses.
//
// A condition is a current fact (IsCurrent) when its clinical status is active,
// recurrence or relapse -- or absent with no abatement, which R4 permits -- and it is not
// refuted or entered in error. Onset is onsetDateTime / onsetPeriod.start, else
// recordedDate.
#pragma once

#include <optional>
#include <string_view>

#include "fhir/datetime.h"
#include "fhir/resource.h"

namespace cds::fhir {

class Condition : public ResourceView {
 public:
  using ResourceView::ResourceView;

  const json::Value* code() const { return json::GetObject(*v_, "code"); }
  const json::Value* severity() const { return json::GetObject(*v_, "severity"); }
  // The first coding's code (a coding without `system` counts), the element itself when it is
  // a plain STU3-style string, or "" when absent or unreadable.
  std::string_view clinical_status() const;
  std::string_view verification_status() const;
  bool IsRefutedOrError() const;
  bool IsCurrent() const;
  std::optional<FhirDateTime> Onset() const;
  std::optional<FhirDateTime> RecordedDate() const { return GetDateTime(*v_, "recordedDate"); }
  // code.text, else the first coding display.
  std::string_view Text() const;
};

}  // namespace cds::fhir
