#include "hooks/request.h"

#include "base/json.h"

#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

StatusOr<CdsRequest> Parse(const std::string& text, Hook hook) {
  auto doc = json::ParseJson(text, json::JsonLimits{});
  if (!doc.ok()) return doc.status();
  return CdsRequest::Parse(std::move(doc).value(), hook);
}

const char kOrderSign[] =
    R"({"hook":"order-sign","hookInstance":"h1","context":{"userId":"Practitioner/1",
  "patientId":"Patient/123","draftOrders":{"resourceType":"Bundle","entry":[
  {"resource":{"resourceType":"MedicationRequest","id":"m1","subject":{"reference":"Patient/123"}}}]}}})";

TEST(CdsRequestTest, AcceptsTypePrefixedPatientIdAndBundleWithoutType) {
  auto r = Parse(kOrderSign, Hook::kOrderSign);
  ASSERT_OK(r);
  EXPECT_EQ(r->patient_id(), "123");
  EXPECT_EQ(r->hook_instance(), "h1");
  ASSERT_NE(r->draft_orders(), nullptr);
}

struct Bad {
  std::string name;
  std::string body;
  Hook hook;
  std::string message;
};

class CdsRequestRejects : public ::testing::TestWithParam<Bad> {};

TEST_P(CdsRequestRejects, WithClearMessage) {
  const Bad& b = GetParam();
  EXPECT_THAT(Parse(b.body, b.hook), StatusIs(StatusCode::kInvalidArgument, HasSubstr(b.message)));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CdsRequestRejects,
    ::testing::Values(
        Bad{"NotObject", "[]", Hook::kPatientView, "must be a JSON object"},
        Bad{"NoHook", R"({"hookInstance":"x","context":{}})", Hook::kPatientView,
            "hook is required"},
        Bad{"HookWrongType", R"({"hook":1,"hookInstance":"x","context":{}})", Hook::kPatientView,
            "hook must be a string"},
        Bad{"HookMismatch", R"({"hook":"order-sign","hookInstance":"x","context":{}})",
            Hook::kPatientView, "does not match this service"},
        Bad{"NoHookInstance", R"({"hook":"patient-view","context":{}})", Hook::kPatientView,
            "hookInstance is required"},
        Bad{"EmptyHookInstance", R"({"hook":"patient-view","hookInstance":"","context":{}})",
            Hook::kPatientView, "hookInstance must be a non-empty string"},
        Bad{"NoContext", R"({"hook":"patient-view","hookInstance":"x"})", Hook::kPatientView,
            "context is required"},
        Bad{"ContextArray", R"({"hook":"patient-view","hookInstance":"x","context":[]})",
            Hook::kPatientView, "context must be an object"},
        Bad{"PatientIdNumber",
            R"({"hook":"patient-view","hookInstance":"x","context":{"patientId":5}})",
            Hook::kPatientView, "context.patientId must be a string"},
        Bad{"PatientIdInjection",
            R"({"hook":"patient-view","hookInstance":"x","context":{"patientId":"1&_include=*"}})",
            Hook::kPatientView, "must be a FHIR id"},
        Bad{"UserIdNotReference",
            R"({"hook":"patient-view","hookInstance":"x","context":{"userId":"bob"}})",
            Hook::kPatientView, "context.userId"},
        Bad{"FhirServerNotUrl",
            R"({"hook":"patient-view","hookInstance":"x","fhirServer":"ftp://x","context":{}})",
            Hook::kPatientView, "fhirServer must be an absolute http(s) URL"},
        Bad{"AuthWithoutServer",
            R"({"hook":"patient-view","hookInstance":"x","context":{},"fhirAuthorization":{"access_token":"t","token_type":"Bearer"}})",
            Hook::kPatientView, "fhirServer is required"},
        Bad{"AuthNotBearer",
            R"({"hook":"patient-view","hookInstance":"x","fhirServer":"https://e/fhir","context":{},"fhirAuthorization":{"access_token":"t","token_type":"MAC"}})",
            Hook::kPatientView, "token_type"},
        Bad{"PrefetchArray",
            R"({"hook":"patient-view","hookInstance":"x","context":{},"prefetch":[]})",
            Hook::kPatientView, "prefetch must be an object"},
        Bad{"OrderSelectWithoutSelections",
            R"({"hook":"order-select","hookInstance":"x","context":{"patientId":"1","draftOrders":{"resourceType":"Bundle"}}})",
            Hook::kOrderSelect, "context.selections is required"},
        Bad{"DraftOrdersNotBundle",
            R"({"hook":"order-sign","hookInstance":"x","context":{"patientId":"1","draftOrders":{"resourceType":"Patient"}}})",
            Hook::kOrderSign, "must be a FHIR Bundle"},
        Bad{"DraftOrdersMissing",
            R"({"hook":"order-sign","hookInstance":"x","context":{"patientId":"1"}})",
            Hook::kOrderSign, "context.draftOrders is required"},
        Bad{"OrdersForAnotherPatient",
            R"({"hook":"order-sign","hookInstance":"x","context":{"patientId":"1","draftOrders":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationRequest","subject":{"reference":"Patient/2"}}}]}}})",
            Hook::kOrderSign, "different patient"}),
    [](const auto& row) { return row.param.name; });

TEST(CdsRequestTest, NullFhirServerAndAuthorizationAreAbsent) {
  auto r =
      Parse(R"({"hook":"patient-view","hookInstance":"x","fhirServer":null,"fhirAuthorization":null,
                    "context":{"patientId":"p"}})",
            Hook::kPatientView);
  ASSERT_OK(r);
  EXPECT_FALSE(r->fhir_server().has_value());
  EXPECT_FALSE(r->fhir_authorization().has_value());
}

TEST(CdsRequestTest, UnknownContextFieldsAndExtensionsIgnored) {
  auto r = Parse(R"({"hook":"patient-view","hookInstance":"x","extension":{"com.example":1},
                    "context":{"patientId":"p","somethingNew":{"a":[1]},"extension":{"x":true}}})",
                 Hook::kPatientView);
  EXPECT_OK(r);
}

TEST(CdsRequestTest, PatientInferredFromDraftOrdersWhenAbsent) {
  auto r = Parse(
      R"({"hook":"order-sign","hookInstance":"x","context":{"draftOrders":{"resourceType":"Bundle","entry":[
     {"resource":{"resourceType":"MedicationRequest","subject":{"reference":"Patient/abc"}}}]}}})",
      Hook::kOrderSign);
  ASSERT_OK(r);
  EXPECT_EQ(r->patient_id(), "abc");
}

TEST(CdsRequestTest, AuthorizationIsRead) {
  auto r =
      Parse(R"({"hook":"patient-view","hookInstance":"x","fhirServer":"https://ehr.example/fhir",
     "fhirAuthorization":{"access_token":"secret","token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"cds"},
     "context":{"patientId":"p","encounterId":"Encounter/e1"}})",
            Hook::kPatientView);
  ASSERT_OK(r);
  EXPECT_EQ(r->fhir_authorization()->access_token, "secret");
  EXPECT_EQ(r->encounter_id(), "e1");
}

}  // namespace
}  // namespace cds::hooks
