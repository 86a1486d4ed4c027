#include "fhir/medication.h"

#include <cstdint>
#include <string>

#include "fhir/coding.h"
#include "fhir/resource_index.h"

#include "tests/fhir/fhir_test_util.h"

namespace cds::fhir {
namespace {

using ::cds::fhir::testing::Json;
using ::cds::fhir::testing::Utc;

TEST(MedicationRequestTest, StatusIntentAndDrug) {
  struct Row {
    const char* status;
    bool active_or_on_hold;
  } rows[] = {{"active", true},
              {"on-hold", true},
              {"draft", false},
              {"completed", false},
              {"stopped", false},
              {"cancelled", false},
              {"entered-in-error", false},
              {"unknown", false},
              {"", false}};
  for (const Row& r : rows) {
    auto doc = Json(std::string(R"({"resourceType":"MedicationRequest","status":")") + r.status +
                    R"(","intent":"order"})");
    MedicationRequest m(*doc);
    EXPECT_EQ(m.IsActiveOrOnHold(), r.active_or_on_hold) << r.status;
    EXPECT_EQ(m.status(), r.status);
    EXPECT_EQ(m.intent(), "order");
  }

  auto inline_drug = Json(R"({"resourceType":"MedicationRequest","status":"draft",
    "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"187832"}]},
    "authoredOn":"2024-05-17","dosageInstruction":[{"text":"75 mg twice daily"}]})");
  MedicationRequest m(*inline_drug);
  ASSERT_NE(m.medication_concept(), nullptr);
  EXPECT_EQ(m.medication_reference(), "");
  ASSERT_TRUE(m.AuthoredOn());
  EXPECT_EQ(m.AuthoredOn()->begin, Utc(2024, 5, 17));
  ASSERT_NE(m.dosage_instructions(), nullptr);
  EXPECT_EQ(m.dosage_instructions()->Size(), 1u);

  auto by_reference = Json(R"({"resourceType":"MedicationRequest",
    "medicationReference":{"reference":"#med1"},"dosageInstruction":{"text":"STU3 object"}})");
  MedicationRequest r(*by_reference);
  EXPECT_EQ(r.medication_concept(), nullptr);
  EXPECT_EQ(r.medication_reference(), "#med1");
  EXPECT_EQ(r.dosage_instructions(), nullptr);
  EXPECT_FALSE(r.AuthoredOn());
  EXPECT_EQ(r.intent(), "");
}

TEST(MedicationStatementTest, IsCurrent) {
  struct Row {
    const char* status;
    bool current;
  } rows[] = {
      {"active", true},   {"intended", true},   {"on-hold", true},           {"completed", false},
      {"stopped", false}, {"not-taken", false}, {"entered-in-error", false}, {"unknown", false}};
  for (const Row& r : rows) {
    auto doc = Json(std::string(R"({"resourceType":"MedicationStatement","status":")") + r.status +
                    R"("})");
    EXPECT_EQ(MedicationStatement(*doc).IsCurrent(), r.current) << r.status;
  }
}

struct EffectiveRow {
  std::string members;
  bool present;
  EpochMillis begin;
  EpochMillis end;
};

TEST(MedicationStatementTest, Effective) {
  EffectiveRow rows[] = {
      {R"("effectiveDateTime":"2024-05-17")", true, Utc(2024, 5, 17), Utc(2024, 5, 18)},
      {R"("effectivePeriod":{"start":"2024-01-01","end":"2024-03-31"})", true, Utc(2024, 1, 1),
       Utc(2024, 4, 1)},
      // Open-ended: still taking it.
      {R"("effectivePeriod":{"start":"2024-01-01"})", true, Utc(2024, 1, 1), INT64_MAX},
      {R"("effectivePeriod":{"end":"2024-03-31"})", true, Utc(2024, 3, 31), Utc(2024, 4, 1)},
      // dateAsserted is the statement's fallback.
      {R"("dateAsserted":"2024-06-01")", true, Utc(2024, 6, 1), Utc(2024, 6, 2)},
      {R"("effectiveDateTime":"bad","dateAsserted":"2024-06-01")", true, Utc(2024, 6, 1),
       Utc(2024, 6, 2)},
      {R"("effectiveDateTime":"2024-05-17","dateAsserted":"2024-06-01")", true, Utc(2024, 5, 17),
       Utc(2024, 5, 18)},
      {"", false, 0, 0},
  };
  for (const EffectiveRow& r : rows) {
    std::string s = R"({"resourceType":"MedicationStatement","status":"active")";
    if (!r.members.empty()) s += "," + r.members;
    auto doc = Json(s + "}");
    auto t = MedicationStatement(*doc).Effective();
    ASSERT_EQ(t.has_value(), r.present) << r.members;
    if (!t) continue;
    EXPECT_EQ(t->begin, r.begin) << r.members;
    EXPECT_EQ(t->end, r.end) << r.members;
  }
}

TEST(MedicationAdministrationTest, DoneAndEffective) {
  struct Row {
    const char* status;
    bool done;
  } rows[] = {{"completed", true}, {"in-progress", true}, {"not-done", false},
              {"on-hold", false},  {"stopped", false},    {"entered-in-error", false}};
  for (const Row& r : rows) {
    auto doc = Json(std::string(R"({"resourceType":"MedicationAdministration","status":")") +
                    r.status + R"("})");
    EXPECT_EQ(MedicationAdministration(*doc).IsDone(), r.done) << r.status;
  }
  EffectiveRow eff[] = {
      {R"("effectiveDateTime":"2024-05-17T10:00:00Z")", true, Utc(2024, 5, 17, 10),
       Utc(2024, 5, 17, 10) + 1},
      {R"("effectivePeriod":{"start":"2024-05-17T10:00:00Z","end":"2024-05-17T11:00:00Z"})", true,
       Utc(2024, 5, 17, 10), Utc(2024, 5, 17, 11) + 1},
      {R"("effectivePeriod":{"start":"2024-05-17T10:00:00Z"})", true, Utc(2024, 5, 17, 10),
       INT64_MAX},
      // No dateAsserted fallback for administrations.
      {R"("dateAsserted":"2024-06-01")", false, 0, 0},
  };
  for (const EffectiveRow& r : eff) {
    auto doc = Json(R"({"resourceType":"MedicationAdministration",)" + r.members + "}");
    auto t = MedicationAdministration(*doc).Effective();
    ASSERT_EQ(t.has_value(), r.present) << r.members;
    if (!t) continue;
    EXPECT_EQ(t->begin, r.begin) << r.members;
    EXPECT_EQ(t->end, r.end) << r.members;
  }
}

TEST(MedicationTest, CodeAndIngredients) {
  auto doc = Json(R"({"resourceType":"Medication","id":"m",
    "code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1657862"}]},
    "ingredient":[{"itemCodeableConcept":{"text":"rituximab"}},{"itemReference":{"reference":"Substance/1"}}]})");
  Medication m(*doc);
  ASSERT_NE(m.code(), nullptr);
  ASSERT_NE(m.ingredients(), nullptr);
  EXPECT_EQ(m.ingredients()->Size(), 2u);
  auto bare = Json(R"({"resourceType":"Medication"})");
  EXPECT_EQ(Medication(*bare).code(), nullptr);
  EXPECT_EQ(Medication(*bare).ingredients(), nullptr);
}

TEST(MedicationRealSamplesTest, ContainedMedicationsResolve) {
  CDS_REQUIRE_SAMPLES();
  using ::cds::fhir::testing::LoadSample;
  struct Row {
    const char* file;
    const char* status;
    const char* reference;  // "" for an inline code
    const char* drug_code;  // the first coding of the resolved or inline drug
  } rows[] = {
      {"medicationrequest0301.json", "completed", "#med0310", "430127000"},
      {"medicationrequest0302.json", "active", "#med0320", nullptr},
      {"medicationrequest0308.json", "completed", "", "856907"},
      {"medicationrequest0325.json", "on-hold", "", "884308"},
      {"medicationrequest0332.json", "active", "#med03499", nullptr},
  };
  for (const Row& r : rows) {
    auto doc = LoadSample(std::string("hl7-r4-examples/") + r.file);
    MedicationRequest m(*doc);
    EXPECT_EQ(m.status(), r.status) << r.file;
    EXPECT_EQ(m.IsActiveOrOnHold(),
              std::string(r.status) == "active" || std::string(r.status) == "on-hold");
    EXPECT_EQ(m.medication_reference(), r.reference) << r.file;
    ASSERT_TRUE(m.AuthoredOn()) << r.file;
    EXPECT_EQ(m.AuthoredOn()->ToString(), "2015-01-15");
    const json::Value* drug = m.medication_concept();
    if (*r.reference != '\0') {
      EXPECT_EQ(drug, nullptr) << r.file;
      ResourceIndex index;
      const json::Value* med = index.Resolve(*doc, m.medication_reference());
      ASSERT_NE(med, nullptr) << r.file;
      EXPECT_TRUE(IsResourceOfType(*med, "Medication")) << r.file;
      drug = Medication(*med).code();
    }
    ASSERT_NE(drug, nullptr) << r.file;
    if (r.drug_code != nullptr) {
      std::string first;
      ForEachCoding(*drug, [&](const CodingView& c) {
        if (first.empty()) first = std::string(c.code);
      });
      EXPECT_EQ(first, r.drug_code) << r.file;
    }
  }
}

TEST(MedicationRealSamplesTest, StatementExamples) {
  CDS_REQUIRE_SAMPLES();
  for (int i = 1; i <= 7; ++i) {
    auto doc = ::cds::fhir::testing::LoadSample("hl7-r4-examples/medicationstatementexample" +
                                                std::to_string(i) + ".json");
    MedicationStatement s(*doc);
    EXPECT_EQ(s.resource_type(), "MedicationStatement");
    // Every example names its drug one way or the other.
    EXPECT_TRUE(s.medication_concept() != nullptr || !s.medication_reference().empty()) << i;
  }
}

}  // namespace
}  // namespace cds::fhir
