#include "fhir/bundle.h"

#include <string>
#include <utility>
#include <vector>

#include "tests/fhir/fhir_test_util.h"

namespace cds::fhir {
namespace {

using ::cds::fhir::testing::Json;
using ::testing::HasSubstr;
using ::testing::Not;

using Seen = std::vector<std::pair<std::string, std::string>>;  // (Key, fullUrl)

Seen Entries(const Bundle& b) {
  Seen seen;
  b.ForEachEntry([&](const json::Value& r, std::string_view full_url) {
    seen.emplace_back(ResourceView(r).Key(), std::string(full_url));
  });
  return seen;
}

TEST(BundleTest, ForEachEntrySkipsEntriesWithoutAResourceObject) {
  auto doc = Json(R"({"resourceType":"Bundle","type":"searchset","entry":[
    {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"1"}},
    {"resource":{"resourceType":"Observation","id":"2"}},
    {"fullUrl":"urn:uuid:3"},
    {"fullUrl":"urn:uuid:4","resource":"Patient/4"},
    {"fullUrl":7,"resource":{"resourceType":"Condition","id":"5"}},
    "junk", null,
    {"request":{"method":"GET","url":"Patient/6"}}
  ]})");
  Bundle b(*doc);
  EXPECT_EQ(b.type(), "searchset");
  EXPECT_EQ(Entries(b),
            (Seen{{"Patient/1", "urn:uuid:1"}, {"Observation/2", ""}, {"Condition/5", ""}}));
  EXPECT_EQ(b.EntryCount(), 8u);  // every entry, usable or not
}

TEST(BundleTest, NoEntriesAndNoType) {
  // draftOrders Bundles from real clients omit `type`.
  auto draft = Json(
      R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationRequest"}}]})");
  Bundle d(*draft);
  EXPECT_EQ(d.type(), "");
  EXPECT_EQ(d.EntryCount(), 1u);
  EXPECT_EQ(Entries(d), (Seen{{"MedicationRequest", ""}}));

  for (const char* shape :
       {R"({"resourceType":"Bundle"})", R"({"resourceType":"Bundle","entry":{}})",
        R"({"resourceType":"Bundle","entry":[]})", R"([])"}) {
    auto doc = Json(shape);
    Bundle b(*doc);
    EXPECT_EQ(b.EntryCount(), 0u) << shape;
    EXPECT_TRUE(Entries(b).empty()) << shape;
    EXPECT_FALSE(b.NextLink()) << shape;
  }
}

TEST(BundleTest, NextLink) {
  struct Row {
    const char* links;
    const char* want;  // nullptr: none
  } rows[] = {
      {R"([{"relation":"self","url":"https://h/fhir/Observation"},
           {"relation":"next","url":"https://h/fhir/Observation?page=2"}])",
       "https://h/fhir/Observation?page=2"},
      {R"([{"relation":"self","url":"https://h/fhir/Observation"}])", nullptr},
      {R"([{"relation":"next","url":""},{"relation":"next","url":"https://h/2"}])", "https://h/2"},
      {R"([{"relation":"next"}])", nullptr},
      {R"([{"relation":"next","url":5}])", nullptr},
      {R"([{"relation":"Next","url":"https://h/2"}])", nullptr},
      {R"([{"relation":"previous","url":"https://h/0"},"junk"])", nullptr},
      {R"({"relation":"next","url":"https://h/2"})", nullptr},
  };
  for (const Row& r : rows) {
    auto doc = Json(std::string(R"({"resourceType":"Bundle","link":)") + r.links + "}");
    auto next = Bundle(*doc).NextLink();
    if (r.want == nullptr) {
      EXPECT_FALSE(next) << r.links;
    } else {
      EXPECT_EQ(next, std::optional<std::string_view>(r.want)) << r.links;
    }
  }
}

TEST(OperationOutcomeTest, HasErrors) {
  struct Row {
    const char* issues;  // the `issue` member's JSON, or nullptr for none
    bool errors;
  } rows[] = {
      {R"([{"severity":"warning","code":"not-found"}])", false},
      {R"([{"severity":"information","code":"informational"}])", false},
      {R"([{"severity":"warning","code":"x"},{"severity":"information","code":"y"}])", false},
      {R"([{"severity":"error","code":"processing"}])", true},
      {R"([{"severity":"fatal","code":"exception"}])", true},
      {R"([{"severity":"warning","code":"x"},{"severity":"error","code":"y"}])", true},
      {R"([{"code":"x"}])", false},
      {R"([{"severity":"ERROR","code":"x"}])", false},
      // An outcome that carries no issues says nothing usable: treated as an error.
      {nullptr, true},
      {R"([])", true},
      {R"({"severity":"warning"})", true},
  };
  for (const Row& r : rows) {
    std::string s = R"({"resourceType":"OperationOutcome")";
    if (r.issues != nullptr) s += std::string(R"(,"issue":)") + r.issues;
    auto doc = Json(s + "}");
    EXPECT_EQ(OperationOutcome(*doc).HasErrors(), r.errors) << (r.issues ? r.issues : "(none)");
    EXPECT_EQ(IsErrorOutcome(*doc), r.errors);
  }
  // Only OperationOutcomes are error outcomes.
  auto patient = Json(R"({"resourceType":"Patient","issue":[{"severity":"error"}]})");
  EXPECT_FALSE(IsErrorOutcome(*patient));
}

TEST(OperationOutcomeTest, SummaryNeverIncludesDiagnosticsOrDetails) {
  auto doc = Json(R"({"resourceType":"OperationOutcome","issue":[
    {"severity":"error","code":"not-found","diagnostics":"Patient John Smith DOB 1970-01-01 not found",
     "details":{"text":"MRN 12345 unknown"},"expression":["Patient.name"]},
    {"severity":"warning","code":"processing","diagnostics":"SSN 123-45-6789"}]})");
  std::string summary = OperationOutcome(*doc).Summary();
  EXPECT_EQ(summary, "error/not-found, warning/processing");
  EXPECT_THAT(summary, Not(HasSubstr("John")));
  EXPECT_THAT(summary, Not(HasSubstr("12345")));
  EXPECT_THAT(summary, Not(HasSubstr("123-45")));
  EXPECT_THAT(summary, Not(HasSubstr("Patient.name")));
}

TEST(OperationOutcomeTest, SummaryShapes) {
  struct Row {
    const char* issues;
    const char* want;
  } rows[] = {
      {nullptr, "no issues"},
      {"[]", "no issues"},
      {R"([{}])", "?/?"},
      {R"([{"severity":"error"}])", "error/?"},
      {R"([{"severity":"e","code":"1"},{"severity":"e","code":"2"},{"severity":"e","code":"3"},
           {"severity":"e","code":"4"},{"severity":"e","code":"5"},{"severity":"e","code":"6"}])",
       "e/1, e/2, e/3, e/4, e/5"},  // at most five issues
  };
  for (const Row& r : rows) {
    std::string s = R"({"resourceType":"OperationOutcome")";
    if (r.issues != nullptr) s += std::string(R"(,"issue":)") + r.issues;
    auto doc = Json(s + "}");
    EXPECT_EQ(OperationOutcome(*doc).Summary(), r.want) << (r.issues ? r.issues : "(none)");
  }
  // Junk severities and codes are capped.
  std::string long_code(100, 'c');
  std::string long_sev(100, 's');
  auto junk = Json(R"({"resourceType":"OperationOutcome","issue":[{"severity":")" + long_sev +
                   R"(","code":")" + long_code + R"("}]})");
  EXPECT_EQ(OperationOutcome(*junk).Summary(), std::string(16, 's') + "/" + std::string(32, 'c'));
}

TEST(BundleRealSamplesTest, HL7Examples) {
  CDS_REQUIRE_SAMPLES();
  using ::cds::fhir::testing::LoadSample;
  auto search = LoadSample("hl7-r4-examples/bundle-example.json");
  Bundle b(*search);
  EXPECT_EQ(b.type(), "searchset");
  EXPECT_EQ(b.EntryCount(), 2u);
  EXPECT_EQ(b.NextLink(), std::optional<std::string_view>(
                              "https://example.com/base/MedicationRequest?patient=347&searchId="
                              "ff15fd40-ff71-4b48-b366-09c706bed9d0&page=2"));
  EXPECT_EQ(Entries(b),
            (Seen{{"MedicationRequest/3123", "https://example.com/base/MedicationRequest/3123"},
                  {"Medication/example", "https://example.com/base/Medication/example"}}));

  // A searchset whose only entry is a warning outcome: not an error.
  auto warning = LoadSample("hl7-r4-examples/bundle-search-warning.json");
  int outcomes = 0;
  Bundle(*warning).ForEachEntry([&](const json::Value& r, std::string_view) {
    if (IsResourceOfType(r, "OperationOutcome")) {
      ++outcomes;
      EXPECT_FALSE(IsErrorOutcome(r));
      EXPECT_EQ(OperationOutcome(r).Summary(), "warning/not-found");
    }
  });
  EXPECT_EQ(outcomes, 1);
  EXPECT_FALSE(Bundle(*warning).NextLink());

  struct Row {
    const char* file;
    bool errors;
    const char* summary;
    const char* secret;  // text from diagnostics/details that must not leak
  } rows[] = {
      {"operationoutcome-example.json", true, "error/code-invalid", "processGender"},
      {"operationoutcome-example-allok.json", false, "information/informational", "All OK"},
      {"operationoutcome-example-searchfail.json", true, "fatal/code-invalid", "modifier"},
      {"operationoutcome-example-exception.json", true, "error/exception", "SQL"},
      {"operationoutcome-example-break-the-glass.json", false, "information/suppressed", "Glass"},
  };
  for (const Row& r : rows) {
    auto doc = LoadSample(std::string("hl7-r4-examples/") + r.file);
    OperationOutcome oo(*doc);
    EXPECT_EQ(oo.HasErrors(), r.errors) << r.file;
    EXPECT_EQ(oo.Summary(), r.summary) << r.file;
    EXPECT_THAT(oo.Summary(), Not(HasSubstr(r.secret))) << r.file;
  }
}

}  // namespace
}  // namespace cds::fhir
