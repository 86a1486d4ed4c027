// Patient, Procedure and ServiceRequest: the small views the rules need.
#pragma once

#include <optional>
#include <string_view>

#include "fhir/datetime.h"
#include "fhir/resource.h"

namespace cds::fhir {

class Patient : public ResourceView {
 public:
  using ResourceView::ResourceView;
  std::optional<FhirDateTime> BirthDate() const { return GetDateTime(*v_, "birthDate"); }
  std::string_view gender() const { return json::GetString(*v_, "gender").value_or(""); }
};

class Procedure : public ResourceView {
 public:
  using ResourceView::ResourceView;
  std::string_view status() const { return json::GetString(*v_, "status").value_or(""); }
  bool IsDone() const { return status() == "completed" || status() == "in-progress"; }
  const json::Value* code() const { return json::GetObject(*v_, "code"); }
  // performedDateTime, else the span of performedPeriod.
  std::optional<FhirDateTime> Performed() const;
};

class ServiceRequest : public ResourceView {
 public:
  using ResourceView::ResourceView;
  std::string_view status() const { return json::GetString(*v_, "status").value_or(""); }
  // draft, active or on-hold: ordered and not yet done or abandoned.
  bool IsPending() const {
    return status() == "draft" || status() == "active" || status() == "on-hold";
  }
  const json::Value* code() const { return json::GetObject(*v_, "code"); }
  std::optional<FhirDateTime> AuthoredOn() const { return GetDateTime(*v_, "authoredOn"); }
};

}  // namespace cds::fhir
