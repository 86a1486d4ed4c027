// Synthea-style patients for the diabetic-neuropathy tests (issue 3): fifteen years of
// quarterly wellness visits, each with an Encounter, vital signs, a basic panel, a
// Procedure, a Claim and its ExplanationOfBenefit, in a transaction Bundle shaped like
// Synthea's output (urn:uuid references, fullUrls, request entries). Header-only; test
// code only; every clinical code is a verified row of ../shared/terminology.md except
// Synthea's own encounter, claim, routine-lab and metformin codes, which no rule reads.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "tests/hooks/rules/diabetic_neuropathy/diabetes_test_fixtures.h"

namespace cds::testing::dpn {

class Generator {
 public:
  explicit Generator(std::string id) : id_(std::move(id)) {
    Add("Patient",
        R"("name":[{"family":"Test","given":["Synthetic"]}],"gender":"male","birthDate":"1958-04-02")",
        true);
  }

  void Condition(std::string_view system, std::string_view code, std::string_view display,
                 std::string_view onset, std::string_view status = "active",
                 std::string_view verification = "confirmed") {
    Add("Condition",
        R"("clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":")" +
            std::string(status) +
            R"("}]},"verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":")" +
            std::string(verification) +
            R"("}]},"category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"encounter-diagnosis"}]}],"code":{"coding":[{"system":")" +
            std::string(system) + R"(","code":")" + std::string(code) + R"(","display":")" +
            std::string(display) + R"("}],"text":")" + std::string(display) +
            R"("},"onsetDateTime":")" + std::string(onset) +
            R"(T10:00:00+00:00","recordedDate":")" + std::string(onset) + R"(T10:00:00+00:00")");
  }
  void Medication(std::string_view rxnorm, std::string_view display, std::string_view status,
                  std::string_view date) {
    Add("MedicationRequest",
        R"("status":")" + std::string(status) +
            R"(","intent":"order","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":")" +
            std::string(rxnorm) + R"(","display":")" + std::string(display) + R"("}],"text":")" +
            std::string(display) + R"("},"authoredOn":")" + std::string(date) +
            R"(T10:00:00+00:00","dosageInstruction":[{"sequence":1,"asNeededBoolean":false}])");
  }
  void Lab(std::string_view loinc, std::string_view display, std::string_view date, double value,
           std::string_view unit, std::string_view category = "laboratory") {
    char v[32];
    std::snprintf(v, sizeof(v), "%.4g", value);
    Add("Observation",
        R"("status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":")" +
            std::string(category) +
            R"("}]}],"code":{"coding":[{"system":"http://loinc.org","code":")" +
            std::string(loinc) + R"(","display":")" + std::string(display) + R"("}],"text":")" +
            std::string(display) + R"("},"encounter":{"reference":"urn:uuid:)" + encounter_ +
            R"("},"effectiveDateTime":")" + std::string(date) + R"(T10:00:00+00:00","issued":")" +
            std::string(date) + R"(T10:00:00.000+00:00","valueQuantity":{"value":)" + v +
            R"(,"unit":")" + std::string(unit) +
            R"(","system":"http://unitsofmeasure.org","code":")" + std::string(unit) + R"("})");
  }
  // A wellness visit: Encounter, vital signs, a basic panel, a Claim and its EOB.
  void Visit(std::string_view date, double heart_rate) {
    encounter_ = Add(
        "Encounter",
        R"("status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"type":[{"coding":[{"system":"http://snomed.info/sct","code":"185349003","display":"Encounter for check up"}]}],"period":{"start":")" +
            std::string(date) + R"(T10:00:00+00:00","end":")" + std::string(date) +
            R"(T10:30:00+00:00"})");
    Lab("8302-2", "Body Height", date, 176, "cm", "vital-signs");
    Lab("29463-7", "Body Weight", date, 91.5, "kg", "vital-signs");
    Lab("39156-5", "Body Mass Index", date, 29.5, "kg/m2", "vital-signs");
    Lab("8867-4", "Heart rate", date, heart_rate, "/min", "vital-signs");
    Lab("2339-0", "Glucose", date, 142, "mg/dL");
    Lab("38483-4", "Creatinine", date, 1.1, "mg/dL");
    Lab("2093-3", "Total Cholesterol", date, 188, "mg/dL");
    Add("Procedure",
        R"("status":"completed","code":{"coding":[{"system":"http://snomed.info/sct","code":"428191000124101","display":"Documentation of current medications"}]},"performedPeriod":{"start":")" +
            std::string(date) + R"(T10:00:00+00:00","end":")" + std::string(date) +
            R"(T10:15:00+00:00"})");
    std::string claim = Add(
        "Claim",
        R"("status":"active","use":"claim","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}]},"created":")" +
            std::string(date) +
            R"(T10:30:00+00:00","item":[{"sequence":1,"productOrService":{"coding":[{"system":"http://snomed.info/sct","code":"185349003"}]},"encounter":[{"reference":"urn:uuid:)" +
            encounter_ + R"("}]}],"total":{"value":129.16,"currency":"USD"})",
        false, "patient");
    Add("ExplanationOfBenefit",
        R"("status":"active","use":"claim","outcome":"complete","claim":{"reference":"urn:uuid:)" +
            claim + R"("},"created":")" + std::string(date) + R"(T10:30:00+00:00")",
        false, "patient");
  }

  std::string BundleText() const {
    return R"({"resourceType":"Bundle","type":"transaction","entry":[)" + entries_ + "]}";
  }
  const std::string& id() const { return id_; }

 private:
  std::string Add(std::string_view type, const std::string& members, bool is_patient = false,
                  std::string_view subject_key = "subject") {
    std::string uuid = id_ + "-" + std::to_string(++n_);
    if (is_patient) uuid = id_;
    std::string res = R"({"resourceType":")" + std::string(type) + R"(","id":")" + uuid + "\"";
    if (!is_patient)
      res += ",\"" + std::string(subject_key) + R"(":{"reference":"urn:uuid:)" + id_ + "\"}";
    res += "," + members + "}";
    entries_ += std::string(entries_.empty() ? "" : ",") + R"({"fullUrl":"urn:uuid:)" + uuid +
                R"(","resource":)" + res + R"(,"request":{"method":"POST","url":")" +
                std::string(type) + R"("}})";
    return uuid;
  }

  std::string id_;
  std::string entries_;
  std::string encounter_ = "none";
  int n_ = 0;
};

// Years of diabetes care: quarterly visits since 2012, HbA1c twice a year.
inline void History(Generator& g, double last_heart_rate, double last_hba1c) {
  for (int year = 2012; year <= 2026; ++year) {
    for (int month : {1, 4, 7, 10}) {
      char date[32];  // room for any int, so -Wformat-truncation stays quiet
      std::snprintf(date, sizeof(date), "%04d-%02d-15", year, month);
      bool last = year == 2026 && month == 10;
      g.Visit(date, last ? last_heart_rate : 78);
      if (month == 4 || month == 10)
        g.Lab("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", date, last ? last_hba1c : 7.6,
              "%");
    }
  }
  g.Condition(kSnomed, "195662009", "Acute viral pharyngitis (disorder)", "2017-12-07", "resolved");
  g.Condition(kSnomed, "38341003", "Hypertension", "2014-02-01", "active", "entered-in-error");
  g.Medication("860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet",
               "active", "2012-01-15");
}

// Poorly controlled type 2 diabetes with painful and autonomic neuropathy, depression, an
// opioid, a stopped gabapentin trial, tachycardia and gastroparesis never investigated.
inline Generator ComplexPatient() {
  Generator g("syn-complex-1");
  History(g, /*last_heart_rate=*/104, /*last_hba1c=*/8.3);
  g.Condition(kSnomed, kT2Diabetes, "Diabetes mellitus type 2 (disorder)", "2011-06-01");
  g.Condition(kSnomed, kT2Neuropathy, "Neuropathy due to type 2 diabetes mellitus (disorder)",
              "2016-03-01");
  g.Condition(kSnomed, kPainfulDpn, "Chronic painful diabetic neuropathy (disorder)", "2020-05-01");
  g.Condition(kSnomed, kT2Dan, "Autonomic neuropathy due to type 2 diabetes mellitus (disorder)",
              "2022-02-01");
  g.Condition(kSnomed, kOrthostatic, "Orthostatic hypotension", "2023-01-20");
  g.Condition(kSnomed, "713703005", "Gastroparesis due to type 2 diabetes mellitus (disorder)",
              "2024-08-01");
  g.Condition(kSnomed, "370143000", "Major depressive disorder", "2018-09-01");
  g.Medication("310431", "gabapentin 300 MG Oral Capsule", "stopped", "2019-03-01");
  g.Medication("7804", "oxycodone", "active", "2026-09-01");
  g.Lab("2132-9", "Cobalamin (Vitamin B12) [Mass/volume] in Serum or Plasma", "2026-08-01", 412,
        "pg/mL");
  return g;
}

// Well-managed type 2 diabetes with painless neuropathy and a complete work-up: the only
// card due is the autonomic screening reminder.
inline Generator ManagedPatient() {
  Generator g("syn-managed-2");
  History(g, /*last_heart_rate=*/74, /*last_hba1c=*/6.6);
  g.Condition(kSnomed, kT2Diabetes, "Diabetes mellitus type 2 (disorder)", "2011-06-01");
  g.Condition(kSnomed, kT2Neuropathy, "Neuropathy due to type 2 diabetes mellitus (disorder)",
              "2019-11-12");
  g.Lab("2132-9", "Vitamin B12", "2026-07-15", 380, "pg/mL");
  g.Lab("3016-3", "TSH", "2026-07-15", 1.9, "m[IU]/L");
  g.Lab("2900-9", "Pyridoxine", "2026-07-15", 12, "ng/mL");
  g.Lab("2284-8", "Folate", "2026-07-15", 9.1, "ng/mL");
  g.Lab("33358-3", "M-protein", "2026-07-15", 0, "g/dL");
  return g;
}

}  // namespace cds::testing::dpn
