// FHIR builders and constants shared by the immune-neuropathy rule tests (issue 3):
// rituximab baseline labs and response monitoring, anti-MAG neuropathy, checkpoint-
// inhibitor neuropathy and re-challenge, the "IGF neuropathy" term. Header-only; tests only.
// "Now" is the harness default, 2026-11-25T12:00:00Z.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/hook_harness.h"

namespace cds::testing::immuno {

inline constexpr char kNeuroView[] = "neuropathy-patient-view";
inline constexpr char kNeuroSelect[] = "neuropathy-order-select";
inline constexpr char kNeuroSign[] = "neuropathy-order-sign";
inline constexpr char kRtxView[] = "rituximab-safety-patient-view";
inline constexpr char kRtxSelect[] = "rituximab-safety-order-select";
inline constexpr char kRtxSign[] = "rituximab-safety-order-sign";

inline constexpr char kSnomed[] = "http://snomed.info/sct";
inline constexpr char kIcd[] = "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr char kRxNorm[] = "http://www.nlm.nih.gov/research/umls/rxnorm";
inline constexpr char kAtc[] = "http://www.whocc.no/atc";
inline constexpr char kSiteMapped[] =
    "urn:neuro-cds:site-mapped";  // placeholder codes (immunology.json)

// Verified codes (../shared/terminology.md).
inline constexpr char kPembrolizumab[] = "1547545";  // IN
inline constexpr char kKeytruda4ml[] =
    "1657751";  // 4 ML pembrolizumab 25 MG/ML Injection [Keytruda] (SBD)
inline constexpr char kOpdivo10ml[] =
    "1657196";                                // 10 ML nivolumab 10 MG/ML Injection [Opdivo] (SBD)
inline constexpr char kYervoy[] = "1094837";  // BN
inline constexpr char kAtezolizumab[] = "1792776";  // IN
inline constexpr char kTruxima[] = "2105831";       // 10 ML rituximab-abbs [Truxima] (SBD)
inline constexpr char kRituximab[] = "121191";      // IN
inline constexpr char kPrednisone20[] = "312615";   // prednisone 20 MG Oral Tablet (SCD)
inline constexpr char kAmoxicillin[] = "617993";
inline constexpr char kPeripheralNerveDisease[] = "302226006";
inline constexpr char kGbs[] = "40956001";
inline constexpr char kDiabeticNeuropathy[] = "230572002";
inline constexpr char kWaldenstrom[] = "190818004";
inline constexpr char kMgus[] = "277577000";
inline constexpr char kMild[] = "255604002";
inline constexpr char kModerate[] = "6736007";
inline constexpr char kSevere[] = "24484000";

inline std::string Q(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A Condition with one coding; `extra` adds raw members (onsetDateTime, severity, ...).
inline std::string Cond(std::string_view id, std::string_view system, std::string_view code,
                        std::string_view clinical_status = "active", std::string_view extra = "",
                        std::string_view display = "") {
  std::string c = R"({"resourceType":"Condition","id":)" + Q(id);
  if (!clinical_status.empty()) {
    c +=
        R"(,"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":)" +
        Q(clinical_status) + "}]}";
  }
  c += R"(,"code":{"coding":[)" + Coding(system, code, display) + "]}";
  c += R"(,"subject":{"reference":"Patient/p1"})";
  if (!extra.empty()) c += "," + std::string(extra);
  return c + "}";
}
inline std::string Onset(std::string_view date) { return R"("onsetDateTime":)" + Q(date); }
inline std::string Severity(std::string_view snomed) {
  return R"("severity":{"coding":[)" + Coding(kSnomed, snomed) + "]}";
}
inline std::string Verification(std::string_view code) {
  return R"("verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":)" +
         Q(code) + "}]}";
}
inline std::string Join(std::initializer_list<std::string_view> members) {
  std::string out;
  for (std::string_view m : members) {
    if (m.empty()) continue;
    out += (out.empty() ? "" : ",") + std::string(m);
  }
  return out;
}

// A medication record with an RxNorm (or other) code.
inline std::string MedAdmin(std::string_view id, std::string_view system, std::string_view code,
                            std::string_view when, std::string_view status = "completed",
                            std::string_view extra = "") {
  std::string m = R"({"resourceType":"MedicationAdministration","id":)" + Q(id) +
                  ",\"status\":" + Q(status) + R"(,"medicationCodeableConcept":{"coding":[)" +
                  Coding(system, code) + "]}" +
                  R"(,"subject":{"reference":"Patient/p1"},"effectiveDateTime":)" + Q(when);
  if (!extra.empty()) m += "," + std::string(extra);
  return m + "}";
}
inline std::string MedStatement(std::string_view id, std::string_view code, std::string_view status,
                                std::string_view extra = "") {
  std::string m = R"({"resourceType":"MedicationStatement","id":)" + Q(id) +
                  ",\"status\":" + Q(status) + R"(,"medicationCodeableConcept":{"coding":[)" +
                  Coding(kRxNorm, code) + "]}" + R"(,"subject":{"reference":"Patient/p1"})";
  if (!extra.empty()) m += "," + std::string(extra);
  return m + "}";
}
inline std::string DraftMed(std::string_view id, std::string_view code,
                            std::string_view system = kRxNorm) {
  return R"({"resourceType":"MedicationRequest","id":)" + Q(id) +
         R"(,"status":"draft","intent":"order","medicationCodeableConcept":{"coding":[)" +
         Coding(system, code) + R"(]},"subject":{"reference":"Patient/p1"}})";
}
inline std::string DraftService(std::string_view id, std::string_view loinc) {
  return R"({"resourceType":"ServiceRequest","id":)" + Q(id) +
         R"(,"status":"draft","intent":"order","code":{"coding":[)" +
         Coding("http://loinc.org", loinc) + R"(]},"subject":{"reference":"Patient/p1"}})";
}

// An Observation with any code system (for the site-mapped CTCAE grade code).
inline std::string Obs(std::string_view id, std::string_view system, std::string_view code,
                       std::string_view date, std::string_view value_member,
                       std::string_view status = "final") {
  std::string o = R"({"resourceType":"Observation","id":)" + Q(id) + ",\"status\":" + Q(status) +
                  R"(,"code":{"coding":[)" + Coding(system, code) + "]}" +
                  R"(,"subject":{"reference":"Patient/p1"})";
  if (!date.empty()) o += ",\"effectiveDateTime\":" + Q(date);
  if (!value_member.empty()) o += "," + std::string(value_member);
  return o + "}";
}
inline std::string Grade(std::string_view id, std::string_view date, std::string_view value_member,
                         std::string_view status = "final") {
  return Obs(id, kSiteMapped, "ctcae-neuropathy-grade", date, value_member, status);
}
inline std::string Weight(std::string_view id, std::string_view date, double value,
                          std::string_view ucum) {
  return LoincObservation(id, "29463-7", date, Quantity(value, ucum));
}
inline constexpr char kUnavailable[] =
    R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]})";

inline std::string Str(const rapidjson::Value& card, const char* key) {
  return card.HasMember(key) && card[key].IsString() ? card[key].GetString() : "";
}
inline bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace cds::testing::immuno
