#include "fhir/resource_index.h"

#include <filesystem>
#include <string>
#include <vector>

#include "fhir/bundle.h"
#include "fhir/medication.h"
#include "fhir/resource.h"

#include "tests/fhir/fhir_test_util.h"

namespace cds::fhir {
namespace {

using ::cds::fhir::testing::Json;
using ::cds::fhir::testing::LoadSample;

std::string_view NoteOf(const json::Value* v) {
  return v == nullptr ? "(null)" : json::GetString(*v, "note").value_or("");
}

class ResourceIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bundle_ = Json(R"({"resourceType":"Bundle","type":"collection","entry":[
      {"fullUrl":"urn:uuid:5bdf95d0-24a6-4024-95f5-d546fb479b00",
       "resource":{"resourceType":"Medication","id":"med-a","note":"by uuid"}},
      {"fullUrl":"https://ehr.example.org/fhir/Medication/med-b",
       "resource":{"resourceType":"Medication","id":"med-b","note":"absolute"}},
      {"resource":{"resourceType":"Patient","id":"p1","note":"first patient"}},
      {"resource":{"resourceType":"Patient","id":"p1","note":"duplicate patient"}},
      {"fullUrl":"urn:uuid:5bdf95d0-24a6-4024-95f5-d546fb479b00",
       "resource":{"resourceType":"Medication","id":"med-c","note":"duplicate fullUrl"}},
      {"resource":{"resourceType":"MedicationRequest","id":"rx1",
        "contained":[{"resourceType":"Medication","id":"m1","note":"contained"}],
        "medicationReference":{"reference":"#m1"}}},
      {"resource":{"resourceType":"Observation","note":"no id"}},
      {"fullUrl":"urn:uuid:no-type","resource":{"id":"x","note":"no type"}}
    ]})");
    index_.AddBundle(*bundle_);
    rx_ = index_.Find("MedicationRequest", "rx1");
  }

  std::unique_ptr<json::Document> bundle_;
  ResourceIndex index_;
  const json::Value* rx_ = nullptr;
};

TEST_F(ResourceIndexTest, FindByTypeAndId) {
  ASSERT_NE(rx_, nullptr);
  EXPECT_EQ(NoteOf(index_.Find("Medication", "med-a")), "by uuid");
  EXPECT_EQ(NoteOf(index_.Find("Medication", "med-b")), "absolute");
  EXPECT_EQ(NoteOf(index_.Find("Medication", "med-c")), "duplicate fullUrl");
  EXPECT_EQ(index_.Find("Medication", "m1"), nullptr);  // contained resources are not global
  EXPECT_EQ(index_.Find("Patient", "p2"), nullptr);
  EXPECT_EQ(index_.Find("patient", "p1"), nullptr);
  EXPECT_EQ(index_.Find("", "x"), nullptr);
  // med-a, med-b, p1, med-c, rx1 ("Observation" without id and the typeless entry are not keyed).
  EXPECT_EQ(index_.size(), 5u);
}

TEST_F(ResourceIndexTest, FirstWinsOnDuplicateKeys) {
  EXPECT_EQ(NoteOf(index_.Find("Patient", "p1")), "first patient");
  EXPECT_EQ(NoteOf(index_.Resolve(*rx_, "urn:uuid:5bdf95d0-24a6-4024-95f5-d546fb479b00")),
            "by uuid");
}

TEST_F(ResourceIndexTest, Resolve) {
  ASSERT_NE(rx_, nullptr);
  struct Row {
    const char* reference;
    const char* note;  // "(null)" when unresolved
  } rows[] = {
      {"#m1", "contained"},
      {"urn:uuid:5bdf95d0-24a6-4024-95f5-d546fb479b00", "by uuid"},
      {"urn:uuid:no-type", "no type"},
      {"https://ehr.example.org/fhir/Medication/med-b", "absolute"},
      {"Medication/med-a", "by uuid"},
      {"Medication/med-b", "absolute"},
      {"Medication/med-b/_history/3", "absolute"},
      {"Patient/p1", "first patient"},
      // An absolute URL not seen as a fullUrl still resolves by its Type/id.
      {"https://other.example.org/fhir/Patient/p1", "first patient"},
      {"#m2", "(null)"},
      {"#", "(null)"},
      {"", "(null)"},
      {"urn:uuid:00000000-0000-0000-0000-000000000000", "(null)"},
      {"Medication/m1", "(null)"},  // contained ids are local to their container
      {"Patient/p2", "(null)"},
      {"p1", "(null)"},
      {"Patient/p1?x", "(null)"},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(NoteOf(index_.Resolve(*rx_, r.reference)), r.note) << r.reference;
  }
  // "#m1" is resolved against the referring resource, not the whole request.
  const json::Value* patient = index_.Find("Patient", "p1");
  ASSERT_NE(patient, nullptr);
  EXPECT_EQ(index_.Resolve(*patient, "#m1"), nullptr);
}

TEST(ResourceIndexAddTest, AddWithAndWithoutFullUrl) {
  auto a = Json(R"({"resourceType":"Patient","id":"1","note":"a"})");
  auto b = Json(R"({"resourceType":"Patient","id":"1","note":"b"})");
  auto c = Json(R"({"resourceType":"Practitioner","id":"2","note":"c"})");
  ResourceIndex index;
  index.Add(*a);
  index.Add(*b, "urn:uuid:b");
  index.Add(*c, "https://ehr/fhir/Practitioner/2");
  EXPECT_EQ(NoteOf(index.Find("Patient", "1")), "a");
  EXPECT_EQ(NoteOf(index.Resolve(*c, "urn:uuid:b")), "b");  // the fullUrl still finds b
  EXPECT_EQ(NoteOf(index.Resolve(*c, "https://ehr/fhir/Practitioner/2")), "c");
  EXPECT_EQ(index.size(), 2u);
}

TEST(ResourceIndexAddTest, NestedBundlesInDocumentOrder) {
  // A batch-response: the outer bundle holds search results as nested bundles. Entries are
  // indexed in document order, so the first occurrence of a key wins across nested bundles.
  auto doc = Json(R"({"resourceType":"Bundle","type":"batch-response","entry":[
    {"resource":{"resourceType":"Bundle","id":"b1","type":"searchset","entry":[
      {"fullUrl":"https://ehr/fhir/Medication/m","resource":{"resourceType":"Medication","id":"m","note":"first nested"}},
      {"resource":{"resourceType":"Bundle","id":"b1a","entry":[
        {"resource":{"resourceType":"Condition","id":"c","note":"deep first"}}]}}]}},
    {"resource":{"resourceType":"Bundle","id":"b2","type":"searchset","entry":[
      {"fullUrl":"https://ehr/fhir/Medication/m","resource":{"resourceType":"Medication","id":"m","note":"second nested"}},
      {"resource":{"resourceType":"Condition","id":"c","note":"shallow second"}},
      {"resource":{"resourceType":"Observation","id":"o","note":"only in b2"}}]}},
    {"resource":{"resourceType":"Patient","id":"p","note":"outer"}}
  ]})");
  ResourceIndex index;
  index.AddBundle(*doc);
  EXPECT_EQ(NoteOf(index.Find("Medication", "m")), "first nested");
  EXPECT_EQ(NoteOf(index.Resolve(*doc, "https://ehr/fhir/Medication/m")), "first nested");
  EXPECT_EQ(NoteOf(index.Find("Condition", "c")), "deep first");
  EXPECT_EQ(NoteOf(index.Find("Observation", "o")), "only in b2");
  EXPECT_EQ(NoteOf(index.Find("Patient", "p")), "outer");
  EXPECT_NE(index.Find("Bundle", "b1"), nullptr);  // nested bundles are resources too
  EXPECT_NE(index.Find("Bundle", "b1a"), nullptr);
  EXPECT_EQ(index.size(), 7u);
}

TEST(ResourceIndexAddTest, DeeplyNestedBundlesDoNotRecurse) {
  // 20 levels of bundle-in-bundle (3 JSON levels each: bundle, entry array, entry object),
  // just inside the default depth limit of 64; each level also holds one Patient.
  std::string json;
  const int kLevels = 20;
  for (int i = 0; i < kLevels; ++i) {
    json += R"({"resourceType":"Bundle","id":"b)" + std::to_string(i) +
            R"(","entry":[{"resource":{"resourceType":"Patient","id":"p)" + std::to_string(i) +
            R"("}},{"resource":)";
  }
  json += R"({"resourceType":"Patient","id":"leaf"})";
  for (int i = 0; i < kLevels; ++i) json += "}]}";
  auto doc = Json(json);
  ResourceIndex index;
  index.AddBundle(*doc);
  EXPECT_NE(index.Find("Patient", "leaf"), nullptr);
  EXPECT_NE(index.Find("Patient", "p0"), nullptr);
  EXPECT_NE(index.Find("Patient", "p19"), nullptr);
  EXPECT_NE(index.Find("Bundle", "b19"), nullptr);
}

TEST(ResourceIndexAddTest, NonBundlesAreHarmless) {
  auto doc = Json(
      R"({"resourceType":"Patient","id":"1","entry":[{"resource":{"resourceType":"Patient","id":"2"}}]})");
  ResourceIndex index;
  index.AddBundle(*doc);  // walks `entry` whatever the type says; only entries are added
  EXPECT_EQ(index.Find("Patient", "1"), nullptr);
  auto arr = Json("[1,2]");
  index.AddBundle(*arr);
  index.Add(*arr);
  EXPECT_EQ(index.Resolve(*arr, "#x"), nullptr);
}

TEST(ResourceIndexRealSamplesTest, ContainedMedication) {
  CDS_REQUIRE_SAMPLES();
  for (const char* file : {"medicationrequest0301.json", "medicationrequest0302.json",
                           "medicationrequest0306.json", "medicationrequest0339.json"}) {
    auto doc = LoadSample(std::string("hl7-r4-examples/") + file);
    MedicationRequest rx(*doc);
    ResourceIndex index;
    index.Add(*doc);
    EXPECT_EQ(index.Find("MedicationRequest", rx.id()), doc.get()) << file;
    const json::Value* med = index.Resolve(*doc, rx.medication_reference());
    ASSERT_NE(med, nullptr) << file;
    EXPECT_TRUE(IsResourceOfType(*med, "Medication")) << file;
    EXPECT_EQ("#" + std::string(ResourceView(*med).id()), rx.medication_reference()) << file;
  }
}

TEST(ResourceIndexRealSamplesTest, SearchsetAndBatchResponse) {
  CDS_REQUIRE_SAMPLES();
  auto search = LoadSample("hl7-r4-examples/bundle-example.json");
  ResourceIndex index;
  index.AddBundle(*search);
  const json::Value* rx = index.Find("MedicationRequest", "3123");
  ASSERT_NE(rx, nullptr);
  const json::Value* med = index.Resolve(*rx, MedicationRequest(*rx).medication_reference());
  ASSERT_NE(med, nullptr);  // "Medication/example" found through its Type/id
  EXPECT_EQ(ResourceView(*med).id(), "example");
  EXPECT_EQ(index.Resolve(*rx, "https://example.com/base/Medication/example"), med);

  auto batch = LoadSample("hl7-r4-examples/bundle-response-simplesummary.json");
  ResourceIndex batch_index;
  batch_index.AddBundle(*batch);
  EXPECT_NE(batch_index.Find("Patient", "example"), nullptr);
  // Every nested searchset's resources are reachable.
  size_t nested = 0;
  Bundle(*batch).ForEachEntry([&](const json::Value& r, std::string_view) {
    if (!IsResourceOfType(r, "Bundle")) return;
    Bundle(r).ForEachEntry([&](const json::Value& inner, std::string_view) {
      ResourceView v(inner);
      if (v.id().empty()) return;
      ++nested;
      EXPECT_NE(batch_index.Find(v.resource_type(), v.id()), nullptr) << v.Key();
    });
  });
  EXPECT_EQ(nested, 4u);
  const json::Value* stroke =
      batch_index.Resolve(*batch, "http://local.fhir.org:960/r4/Condition/stroke");
  ASSERT_NE(stroke, nullptr);
  EXPECT_EQ(stroke, batch_index.Find("Condition", "stroke"));
}

TEST(ResourceIndexRealSamplesTest, SyntheaBundle) {
  CDS_REQUIRE_SAMPLES();
  const std::string file = "synthea/sod-Buster_Hoeger_ad2e3fc5-2b5d-4cb9-8d03-9ea0f4ac8423.json";
  auto doc = LoadSample(file);
  Bundle bundle(*doc);
  ASSERT_EQ(bundle.type(), "transaction");
  ResourceIndex index;
  index.AddBundle(*doc);
  EXPECT_EQ(index.size(), bundle.EntryCount());  // every resource, none dropped

  // Every entry is reachable by its fullUrl and by Type/id; every urn:uuid reference made
  // by a subject/patient/encounter member resolves to an entry of the expected type.
  size_t entries = 0, references = 0;
  bundle.ForEachEntry([&](const json::Value& r, std::string_view full_url) {
    ++entries;
    ResourceView v(r);
    ASSERT_EQ(full_url.substr(0, 9), "urn:uuid:") << v.Key();
    EXPECT_EQ(index.Resolve(r, full_url), &r) << full_url;
    EXPECT_EQ(index.Find(v.resource_type(), v.id()), &r) << v.Key();
    for (const char* member : {"subject", "patient"}) {
      std::string_view ref = v.ReferenceOf(member);
      if (ref.empty()) continue;
      ++references;
      const json::Value* target = index.Resolve(r, ref);
      ASSERT_NE(target, nullptr) << v.Key() << "." << member << " -> " << ref;
      EXPECT_TRUE(IsResourceOfType(*target, "Patient")) << ref;
    }
    if (std::string_view enc = v.ReferenceOf("encounter"); !enc.empty()) {
      ++references;
      const json::Value* target = index.Resolve(r, enc);
      ASSERT_NE(target, nullptr) << v.Key() << ".encounter -> " << enc;
      EXPECT_TRUE(IsResourceOfType(*target, "Encounter")) << enc;
    }
  });
  EXPECT_EQ(entries, 66u);
  EXPECT_GT(references, 100u);
  const json::Value* patient = index.Resolve(*doc, "urn:uuid:e4531916-b162-4f4b-90c2-ce37e132b8d4");
  ASSERT_NE(patient, nullptr);
  EXPECT_TRUE(IsResourceOfType(*patient, "Patient"));
  EXPECT_EQ(index.Find("Patient", "e4531916-b162-4f4b-90c2-ce37e132b8d4"), patient);
}

TEST(ResourceIndexRealSamplesTest, EverySyntheaBundleIndexesEveryResource) {
  CDS_REQUIRE_SAMPLES();
  size_t files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(::cds::fhir::testing::SamplesDir() + "/synthea")) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    auto doc = LoadSample("synthea/" + entry.path().filename().string());
    Bundle bundle(*doc);
    ResourceIndex index;
    index.AddBundle(*doc);
    EXPECT_EQ(index.size(), bundle.EntryCount()) << entry.path();
    size_t unresolved = 0;
    bundle.ForEachEntry([&](const json::Value& r, std::string_view full_url) {
      if (index.Resolve(r, full_url) != &r) ++unresolved;
      std::string_view subject = ResourceView(r).ReferenceOf("subject");
      if (subject.substr(0, 9) == "urn:uuid:" && index.Resolve(r, subject) == nullptr) {
        ++unresolved;
      }
    });
    EXPECT_EQ(unresolved, 0u) << entry.path();
  }
  EXPECT_GT(files, 0u);
}

}  // namespace
}  // namespace cds::fhir
