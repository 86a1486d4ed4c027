#include "fhir/clinical.h"

#include <string>

#include "tests/fhir/fhir_test_util.h"

namespace cds::fhir {
namespace {

using ::cds::fhir::testing::Json;
using ::cds::fhir::testing::Utc;

TEST(PatientTest, BirthDateAndGender) {
  auto doc = Json(R"({"resourceType":"Patient","id":"p","birthDate":"1974-12","gender":"female"})");
  Patient p(*doc);
  ASSERT_TRUE(p.BirthDate());
  EXPECT_EQ(p.BirthDate()->precision, DatePrecision::kMonth);
  EXPECT_EQ(p.BirthDate()->begin, Utc(1974, 12, 1));
  EXPECT_EQ(p.gender(), "female");
  auto bare = Json(R"({"resourceType":"Patient","birthDate":"1974-02-30","gender":1})");
  EXPECT_FALSE(Patient(*bare).BirthDate());
  EXPECT_EQ(Patient(*bare).gender(), "");
}

TEST(ProcedureTest, IsDone) {
  struct Row {
    const char* status;
    bool done;
  } rows[] = {{"completed", true},         {"in-progress", true}, {"preparation", false},
              {"not-done", false},         {"on-hold", false},    {"stopped", false},
              {"entered-in-error", false}, {"unknown", false}};
  for (const Row& r : rows) {
    auto doc = Json(std::string(R"({"resourceType":"Procedure","status":")") + r.status + R"("})");
    EXPECT_EQ(Procedure(*doc).IsDone(), r.done) << r.status;
  }
}

TEST(ProcedureTest, Performed) {
  struct Row {
    const char* members;
    bool present;
    EpochMillis begin;
    EpochMillis end;
  } rows[] = {
      {R"("performedDateTime":"2013-04-05")", true, Utc(2013, 4, 5), Utc(2013, 4, 6)},
      {R"("performedPeriod":{"start":"2013-01-28T13:31:00+01:00","end":"2013-01-28T14:27:00+01:00"})",
       true, Utc(2013, 1, 28, 12, 31), Utc(2013, 1, 28, 13, 27) + 1},
      {R"("performedPeriod":{"start":"2013-01-28"})", true, Utc(2013, 1, 28), Utc(2013, 1, 29)},
      {R"("performedPeriod":{"end":"2013-01-28"})", true, Utc(2013, 1, 28), Utc(2013, 1, 29)},
      {R"("performedString":"last spring")", false, 0, 0},
      {R"("performedDateTime":"2013-13-01")", false, 0, 0},
  };
  for (const Row& r : rows) {
    auto doc =
        Json(std::string(R"({"resourceType":"Procedure","status":"completed",)") + r.members + "}");
    auto t = Procedure(*doc).Performed();
    ASSERT_EQ(t.has_value(), r.present) << r.members;
    if (!t) continue;
    EXPECT_EQ(t->begin, r.begin) << r.members;
    EXPECT_EQ(t->end, r.end) << r.members;
  }
}

TEST(ServiceRequestTest, IsPendingAndAuthoredOn) {
  struct Row {
    const char* status;
    bool pending;
  } rows[] = {{"draft", true},      {"active", true},   {"on-hold", true},
              {"completed", false}, {"revoked", false}, {"entered-in-error", false},
              {"unknown", false}};
  for (const Row& r : rows) {
    auto doc = Json(std::string(R"({"resourceType":"ServiceRequest","status":")") + r.status +
                    R"(","authoredOn":"2024-05-17T09:00:00Z","code":{"text":"NCS"}})");
    ServiceRequest s(*doc);
    EXPECT_EQ(s.IsPending(), r.pending) << r.status;
    ASSERT_TRUE(s.AuthoredOn());
    EXPECT_EQ(s.AuthoredOn()->begin, Utc(2024, 5, 17, 9));
    EXPECT_NE(s.code(), nullptr);
  }
}

TEST(ClinicalRealSamplesTest, HL7Examples) {
  CDS_REQUIRE_SAMPLES();
  using ::cds::fhir::testing::LoadSample;
  auto patient = LoadSample("hl7-r4-examples/patient-example.json");
  Patient p(*patient);
  EXPECT_EQ(p.gender(), "male");
  ASSERT_TRUE(p.BirthDate());
  EXPECT_EQ(p.BirthDate()->ToString(), "1974-12-25");

  auto tpf = LoadSample("hl7-r4-examples/procedure-example-f201-tpf.json");
  Procedure proc(*tpf);
  EXPECT_TRUE(proc.IsDone());
  ASSERT_TRUE(proc.Performed());
  EXPECT_EQ(proc.Performed()->begin, Utc(2013, 1, 28, 12, 31));

  auto not_done = LoadSample("hl7-r4-examples/procedure-example-ambulation.json");
  EXPECT_FALSE(Procedure(*not_done).IsDone());
  EXPECT_FALSE(Procedure(*not_done).Performed());
}

}  // namespace
}  // namespace cds::fhir
