// hooks::PrefetchTemplate: every token the spec allows for our hooks, relative URLs only,
// values that cannot add query parameters, and kFailedPrecondition naming a token the
// request cannot fill (relative read or search URLs;
// tokens of first-level primitive context fields only; user ids as bare ids).
#include "hooks/prefetch_template.h"

#include "base/json.h"

#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

StatusOr<CdsRequest> Request(const std::string& context_json) {
  auto doc = json::ParseJson(
      R"({"hook":"patient-view","hookInstance":"h1","context":)" + context_json + "}",
      json::JsonLimits{});
  if (!doc.ok()) return doc.status();
  return CdsRequest::Parse(std::move(doc).value(), Hook::kPatientView);
}

struct ExpandCase {
  std::string name;
  std::string tmpl;
  std::string context;
  std::string expected;
};
void PrintTo(const ExpandCase& c, std::ostream* os) { *os << c.name; }

class PrefetchExpands : public ::testing::TestWithParam<ExpandCase> {};

TEST_P(PrefetchExpands, Token) {
  auto t = PrefetchTemplate::Parse(GetParam().tmpl);
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->text(), GetParam().tmpl);
  auto r = Request(GetParam().context);
  ASSERT_THAT(r, IsOk());
  auto q = t->Expand(*r);
  ASSERT_THAT(q, IsOk());
  EXPECT_EQ(*q, GetParam().expected);
}

constexpr char kCtx[] =
    R"({"userId":"Practitioner/pr-1","patientId":"Patient/p.1-a","encounterId":"Encounter/e1"})";

INSTANTIATE_TEST_SUITE_P(
    Tokens, PrefetchExpands,
    ::testing::Values(
        ExpandCase{"PatientId",
                   "Observation?patient={{context.patientId}}&code=http://loinc.org|5196-1", kCtx,
                   "Observation?patient=p.1-a&code=http://loinc.org|5196-1"},
        ExpandCase{"PatientRead", "Patient/{{context.patientId}}", kCtx, "Patient/p.1-a"},
        ExpandCase{"EncounterId", "Encounter/{{context.encounterId}}", kCtx, "Encounter/e1"},
        // context.userId is "Type/id", itself a read URL; the slash stays a slash.
        ExpandCase{"UserIdKeptAsPath", "{{context.userId}}", kCtx, "Practitioner/pr-1"},
        ExpandCase{"UserIdVersionedPath", "{{context.userId}}",
                   R"({"userId":"Practitioner/pr-1/_history/2"})", "Practitioner/pr-1/_history/2"},
        ExpandCase{"UserPractitionerId", "Practitioner/{{userPractitionerId}}", kCtx,
                   "Practitioner/pr-1"},
        ExpandCase{"UserPractitionerRoleId", "PractitionerRole?_id={{userPractitionerRoleId}}",
                   R"({"userId":"PractitionerRole/r9"})", "PractitionerRole?_id=r9"},
        ExpandCase{"UserPatientId", "Patient/{{userPatientId}}", R"({"userId":"Patient/self"})",
                   "Patient/self"},
        ExpandCase{"UserRelatedPersonId", "RelatedPerson/{{userRelatedPersonId}}",
                   R"({"userId":"RelatedPerson/rp"})", "RelatedPerson/rp"},
        ExpandCase{"SeveralTokens",
                   "Observation?patient={{context.patientId}}&encounter={{context.encounterId}}",
                   kCtx, "Observation?patient=p.1-a&encounter=e1"},
        ExpandCase{"NoTokens", "Medication?code=http://www.nlm.nih.gov/research/umls/rxnorm|121191",
                   kCtx, "Medication?code=http://www.nlm.nih.gov/research/umls/rxnorm|121191"},
        ExpandCase{"AbsoluteUrlInQueryValueIsFine",
                   "Observation?code=http://loinc.org|1-8&patient={{context.patientId}}", kCtx,
                   "Observation?code=http://loinc.org|1-8&patient=p.1-a"}),
    [](const auto& row) { return row.param.name; });

struct ParseError {
  std::string name;
  std::string tmpl;
  std::string message;
};
void PrintTo(const ParseError& c, std::ostream* os) { *os << c.name; }

class PrefetchRejects : public ::testing::TestWithParam<ParseError> {};

TEST_P(PrefetchRejects, AtParse) {
  EXPECT_THAT(PrefetchTemplate::Parse(GetParam().tmpl),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Templates, PrefetchRejects,
    ::testing::Values(
        ParseError{"Empty", "", "prefetch template is empty"},
        ParseError{"AbsoluteUrl", "https://ehr.example/fhir/Patient/{{context.patientId}}",
                   "prefetch template must be a relative FHIR URL"},
        ParseError{"LeadingSlash", "/Patient/{{context.patientId}}",
                   "prefetch template must be a relative FHIR URL"},
        ParseError{"Whitespace", "Observation?code=a b", "prefetch template contains whitespace"},
        ParseError{"TokenWithSpaces", "Patient/{{ context.patientId }}",
                   "prefetch template contains whitespace"},
        ParseError{"Unterminated", "Patient/{{context.patientId",
                   "unterminated {{ in prefetch template"},
        // Only first-level primitive context fields marked "Prefetch Token = Yes".
        ParseError{"NestedField", "Medication/{{context.medication.id}}",
                   "prefetch token {{context.medication.id}} is not one the hooks provide"},
        ParseError{"Selections", "MedicationRequest/{{context.selections}}",
                   "prefetch token {{context.selections}} is not one the hooks provide"},
        ParseError{"DraftOrders", "X?{{context.draftOrders}}",
                   "{{context.draftOrders}} is not one the hooks provide"},
        ParseError{"WithoutContextPrefix", "Patient/{{patientId}}",
                   "{{patientId}} is not one the hooks provide"},
        ParseError{"UserIdWithoutPrefix", "{{userId}}", "{{userId}} is not one the hooks provide"},
        ParseError{"NonStandardToday", "Observation?date=ge{{today()}}",
                   "{{today()}} is not one the hooks provide"},
        ParseError{"EmptyToken", "Patient/{{}}", "{{}} is not one the hooks provide"}),
    [](const auto& row) { return row.param.name; });

struct MissingCase {
  std::string name;
  std::string tmpl;
  std::string context;
  std::string token;
};
void PrintTo(const MissingCase& c, std::ostream* os) { *os << c.name; }

class PrefetchMissingValue : public ::testing::TestWithParam<MissingCase> {};

TEST_P(PrefetchMissingValue, IsFailedPreconditionNamingTheToken) {
  auto t = PrefetchTemplate::Parse(GetParam().tmpl);
  ASSERT_THAT(t, IsOk());
  auto r = Request(GetParam().context);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(t->Expand(*r), StatusIs(StatusCode::kFailedPrecondition,
                                      "the request has no value for {{" + GetParam().token + "}}"));
}

INSTANTIATE_TEST_SUITE_P(
    Tokens, PrefetchMissingValue,
    ::testing::Values(
        MissingCase{"NoEncounterId", "Encounter/{{context.encounterId}}", R"({"patientId":"p1"})",
                    "context.encounterId"},
        MissingCase{"NoPatientId", "Patient/{{context.patientId}}",
                    R"({"userId":"Practitioner/u"})", "context.patientId"},
        MissingCase{"NoUserId", "{{context.userId}}", R"({"patientId":"p1"})", "context.userId"},
        MissingCase{"UserIsNotAPractitioner", "Practitioner/{{userPractitionerId}}",
                    R"({"patientId":"p1","userId":"PractitionerRole/r1"})", "userPractitionerId"},
        MissingCase{"UserIsNotARole", "PractitionerRole/{{userPractitionerRoleId}}",
                    R"({"patientId":"p1","userId":"Practitioner/u"})", "userPractitionerRoleId"},
        MissingCase{"UserIsNotThePatient", "Patient/{{userPatientId}}",
                    R"({"patientId":"p1","userId":"Practitioner/u"})", "userPatientId"},
        MissingCase{"UserIsNotARelatedPerson", "RelatedPerson/{{userRelatedPersonId}}",
                    R"({"patientId":"p1","userId":"Patient/p1"})", "userRelatedPersonId"},
        MissingCase{"SecondTokenMissing",
                    "Observation?patient={{context.patientId}}&encounter={{context.encounterId}}",
                    R"({"patientId":"p1"})", "context.encounterId"}),
    [](const auto& row) { return row.param.name; });

// A context value can never add query parameters: either the request parser refuses the
// value (ids are [A-Za-z0-9.-]) or, for what gets through, the expansion adds nothing but
// the value itself.
TEST(PrefetchTemplate, ContextValuesCannotAddQueryParameters) {
  auto t = PrefetchTemplate::Parse("Observation?patient={{context.patientId}}&code=1-8");
  ASSERT_THAT(t, IsOk());
  for (std::string hostile : {"1&_include=*", "1#frag", "1?x=y", "1/2", "1%26x", "1 2",
                              "Patient/1&x=y", "1;x", "1,2", "1|2", "..%2F"}) {
    auto r = Request(R"({"patientId":")" + hostile + R"("})");
    EXPECT_THAT(r, StatusIs(StatusCode::kInvalidArgument, HasSubstr("context.patientId")))
        << hostile;
  }
  for (std::string ok : {std::string("abc"), std::string("A-1.2"), std::string(64, 'x')}) {
    auto r = Request(R"({"patientId":")" + ok + R"("})");
    ASSERT_THAT(r, IsOk()) << ok;
    EXPECT_EQ(*t->Expand(*r), "Observation?patient=" + ok + "&code=1-8");
  }
}

}  // namespace
}  // namespace cds::hooks
