// Builders shared by the dose rule tests (duloxetine-dose, tca-dose, midodrine-dose,
// rituximab-dose-check): dosage instructions written the ways EHRs write them, draft
// MedicationRequests that carry them, and a FHIR client fake that serves fixed reads.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "base/json.h"

#include "fhir/fhir_client.h"

#include "tests/support/hook_harness.h"

namespace cds::testing::dose {

// The dose rule `rule` answered `r` with no card (`indicator` empty), or with exactly one
// card of `indicator` whose summary contains `in_summary`.
inline void ExpectDoseCard(const HookResponse& r, std::string_view rule,
                           const std::string& indicator, const std::string& in_summary) {
  ASSERT_EQ(r.status, 200) << r.body;
  auto cards = r.Cards(rule);
  if (indicator.empty()) {
    EXPECT_TRUE(cards.empty()) << r.body;
    return;
  }
  ASSERT_EQ(cards.size(), 1u) << r.body;
  EXPECT_STREQ((*cards[0])["indicator"].GetString(), indicator.c_str());
  std::string summary = (*cards[0])["summary"].GetString();
  EXPECT_NE(summary.find(in_summary), std::string::npos) << summary;
}

// {"value":v,"unit":u,"system":UCUM,"code":u}
inline std::string Amount(double v, std::string_view unit = "mg") {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%.10g", v);
  return std::string(R"({"value":)") + buf + R"(,"unit":")" + std::string(unit) +
         R"(","system":"http://unitsofmeasure.org","code":")" + std::string(unit) + R"("})";
}

// Timings.
inline std::string Repeat(int frequency, double period, std::string_view unit) {
  char buf[128];
  std::snprintf(buf, sizeof(buf),
                R"("timing":{"repeat":{"frequency":%d,"period":%g,"periodUnit":"%s"}})", frequency,
                period, std::string(unit).c_str());
  return buf;
}
inline std::string TimesADay(int n) { return Repeat(n, 1, "d"); }
inline std::string Code(std::string_view code) {
  return R"("timing":{"code":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation","code":")" +
         std::string(code) + R"("}]}})";
}
inline std::string When(std::string_view events) {  // When("\"HS\"")
  return R"("timing":{"repeat":{"when":[)" + std::string(events) + "]}}";
}

// Doses.
inline std::string DoseArray(const std::string& quantity) {
  return R"("doseAndRate":[{"doseQuantity":)" + quantity + "}]";
}
inline std::string DoseObject(const std::string& quantity) {
  return R"("doseAndRate":{"doseQuantity":)" + quantity + "}";
}
inline std::string Stu3Dose(const std::string& quantity) { return R"("doseQuantity":)" + quantity; }
inline std::string DoseRange(const std::string& low, const std::string& high) {
  return R"("doseAndRate":[{"doseRange":{"low":)" + low + R"(,"high":)" + high + "}}]";
}
inline std::string Tablets(int n) {
  return R"("doseAndRate":[{"doseQuantity":{"value":)" + std::to_string(n) +
         R"(,"unit":"capsule","system":"http://unitsofmeasure.org","code":"{capsule}"}}])";
}

// One dosageInstruction from its members, joined by commas.
inline std::string Instr(const std::vector<std::string>& members) {
  std::string s = "{";
  for (size_t i = 0; i < members.size(); ++i) s += (i ? "," : "") + members[i];
  return s + "}";
}
inline std::string Mg(double mg, const std::string& timing) {
  return Instr({DoseArray(Amount(mg)), timing});
}

// A draft MedicationRequest for RxNorm `rxnorm` with these dosage instructions.
inline std::string Draft(std::string_view id, std::string_view rxnorm,
                         const std::vector<std::string>& instructions) {
  std::string list;
  for (size_t i = 0; i < instructions.size(); ++i) list += (i ? "," : "") + instructions[i];
  return RxMedicationRequest(id, rxnorm, "draft", "", R"("dosageInstruction":[)" + list + "]");
}
inline std::string Draft(std::string_view id, std::string_view rxnorm,
                         const std::string& instruction) {
  return Draft(id, rxnorm, std::vector<std::string>{instruction});
}

// A draft MedicationRequest naming its drug through medicationReference `reference`,
// with `contained` (a JSON array body, may be empty) and one dosage instruction.
inline std::string DraftByReference(std::string_view id, std::string_view reference,
                                    const std::string& instruction,
                                    const std::string& contained = "") {
  std::string m = R"({"resourceType":"MedicationRequest","id":")" + std::string(id) +
                  R"(","status":"draft","intent":"order","subject":{"reference":"Patient/p1"},)";
  if (!contained.empty()) m += R"("contained":[)" + contained + "],";
  return m + R"("medicationReference":{"reference":")" + std::string(reference) +
         R"("},"dosageInstruction":[)" + instruction + "]}";
}
inline std::string RxMedication(std::string_view id, std::string_view rxnorm) {
  return R"({"resourceType":"Medication","id":")" + std::string(id) +
         R"(","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":")" +
         std::string(rxnorm) + R"("}]}})";
}

// Serves fixed bodies by URL suffix ("Medication/m9", "Observation?"); any other URL is 404.
class FakeFhirClient : public fhir::FhirClient {
 public:
  explicit FakeFhirClient(std::map<std::string, std::string> bodies) : bodies_(std::move(bodies)) {}
  std::vector<fhir::FhirResponse> FetchAll(const fhir::FhirServerAccess&,
                                           const std::vector<std::string>& urls,
                                           fhir::Deadline) override {
    std::vector<fhir::FhirResponse> out(urls.size());
    for (size_t i = 0; i < urls.size(); ++i) {
      out[i].status = NotFoundError("not served");
      for (const auto& [suffix, body] : bodies_) {
        if (urls[i].find(suffix) == std::string::npos) continue;
        auto doc = json::ParseJson(body, json::JsonLimits{});
        out[i].status = doc.ok() ? OkStatus() : doc.status();
        if (doc.ok()) out[i].pages.push_back(std::move(doc).value());
      }
    }
    return out;
  }
  bool IsAllowed(const std::string&) const override { return true; }

 private:
  std::map<std::string, std::string> bodies_;
};

}  // namespace cds::testing::dose
