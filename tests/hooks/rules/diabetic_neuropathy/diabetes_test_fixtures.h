// FHIR builders and constants shared by the diabetic-neuropathy rule tests (issue 3):
// conditions in any code system, medication statements, procedures, dated vital signs,
// and small assertions on cards. Header-only; test code only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/hook_harness.h"

namespace cds::testing::dpn {

inline constexpr char kView[] = "neuropathy-patient-view";
inline constexpr char kSelect[] = "neuropathy-order-select";
inline constexpr char kSign[] = "neuropathy-order-sign";

inline constexpr char kSnomed[] = "http://snomed.info/sct";
inline constexpr char kIcd[] = "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr char kRxNorm[] = "http://www.nlm.nih.gov/research/umls/rxnorm";
inline constexpr char kAtc[] = "http://www.whocc.no/atc";

// Codes from ../shared/terminology.md (verified rows).
inline constexpr char kT2Diabetes[] = "44054006";           // Diabetes mellitus type 2
inline constexpr char kT1Diabetes[] = "46635009";           // Diabetes mellitus type 1
inline constexpr char kDiabetesAnyType[] = "73211009";      // Diabetes mellitus
inline constexpr char kT2Neuropathy[] = "368581000119106";  // Neuropathy due to type 2 DM (Synthea)
inline constexpr char kDiabeticNeuropathy[] = "230572002";  // type-agnostic diabetic neuropathy
inline constexpr char kPainfulDpn[] = "193184006";          // Chronic painful diabetic neuropathy
inline constexpr char kDan[] = "50620007";                  // Diabetic autonomic neuropathy
inline constexpr char kT2Dan[] = "712883005";               // Autonomic neuropathy due to T2DM
inline constexpr char kOrthostatic[] = "28651003";          // Orthostatic hypotension
inline constexpr char kGastroparesis[] = "235675006";       // Gastroparesis
inline constexpr char kDepression[] = "35489007";           // Depressive disorder
inline constexpr char kPeripheralNeuropathy[] = "302226006";  // Peripheral nerve disease

inline std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A Condition with one coding; `extra` adds raw members (onsetDateTime, verificationStatus...).
inline std::string CodedCondition(std::string_view id, std::string_view system,
                                  std::string_view code,
                                  std::string_view clinical_status = "active",
                                  std::string_view extra = "", std::string_view display = "") {
  std::string c = R"({"resourceType":"Condition","id":)" + Quote(id);
  if (!clinical_status.empty()) {
    c +=
        R"(,"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":)" +
        Quote(clinical_status) + "}]}";
  }
  c += R"(,"code":{"coding":[)" + Coding(system, code, display) + "]}";
  c += R"(,"subject":{"reference":"Patient/p1"})";
  if (!extra.empty()) c += "," + std::string(extra);
  return c + "}";
}
inline std::string Snomed(std::string_view id, std::string_view code, std::string_view extra = "") {
  return CodedCondition(id, kSnomed, code, "active", extra);
}
inline std::string Icd(std::string_view id, std::string_view code, std::string_view extra = "") {
  return CodedCondition(id, kIcd, code, "active", extra);
}
inline std::string Verification(std::string_view code) {
  return R"("verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":)" +
         Quote(code) + "}]}";
}
inline std::string Onset(std::string_view date) { return R"("onsetDateTime":)" + Quote(date); }

inline std::string MedStatement(std::string_view id, std::string_view system, std::string_view code,
                                std::string_view status = "active", std::string_view extra = "") {
  std::string m = R"({"resourceType":"MedicationStatement","id":)" + Quote(id) +
                  ",\"status\":" + Quote(status) + R"(,"medicationCodeableConcept":{"coding":[)" +
                  Coding(system, code) + "]}" + R"(,"subject":{"reference":"Patient/p1"})";
  if (!extra.empty()) m += "," + std::string(extra);
  return m + "}";
}
// A MedicationRequest coded in any system (RxMedicationRequest is RxNorm only).
inline std::string MedRequest(std::string_view id, std::string_view system, std::string_view code,
                              std::string_view status = "active") {
  return R"({"resourceType":"MedicationRequest","id":)" + Quote(id) +
         ",\"status\":" + Quote(status) +
         R"(,"intent":"order","medicationCodeableConcept":{"coding":[)" + Coding(system, code) +
         "]}" + R"(,"subject":{"reference":"Patient/p1"}})";
}

inline std::string SnomedProcedure(std::string_view id, std::string_view code,
                                   std::string_view status, std::string_view date) {
  std::string p = R"({"resourceType":"Procedure","id":)" + Quote(id) +
                  ",\"status\":" + Quote(status) + R"(,"code":{"coding":[)" +
                  Coding(kSnomed, code) + "]}" + R"(,"subject":{"reference":"Patient/p1"})";
  if (!date.empty()) p += ",\"performedDateTime\":" + Quote(date);
  return p + "}";
}

inline std::string OperationOutcome() {
  return R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]})";
}

inline std::string Str(const rapidjson::Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) && v[key].IsString() ? v[key].GetString() : "";
}
inline bool Contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string::npos;
}

// Has the response an info card saying that checks could not be made?
inline bool HasUnavailableCard(const HookResponse& r) {
  return !r.Cards("data-unavailable").empty();
}

}  // namespace cds::testing::dpn
