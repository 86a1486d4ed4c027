// Medication, MedicationRequest, MedicationStatement and MedicationAdministration.
//
// The three "use" resources name their drug either inline (medicationCodeableConcept) or
// by reference (medicationReference) to a Medication that may be contained, elsewhere
// in the request, or on the FHIR server. Resolving the reference is the caller's job
// (see ResourceIndex); these views only expose what is written.
#pragma once

#include <optional>
#include <string_view>

#include "fhir/datetime.h"
#include "fhir/resource.h"

namespace cds::fhir {

class Medication : public ResourceView {
 public:
  using ResourceView::ResourceView;
  const json::Value* code() const { return json::GetObject(*v_, "code"); }
  // Each ingredient's itemCodeableConcept (nullptr if by reference) and itemReference.
  const json::Value* ingredients() const { return json::GetArray(*v_, "ingredient"); }
};

// Common to MedicationRequest, MedicationStatement and MedicationAdministration.
class MedicationUse : public ResourceView {
 public:
  using ResourceView::ResourceView;
  std::string_view status() const { return json::GetString(*v_, "status").value_or(""); }
  const json::Value* medication_concept() const {
    return json::GetObject(*v_, "medicationCodeableConcept");
  }
  // medicationReference.reference, or "".
  std::string_view medication_reference() const { return ReferenceOf("medicationReference"); }
};

class MedicationRequest : public MedicationUse {
 public:
  using MedicationUse::MedicationUse;
  std::string_view intent() const { return json::GetString(*v_, "intent").value_or(""); }
  // active or on-hold: the patient is, or will again be, taking it.
  bool IsActiveOrOnHold() const { return status() == "active" || status() == "on-hold"; }
  std::optional<FhirDateTime> AuthoredOn() const { return GetDateTime(*v_, "authoredOn"); }
  const json::Value* dosage_instructions() const {
    return json::GetArray(*v_, "dosageInstruction");
  }
};

class MedicationStatement : public MedicationUse {
 public:
  using MedicationUse::MedicationUse;
  // active, intended or on-hold (R4 MedicationStatement status codes).
  bool IsCurrent() const {
    return status() == "active" || status() == "intended" || status() == "on-hold";
  }
  // effective[x] as an interval; dateAsserted if there is none.
  std::optional<FhirDateTime> Effective() const;
};

class MedicationAdministration : public MedicationUse {
 public:
  using MedicationUse::MedicationUse;
  bool IsDone() const { return status() == "completed" || status() == "in-progress"; }
  std::optional<FhirDateTime> Effective() const;
};

}  // namespace cds::fhir
