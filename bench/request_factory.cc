#include "bench/request_factory.h"

namespace cds::bench {
namespace {

std::string Observation(size_t i, const char* loinc, const char* value) {
  return R"({"resource":{"resourceType":"Observation","id":"obs-)" + std::to_string(i) +
         R"(","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],"code":{"coding":[{"system":"http://loinc.org","code":")" +
         loinc +
         R"("}],"text":"lab"},"subject":{"reference":"Patient/bench-1"},"effectiveDateTime":"2026-0)" +
         std::to_string(1 + i % 9) + R"(-1)" + std::to_string(i % 9) +
         R"(T08:30:00Z","issued":"2026-01-01T10:00:00Z",)" + value + "}}";
}

std::string MedicationRequest(size_t i, const char* rxnorm, const char* status) {
  return R"({"resource":{"resourceType":"MedicationRequest","id":"mr-)" + std::to_string(i) +
         R"(","status":")" + status +
         R"(","intent":"order","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":")" +
         rxnorm +
         R"("}]},"subject":{"reference":"Patient/bench-1"},"authoredOn":"2025-06-01","dosageInstruction":[{"text":"1 tablet daily","timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":1,"unit":"tablet"}}]}]}})";
}

}  // namespace

std::string MakeOrderSelectRequest(size_t target_bytes, const std::vector<std::string>& null_keys) {
  std::string head =
      R"({"hook":"order-select","hookInstance":"0e1f2d3c-4b5a-4968-8776-a5b4c3d2e1f0","context":{"userId":"Practitioner/bench-pr","patientId":"bench-1","encounterId":"enc-1","selections":["MedicationRequest/rtx-1"],"draftOrders":{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"MedicationRequest","id":"rtx-1","status":"draft","intent":"order","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"2105831","display":"10 ML rituximab-abbs 10 MG/ML Injection [Truxima]"}]},"subject":{"reference":"Patient/bench-1"},"dosageInstruction":[{"doseAndRate":[{"doseQuantity":{"value":1000,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}]}}]}},"prefetch":{)";
  std::string serology =
      R"("hbvSerology":{"resourceType":"Bundle","type":"searchset","entry":[)" +
      Observation(
          1, "5196-1",
          R"("valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"260385009"}]})") +
      "," +
      Observation(
          2, "16933-4",
          R"("valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"260385009"}]})") +
      "," + Observation(3, "22322-2", R"("valueString":"negative")") + "]}";
  std::string igm =
      R"(,"igm":{"resourceType":"Bundle","type":"searchset","entry":[)" +
      Observation(
          4, "2472-9",
          R"("valueQuantity":{"value":250,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"})") +
      "]}";
  std::string statements = R"(,"medicationStatements":null)";
  for (const std::string& k : null_keys) {
    if (k != "hbvSerology" && k != "igm" && k != "medicationStatements" &&
        k != "medicationRequests") {
      statements += ",\"" + k + "\":null";
    }
  }
  // Medication orders pad the request: every entry is read by the prophylaxis rule.
  std::string meds =
      R"(,"medicationRequests":{"resourceType":"Bundle","type":"searchset","entry":[)";
  std::string tail = "]}}}";
  size_t fixed =
      head.size() + serology.size() + igm.size() + statements.size() + meds.size() + tail.size();
  std::string entries;
  const char* drugs[] = {"860975", "197361", "314076", "617993", "198211"};
  for (size_t i = 0; fixed + entries.size() < target_bytes; ++i) {
    if (!entries.empty()) entries += ",";
    entries += MedicationRequest(i, drugs[i % 5], i % 3 == 0 ? "active" : "completed");
  }
  return head + serology + igm + statements + meds + entries + tail;
}

}  // namespace cds::bench
