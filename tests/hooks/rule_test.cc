// hooks::RuleOutcome and RuleContext::Require/Resolve: what a rule sees for each data
// state, and how references are resolved (contained, fullUrl, Type/id, FHIR reads).
#include "hooks/rule.h"

#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(RuleOutcome, KindPrecedence) {
  RuleOutcome o;
  EXPECT_EQ(o.kind(), RuleOutcome::Kind::kNotApplicable);
  o.NoteInsufficient("no unit");
  EXPECT_EQ(o.kind(), RuleOutcome::Kind::kInsufficientData);
  EXPECT_THAT(o.notes(), ElementsAre("no unit"));
  o.AddCard(cards::Card{});
  EXPECT_EQ(o.kind(), RuleOutcome::Kind::kFired);
  o.NeedData("labs");
  EXPECT_EQ(o.kind(), RuleOutcome::Kind::kNeedsData);  // has not finished deciding
  o.MarkUnavailable("meds", "timed out");
  EXPECT_EQ(o.kind(), RuleOutcome::Kind::kDataUnavailable);
}

TEST(RuleOutcome, NeedsAndUnavailableAreDeduplicatedByKey) {
  RuleOutcome o;
  o.NeedData("labs");
  o.NeedData("meds");
  o.NeedData("labs");
  EXPECT_THAT(o.needs(), ElementsAre("labs", "meds"));
  o.MarkUnavailable("labs", "first");
  o.MarkUnavailable("labs", "second");
  ASSERT_EQ(o.unavailable().size(), 1u);
  EXPECT_EQ(o.unavailable()[0].reason, "first");
}

constexpr char kRequest[] =
    R"({"hook":"patient-view","hookInstance":"h","fhirServer":"https://ehr.example/fhir",
  "context":{"patientId":"p1","userId":"Practitioner/u1"},
  "prefetch":{
    "meds":{"resourceType":"Bundle","type":"searchset","entry":[
      {"fullUrl":"https://ehr.example/fhir/MedicationRequest/mr1","resource":{"resourceType":"MedicationRequest",
        "id":"mr1","subject":{"reference":"Patient/p1"},
        "contained":[{"resourceType":"Medication","id":"med1","code":{"text":"contained"}}],
        "medicationReference":{"reference":"#med1"}}},
      {"fullUrl":"urn:uuid:6a1d7f3e-0000-4000-8000-000000000001","resource":{"resourceType":"Medication",
        "id":"med-uuid","code":{"text":"by fullUrl"}}},
      {"resource":{"resourceType":"Medication","id":"med9","code":{"text":"by Type/id"}}}]},
    "empty":null,
    "broken":{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]},
    "page":{"resourceType":"Bundle","type":"searchset","link":[{"relation":"next","url":"https://ehr.example/fhir/x?p=2"}]}
  }})";

class RuleContextTest : public ::testing::Test {
 protected:
  RuleContextTest() : RuleContextTest(kRequest) {}
  explicit RuleContextTest(const std::string& text)
      : request_(Parse(text)),
        data_("p1", 1000),
        orders_(request_),
        ctx_(request_, data_, orders_, 1'700'000'000'000) {
    EXPECT_THAT(data_.LoadRequest(request_, {"meds", "empty", "broken", "page"}), IsOk());
  }

  static CdsRequest Parse(const std::string& text) {
    auto doc = json::ParseJson(text, json::JsonLimits{});
    EXPECT_THAT(doc, IsOk());
    auto r = CdsRequest::Parse(std::move(doc).value(), Hook::kPatientView);
    EXPECT_THAT(r, IsOk());
    return std::move(r).value();
  }

  const json::Value& MedicationRequest() const {
    return *data_.index().Find("MedicationRequest", "mr1");
  }
  std::string CodeText(const json::Value* r) const {
    const json::Value* code = json::GetObject(*r, "code");
    return code == nullptr ? "" : std::string(json::GetString(*code, "text").value_or(""));
  }

  CdsRequest request_;
  PatientData data_;
  DraftOrders orders_;
  RuleContext ctx_;
};

TEST_F(RuleContextTest, Accessors) {
  EXPECT_EQ(ctx_.hook(), Hook::kPatientView);
  EXPECT_EQ(ctx_.now(), 1'700'000'000'000);
  EXPECT_EQ(&ctx_.request(), &request_);
  EXPECT_EQ(&ctx_.data(), &data_);
}

TEST_F(RuleContextTest, RequireReady) {
  RuleOutcome out;
  const auto* meds = ctx_.Require("meds", out);
  ASSERT_NE(meds, nullptr);
  EXPECT_EQ(meds->size(), 3u);
  EXPECT_EQ(out.kind(), RuleOutcome::Kind::kNotApplicable);
}

TEST_F(RuleContextTest, RequireNullIsKnownNone) {
  RuleOutcome out;
  const auto* none = ctx_.Require("empty", out);
  ASSERT_NE(none, nullptr);
  EXPECT_THAT(*none, IsEmpty());
  EXPECT_THAT(out.needs(), IsEmpty());
}

TEST_F(RuleContextTest, RequireAbsentOrPaginatedAsksForAFetch) {
  RuleOutcome out;
  EXPECT_EQ(ctx_.Require("labs", out), nullptr);
  EXPECT_EQ(ctx_.Require("page", out), nullptr);
  EXPECT_THAT(out.needs(), ElementsAre("labs", "page"));
  EXPECT_EQ(out.kind(), RuleOutcome::Kind::kNeedsData);
}

TEST_F(RuleContextTest, RequireUnavailableIsRecordedNeverNone) {
  RuleOutcome out;
  EXPECT_EQ(ctx_.Require("broken", out), nullptr);
  ASSERT_EQ(out.unavailable().size(), 1u);
  EXPECT_EQ(out.unavailable()[0].key, "broken");
  EXPECT_EQ(out.unavailable()[0].reason,
            "the EHR sent an OperationOutcome instead of data (error/timeout)");
  EXPECT_THAT(out.needs(), IsEmpty());
}

TEST_F(RuleContextTest, ResolveContained) {
  RuleOutcome out;
  Resolved r = ctx_.Resolve(MedicationRequest(), "#med1", out);
  ASSERT_EQ(r.resolution, Resolution::kFound);
  EXPECT_EQ(CodeText(r.resource), "contained");
  Resolved missing = ctx_.Resolve(MedicationRequest(), "#nope", out);
  EXPECT_EQ(missing.resolution, Resolution::kNotFound);  // contained is never fetched
  EXPECT_THAT(out.needs(), IsEmpty());
}

TEST_F(RuleContextTest, ResolveFullUrlAndTypeId) {
  RuleOutcome out;
  Resolved by_url =
      ctx_.Resolve(MedicationRequest(), "urn:uuid:6a1d7f3e-0000-4000-8000-000000000001", out);
  ASSERT_EQ(by_url.resolution, Resolution::kFound);
  EXPECT_EQ(CodeText(by_url.resource), "by fullUrl");
  Resolved by_key = ctx_.Resolve(MedicationRequest(), "Medication/med9", out);
  ASSERT_EQ(by_key.resolution, Resolution::kFound);
  EXPECT_EQ(CodeText(by_key.resource), "by Type/id");
  Resolved versioned = ctx_.Resolve(MedicationRequest(), "Medication/med9/_history/3", out);
  EXPECT_EQ(versioned.resolution, Resolution::kFound);
  Resolved absolute_here =
      ctx_.Resolve(MedicationRequest(), "https://ehr.example/fhir/MedicationRequest/mr1", out);
  EXPECT_EQ(absolute_here.resolution, Resolution::kFound);
  EXPECT_THAT(out.needs(), IsEmpty());
}

TEST_F(RuleContextTest, ResolveTypeIdNotInRequestIsAPendingRead) {
  RuleOutcome out;
  Resolved r = ctx_.Resolve(MedicationRequest(), "Medication/m404", out);
  EXPECT_EQ(r.resolution, Resolution::kPending);
  EXPECT_THAT(out.needs(), ElementsAre("Medication/m404"));
}

TEST_F(RuleContextTest, ResolveAbsoluteUnderFhirServerIsAPendingRead) {
  RuleOutcome out;
  Resolved r =
      ctx_.Resolve(MedicationRequest(), "https://ehr.example/fhir/Medication/m5/_history/1", out);
  EXPECT_EQ(r.resolution, Resolution::kPending);
  EXPECT_THAT(out.needs(), ElementsAre("Medication/m5"));
}

TEST_F(RuleContextTest, ResolveAbsoluteOnAnotherServerIsNeverFollowed) {
  RuleOutcome out;
  for (std::string ref :
       {"https://other.example/fhir/Medication/m5", "https://ehr.example/fhirx/Medication/m5",
        "http://ehr.example/fhir/Medication/m5", "https://ehr.example.evil/fhir/Medication/m5"}) {
    EXPECT_EQ(ctx_.Resolve(MedicationRequest(), ref, out).resolution, Resolution::kNotFound) << ref;
  }
  EXPECT_THAT(out.needs(), IsEmpty());
}

// A reference to another server's Medication/med9 must not resolve to this request's
// Medication/med9 (RuleContext::Resolve only accepts an exact fullUrl for those).
TEST_F(RuleContextTest, AbsoluteReferenceToAnotherServerDoesNotMatchALocalTypeId) {
  RuleOutcome out;
  EXPECT_EQ(ctx_.Resolve(MedicationRequest(), "https://other.example/fhir/Medication/med9", out)
                .resolution,
            Resolution::kNotFound);
}

TEST_F(RuleContextTest, ResolveUnresolvableReferences) {
  RuleOutcome out;
  for (std::string ref : {"", "not a reference", "urn:uuid:6a1d7f3e-0000-4000-8000-0000000000ff",
                          "urn:isbn:123", "medication/m1", "Medication/bad id"}) {
    EXPECT_EQ(ctx_.Resolve(MedicationRequest(), ref, out).resolution, Resolution::kNotFound) << ref;
  }
  EXPECT_THAT(out.needs(), IsEmpty());
  EXPECT_THAT(out.unavailable(), IsEmpty());
}

fhir::FhirResponse Answer(StatusCode code, const std::string& body = "") {
  fhir::FhirResponse resp;
  resp.status = code == StatusCode::kOk ? OkStatus() : Status(code, "fetch failed");
  if (!body.empty())
    resp.pages.push_back(std::move(json::ParseJson(body, json::JsonLimits{})).value());
  return resp;
}

TEST_F(RuleContextTest, ResolveAfterTheReadCameBack) {
  ASSERT_THAT(data_.AddFetched("Medication/m1",
                               Answer(StatusCode::kOk, R"({"resourceType":"Medication","id":"m1",
      "code":{"text":"fetched"}})"),
                               true),
              IsOk());
  ASSERT_THAT(data_.AddFetched("Medication/m404", Answer(StatusCode::kNotFound), true), IsOk());
  data_.MarkUnavailable("Medication/m503", "HTTP 503");
  RuleOutcome out;
  Resolved found = ctx_.Resolve(MedicationRequest(), "Medication/m1", out);
  ASSERT_EQ(found.resolution, Resolution::kFound);
  EXPECT_EQ(CodeText(found.resource), "fetched");
  EXPECT_EQ(ctx_.Resolve(MedicationRequest(), "Medication/m404", out).resolution,
            Resolution::kNotFound);
  // Could not read: still pending from the rule's view, and recorded as unavailable.
  EXPECT_EQ(ctx_.Resolve(MedicationRequest(), "Medication/m503", out).resolution,
            Resolution::kPending);
  EXPECT_THAT(out.needs(), IsEmpty());
  ASSERT_EQ(out.unavailable().size(), 1u);
  EXPECT_EQ(out.unavailable()[0].key, "Medication/m503");
  EXPECT_EQ(out.kind(), RuleOutcome::Kind::kDataUnavailable);
}

class RuleContextWithoutServer : public RuleContextTest {
 protected:
  RuleContextWithoutServer()
      : RuleContextTest(
            R"({"hook":"patient-view","hookInstance":"h","context":{"patientId":"p1"},"prefetch":{}})") {
  }
};

TEST_F(RuleContextWithoutServer, AbsoluteReferenceIsNotFollowed) {
  RuleOutcome out;
  json::Value from(rapidjson::kObjectType);
  EXPECT_EQ(ctx_.Resolve(from, "https://ehr.example/fhir/Medication/m5", out).resolution,
            Resolution::kNotFound);
  // A relative reference is still recorded: the engine reports why it cannot be fetched.
  EXPECT_EQ(ctx_.Resolve(from, "Medication/m5", out).resolution, Resolution::kPending);
  EXPECT_THAT(out.needs(), ElementsAre("Medication/m5"));
}

}  // namespace
}  // namespace cds::hooks
