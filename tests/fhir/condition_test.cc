#include "fhir/condition.h"

#include <string>

#include "tests/fhir/fhir_test_util.h"

namespace cds::fhir {
namespace {

using ::cds::fhir::testing::Json;
using ::cds::fhir::testing::Utc;

constexpr char kClinicalSystem[] = "http://terminology.hl7.org/CodeSystem/condition-clinical";
constexpr char kVerificationSystem[] = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

std::string Status(const char* member, const char* system, const char* code) {
  return std::string("\"") + member + R"(":{"coding":[{"system":")" + system + R"(","code":")" +
         code + R"("}]})";
}
std::string Clinical(const char* code) { return Status("clinicalStatus", kClinicalSystem, code); }
std::string Verification(const char* code) {
  return Status("verificationStatus", kVerificationSystem, code);
}

std::unique_ptr<json::Document> Cond(const std::string& members) {
  std::string s = R"({"resourceType":"Condition","id":"c1")";
  if (!members.empty()) s += "," + members;
  return Json(s + "}");
}

struct CurrentRow {
  std::string members;
  bool current;
};

class IsCurrentTest : public ::testing::TestWithParam<CurrentRow> {};

TEST_P(IsCurrentTest, Decides) {
  auto doc = Cond(GetParam().members);
  EXPECT_EQ(Condition(*doc).IsCurrent(), GetParam().current) << GetParam().members;
}

INSTANTIATE_TEST_SUITE_P(
    ClinicalStatus, IsCurrentTest,
    ::testing::Values(
        CurrentRow{Clinical("active"), true}, CurrentRow{Clinical("recurrence"), true},
        CurrentRow{Clinical("relapse"), true}, CurrentRow{Clinical("inactive"), false},
        CurrentRow{Clinical("resolved"), false}, CurrentRow{Clinical("remission"), false},
        CurrentRow{Clinical("unknown-code"), false},
        // A stated status wins over abatement.
        CurrentRow{Clinical("active") + R"(,"abatementDateTime":"2020-01-01")", true},
        CurrentRow{Clinical("resolved") + R"(,"onsetDateTime":"2020-01-01")", false}));

INSTANTIATE_TEST_SUITE_P(
    AbsentStatus, IsCurrentTest,
    ::testing::Values(CurrentRow{"", true}, CurrentRow{R"("onsetDateTime":"2020-01-01")", true},
                      CurrentRow{R"("abatementDateTime":"2021-01-01")", false},
                      CurrentRow{R"("abatementPeriod":{"start":"2021-01-01"})", false},
                      CurrentRow{R"("abatementAge":{"value":40,"unit":"a"})", false},
                      CurrentRow{R"("abatementString":"in childhood")", false},
                      CurrentRow{R"("abatementRange":{"low":{"value":1}})", false},
                      // A clinicalStatus with no readable coding counts as absent.
                      CurrentRow{R"("clinicalStatus":{"text":"whatever"})", true}));

INSTANTIATE_TEST_SUITE_P(
    Verification, IsCurrentTest,
    ::testing::Values(CurrentRow{Clinical("active") + "," + Verification("refuted"), false},
                      CurrentRow{Clinical("active") + "," + Verification("entered-in-error"),
                                 false},
                      CurrentRow{Verification("refuted"), false},
                      CurrentRow{Verification("entered-in-error"), false},
                      CurrentRow{Clinical("active") + "," + Verification("confirmed"), true},
                      CurrentRow{Clinical("active") + "," + Verification("provisional"), true},
                      CurrentRow{Clinical("active") + "," + Verification("differential"), true},
                      CurrentRow{Clinical("active") + "," + Verification("unconfirmed"), true}));

// Sloppy but real shapes: a coding without its system, and STU3's plain code strings.
INSTANTIATE_TEST_SUITE_P(
    SloppyShapes, IsCurrentTest,
    ::testing::Values(
        CurrentRow{R"("clinicalStatus":{"coding":[{"code":"resolved"}]})", false},
        CurrentRow{R"("clinicalStatus":{"coding":[{"code":"active"}]})", true},
        CurrentRow{R"("clinicalStatus":"resolved")", false},
        CurrentRow{R"("clinicalStatus":"inactive")", false},
        CurrentRow{R"("clinicalStatus":"active")", true},
        CurrentRow{R"("clinicalStatus":"active","verificationStatus":"refuted")", false},
        CurrentRow{Clinical("active") +
                       R"(,"verificationStatus":{"coding":[{"code":"entered-in-error"}]})",
                   false}));

TEST(ConditionTest, StatusAccessors) {
  auto doc = Cond(R"("clinicalStatus":{"coding":[{"code":7},{"system":"x","code":"active"},
                       {"system":"y","code":"resolved"}]},)" +
                  Verification("confirmed"));
  Condition c(*doc);
  EXPECT_EQ(c.clinical_status(), "active");  // the first usable coding
  EXPECT_EQ(c.verification_status(), "confirmed");
  EXPECT_FALSE(c.IsRefutedOrError());
  auto none = Cond("");
  EXPECT_EQ(Condition(*none).clinical_status(), "");
  EXPECT_EQ(Condition(*none).verification_status(), "");
  EXPECT_FALSE(Condition(*none).IsRefutedOrError());
}

TEST(ConditionTest, OnsetFallbacks) {
  struct Row {
    std::string members;
    bool present;
    EpochMillis begin;
  } rows[] = {
      {R"("onsetDateTime":"2020-03","onsetPeriod":{"start":"2019-01-01"},"recordedDate":"2021-01-01")",
       true, Utc(2020, 3, 1)},
      {R"("onsetPeriod":{"start":"2019-01-01","end":"2019-06-01"},"recordedDate":"2021-01-01")",
       true, Utc(2019, 1, 1)},
      {R"("onsetPeriod":{"end":"2019-06-01"},"recordedDate":"2021-01-01")", true, Utc(2021, 1, 1)},
      {R"("onsetDateTime":"not a date","recordedDate":"2021-01-01T10:00:00Z")", true,
       Utc(2021, 1, 1, 10)},
      {R"("onsetAge":{"value":40},"recordedDate":"2021")", true, Utc(2021, 1, 1)},
      {R"("onsetString":"childhood")", false, 0},
      {"", false, 0},
  };
  for (const Row& r : rows) {
    auto doc = Cond(r.members);
    auto t = Condition(*doc).Onset();
    ASSERT_EQ(t.has_value(), r.present) << r.members;
    if (t) {
      EXPECT_EQ(t->begin, r.begin) << r.members;
    }
  }
  auto recorded = Cond(R"("recordedDate":"2021-02-03")");
  ASSERT_TRUE(Condition(*recorded).RecordedDate());
  EXPECT_EQ(Condition(*recorded).RecordedDate()->begin, Utc(2021, 2, 3));
}

TEST(ConditionTest, TextAndCode) {
  auto doc = Cond(R"("code":{"coding":[{"system":"http://snomed.info/sct","code":"230572002",
                    "display":"Diabetic neuropathy"}]},"severity":{"text":"moderate"})");
  Condition c(*doc);
  EXPECT_EQ(c.Text(), "Diabetic neuropathy");
  EXPECT_NE(c.code(), nullptr);
  EXPECT_NE(c.severity(), nullptr);
  auto text = Cond(R"("code":{"text":"Neuropathy","coding":[{"display":"other"}]})");
  EXPECT_EQ(Condition(*text).Text(), "Neuropathy");
  auto none = Cond("");
  EXPECT_EQ(Condition(*none).Text(), "");
  EXPECT_EQ(Condition(*none).code(), nullptr);
}

TEST(ConditionRealSamplesTest, HL7Examples) {
  CDS_REQUIRE_SAMPLES();
  struct Row {
    const char* file;
    bool current;
  } rows[] = {
      {"condition-example-f001-heart.json", true},
      {"condition-example-f201-fever.json", false},       // resolved
      {"condition-example-f202-malignancy.json", false},  // resolved
      {"condition-example-f204-renal.json", false},       // inactive
      {"condition-example-f205-infection.json", true},
      {"condition-example.json", true},
      {"condition-example-stroke.json", true},
  };
  for (const Row& r : rows) {
    auto doc = ::cds::fhir::testing::LoadSample(std::string("hl7-r4-examples/") + r.file);
    Condition c(*doc);
    EXPECT_EQ(c.IsCurrent(), r.current) << r.file;
    EXPECT_FALSE(c.Text().empty()) << r.file;
  }
}

}  // namespace
}  // namespace cds::fhir
