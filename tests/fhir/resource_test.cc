#include "fhir/resource.h"

#include "tests/fhir/fhir_test_util.h"

namespace cds::fhir {
namespace {

using ::cds::fhir::testing::Json;

TEST(ResourceViewTest, TypeIdAndKey) {
  auto doc = Json(R"({"resourceType":"Patient","id":"123"})");
  ResourceView v(*doc);
  EXPECT_EQ(v.resource_type(), "Patient");
  EXPECT_EQ(v.id(), "123");
  EXPECT_EQ(v.Key(), "Patient/123");
  EXPECT_EQ(&v.json(), doc.get());

  auto draft = Json(R"({"resourceType":"MedicationRequest"})");
  EXPECT_EQ(ResourceView(*draft).Key(), "MedicationRequest");
  EXPECT_EQ(ResourceView(*draft).id(), "");

  auto mistyped = Json(R"({"resourceType":7,"id":["x"]})");
  EXPECT_EQ(ResourceView(*mistyped).resource_type(), "");
  EXPECT_EQ(ResourceView(*mistyped).id(), "");
  EXPECT_EQ(ResourceView(*mistyped).Key(), "");

  auto not_object = Json(R"("Patient")");
  EXPECT_EQ(ResourceView(*not_object).resource_type(), "");
}

TEST(ResourceViewTest, FindContained) {
  auto doc = Json(R"({"resourceType":"MedicationRequest","id":"rx",
    "contained":[{"resourceType":"Medication","id":"m1"},"junk",{"id":"m2"},
                 {"resourceType":"Medication","id":"m1","note":"second"}]})");
  ResourceView v(*doc);
  const json::Value* m1 = v.FindContained("m1");
  ASSERT_NE(m1, nullptr);
  EXPECT_EQ(json::GetString(*m1, "note"), std::nullopt);  // the first one
  EXPECT_NE(v.FindContained("m2"), nullptr);
  EXPECT_EQ(v.FindContained("#m1"), nullptr);  // callers strip '#'
  EXPECT_EQ(v.FindContained("m3"), nullptr);
  EXPECT_EQ(v.FindContained(""), nullptr);

  auto no_contained = Json(R"({"resourceType":"MedicationRequest","contained":{"id":"m1"}})");
  EXPECT_EQ(ResourceView(*no_contained).FindContained("m1"), nullptr);
}

TEST(ResourceViewTest, ReferenceOf) {
  auto doc = Json(R"({"subject":{"reference":"Patient/1","display":"x"},
    "medicationReference":{"display":"no reference"},"performer":"Practitioner/1",
    "encounter":{"reference":5}})");
  ResourceView v(*doc);
  EXPECT_EQ(v.ReferenceOf("subject"), "Patient/1");
  EXPECT_EQ(v.ReferenceOf("medicationReference"), "");
  EXPECT_EQ(v.ReferenceOf("performer"), "");
  EXPECT_EQ(v.ReferenceOf("encounter"), "");
  EXPECT_EQ(v.ReferenceOf("missing"), "");
}

TEST(IsResourceOfTypeTest, Table) {
  auto patient = Json(R"({"resourceType":"Patient"})");
  EXPECT_TRUE(IsResourceOfType(*patient, "Patient"));
  EXPECT_FALSE(IsResourceOfType(*patient, "patient"));
  EXPECT_FALSE(IsResourceOfType(*patient, "Bundle"));
  auto none = Json(R"({"type":"Patient"})");
  EXPECT_FALSE(IsResourceOfType(*none, "Patient"));
  EXPECT_FALSE(IsResourceOfType(*none, ""));
  auto arr = Json(R"(["Patient"])");
  EXPECT_FALSE(IsResourceOfType(*arr, "Patient"));
}

}  // namespace
}  // namespace cds::fhir
