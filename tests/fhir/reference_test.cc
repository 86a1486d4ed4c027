#include "fhir/reference.h"

#include <string>

#include <gtest/gtest.h>

namespace cds::fhir {
namespace {

struct RefRow {
  const char* text;
  ReferenceKind kind;
  const char* type;
  const char* id;
};

class ParseReferenceTest : public ::testing::TestWithParam<RefRow> {};

TEST_P(ParseReferenceTest, Parses) {
  const RefRow& r = GetParam();
  ParsedReference p = ParseReference(r.text);
  EXPECT_EQ(p.kind, r.kind) << r.text;
  EXPECT_EQ(p.type, r.type) << r.text;
  EXPECT_EQ(p.id, r.id) << r.text;
  EXPECT_EQ(p.raw, r.text);
}

constexpr auto kContained = ReferenceKind::kContained;
constexpr auto kRelative = ReferenceKind::kRelative;
constexpr auto kAbsolute = ReferenceKind::kAbsolute;
constexpr auto kUrn = ReferenceKind::kUrn;
constexpr auto kInvalid = ReferenceKind::kInvalid;

INSTANTIATE_TEST_SUITE_P(
    Table, ParseReferenceTest,
    ::testing::Values(
        // Contained.
        RefRow{"#med1", kContained, "", "med1"}, RefRow{"#m", kContained, "", "m"},
        // Relative, with and without a version.
        RefRow{"Patient/123", kRelative, "Patient", "123"},
        RefRow{"Medication/med-0310.a", kRelative, "Medication", "med-0310.a"},
        RefRow{"Patient/123/_history/2", kRelative, "Patient", "123"},
        RefRow{"Patient/egICGav-o1PPZqCGJ02G0rZfgFquWZ3QQeahd8KF154c3", kRelative, "Patient",
               "egICGav-o1PPZqCGJ02G0rZfgFquWZ3QQeahd8KF154c3"},
        // Absolute http(s).
        RefRow{"https://ehr.example.org/fhir/R4/Medication/9", kAbsolute, "Medication", "9"},
        RefRow{"http://hapi.fhir.org/baseR4/Patient/abc/_history/3", kAbsolute, "Patient", "abc"},
        RefRow{"https://example.com/base/MedicationRequest/3123", kAbsolute, "MedicationRequest",
               "3123"},
        RefRow{"https://ehr/Patient/1", kAbsolute, "Patient", "1"},
        // urn:uuid / urn:oid (Bundle fullUrls).
        RefRow{"urn:uuid:e4531916-b162-4f4b-90c2-ce37e132b8d4", kUrn, "", ""},
        RefRow{"urn:oid:1.2.36.146.595.217.0.1", kUrn, "", ""},
        // Invalid shapes.
        RefRow{"", kInvalid, "", ""}, RefRow{"#", kInvalid, "", ""},
        RefRow{"123", kInvalid, "", ""}, RefRow{"Patient", kInvalid, "", ""},
        RefRow{"Patient/", kInvalid, "", ""}, RefRow{"/Patient/123", kInvalid, "", ""},
        RefRow{"patient/123", kInvalid, "", ""}, RefRow{"Patient/12 3", kInvalid, "", ""},
        RefRow{"Patient/123/extra", kInvalid, "", ""}, RefRow{"Patient/123?x=1", kInvalid, "", ""},
        RefRow{"Patient1/123", kInvalid, "", ""}, RefRow{"Patient/a_b", kInvalid, "", ""},
        RefRow{"https://ehr.example.org/fhir/R4", kInvalid, "", ""},
        RefRow{"https://ehr.example.org/fhir/Patient/1?x=y", kInvalid, "", ""},
        RefRow{"https://ehr.example.org/", kInvalid, "", ""},
        // The host is not a resource type: an absolute reference needs Type/id in its path.
        RefRow{"https://Patient/123", kInvalid, "", ""},
        RefRow{"http://Medication/9/_history/1", kInvalid, "", ""},
        RefRow{"ftp://ehr/Patient/1", kInvalid, "", ""}, RefRow{"urn:", kInvalid, "", ""},
        RefRow{"urn:uuid:", kInvalid, "", ""}, RefRow{"urn:isbn:0451450523", kInvalid, "", ""}));

TEST(IsFhirIdTest, LengthAndAlphabet) {
  EXPECT_TRUE(IsFhirId("a"));
  EXPECT_TRUE(IsFhirId("123"));
  EXPECT_TRUE(IsFhirId("A-b.9"));
  EXPECT_TRUE(IsFhirId(std::string(64, 'x')));
  EXPECT_FALSE(IsFhirId(std::string(65, 'x')));
  EXPECT_FALSE(IsFhirId(""));
  for (const char* bad : {"a b", "a_b", "a/b", "a#b", "a:b", "a%20", "\xC3\xA9", "a\nb", "a?b"}) {
    EXPECT_FALSE(IsFhirId(bad)) << bad;
  }
  EXPECT_FALSE(IsFhirId(std::string_view("a\0b", 3)));
}

TEST(IsResourceTypeNameTest, CapitalThenLetters) {
  EXPECT_TRUE(IsResourceTypeName("Patient"));
  EXPECT_TRUE(IsResourceTypeName("MedicationRequest"));
  EXPECT_TRUE(IsResourceTypeName("A"));
  EXPECT_FALSE(IsResourceTypeName(""));
  EXPECT_FALSE(IsResourceTypeName("patient"));
  EXPECT_FALSE(IsResourceTypeName("Patient1"));
  EXPECT_FALSE(IsResourceTypeName("Medication-Request"));
  EXPECT_FALSE(IsResourceTypeName("R4x"));
  EXPECT_FALSE(IsResourceTypeName(std::string(65, 'A')));
}

TEST(StripTypePrefixTest, Table) {
  struct Row {
    const char* value;
    const char* type;
    const char* want;
  } rows[] = {
      {"Patient/123", "Patient", "123"},
      {"123", "Patient", "123"},
      {"Patient/egICGav-o1PPZqCGJ02G0rZfgFquWZ3QQeahd8KF154c3", "Patient",
       "egICGav-o1PPZqCGJ02G0rZfgFquWZ3QQeahd8KF154c3"},
      {"Patient/", "Patient", ""},
      {"Patient", "Patient", "Patient"},  // a bare word is a valid id
      {"Observation/123", "Patient", ""},
      {"Patient/123/_history/1", "Patient", ""},
      {"patient/123", "Patient", ""},
      {"Patient//123", "Patient", ""},
      {"", "Patient", ""},
      {"Patient/a b", "Patient", ""},
      {"https://ehr/Patient/123", "Patient", ""},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(StripTypePrefix(r.value, r.type), r.want) << r.value;
  }
}

}  // namespace
}  // namespace cds::fhir
