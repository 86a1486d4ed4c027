// hooks::MatchDrug: by coding, by a referenced Medication's code or ingredients (inline or
// by itemReference), and kUnknown -- with the read recorded -- when the drug cannot be
// identified yet.
#include "hooks/rule_kit/medication_match.h"

#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::IsOk;

constexpr char kRituximab[] = "121191";
constexpr char kHycela[] = "1946000";  // a branded combination product: not itself in the set

std::string Rx(const std::string& code, const std::string& display) {
  return R"({"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":")" + code +
         R"(","display":")" + display + R"("}]})";
}

// Each row is one MedicationRequest (under "use") in a request whose prefetch also holds
// the Medications it may point at.
struct MatchCase {
  std::string name;
  std::string use;  // members of the MedicationRequest after resourceType/id/subject
  fhir::Tri result;
  std::string drug_name;
  std::vector<std::string> needs;
};
void PrintTo(const MatchCase& c, std::ostream* os) { *os << c.name; }

std::string Request(const std::string& use_members) {
  return R"({"hook":"patient-view","hookInstance":"h","fhirServer":"https://ehr.example/fhir",
    "context":{"patientId":"p1"},"prefetch":{"meds":{"resourceType":"Bundle","type":"searchset","entry":[
      {"resource":{"resourceType":"MedicationRequest","id":"use","subject":{"reference":"Patient/p1"},)" +
         use_members + R"(}},
      {"resource":{"resourceType":"Medication","id":"ritux","code":)" +
         Rx(kRituximab, "rituximab") + R"(}},
      {"resource":{"resourceType":"Medication","id":"hycela","code":)" +
         Rx(kHycela, "Rituxan Hycela") + R"(,
        "ingredient":[{"itemCodeableConcept":)" +
         Rx("5678", "hyaluronidase") + R"(},{"itemCodeableConcept":)" +
         Rx(kRituximab, "rituximab") + R"(}]}},
      {"resource":{"resourceType":"Medication","id":"by-ref","code":{"text":"Kit"},
        "ingredient":[{"itemReference":{"reference":"Medication/ritux"}}]}},
      {"resource":{"resourceType":"Medication","id":"pending-ingredient","code":{"text":"Kit"},
        "ingredient":[{"itemReference":{"reference":"Medication/unread"}}]}},
      {"resource":{"resourceType":"Medication","id":"other","code":)" +
         Rx("999", "something else") + R"(,"ingredient":[{"itemCodeableConcept":)" +
         Rx("998", "x") + R"(}]}}
    ]}}})";
}

class MatchDrugTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(MatchDrugTest, Matches) {
  auto doc = json::ParseJson(Request(GetParam().use), json::JsonLimits{});
  ASSERT_THAT(doc, IsOk());
  auto request = CdsRequest::Parse(std::move(doc).value(), Hook::kPatientView);
  ASSERT_THAT(request, IsOk());
  PatientData data("p1", 100);
  ASSERT_THAT(data.LoadRequest(*request, {"meds"}), IsOk());
  DraftOrders orders(*request);
  RuleContext ctx(*request, data, orders, 0);
  fhir::CodeSet drugs;
  drugs.Add(fhir::kRxNorm, kRituximab);
  RuleOutcome out;
  const json::Value* use = data.index().Find("MedicationRequest", "use");
  ASSERT_NE(use, nullptr);
  DrugMatch m = MatchDrug(ctx, *use, drugs, out);
  EXPECT_EQ(m.result, GetParam().result);
  EXPECT_EQ(m.name, GetParam().drug_name);
  EXPECT_EQ(out.needs(), GetParam().needs);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, MatchDrugTest,
    ::testing::Values(
        MatchCase{"CodingMatches",
                  R"("medicationCodeableConcept":)" + Rx(kRituximab, "rituximab 10 MG/ML"),
                  fhir::Tri::kYes,
                  "rituximab 10 MG/ML",
                  {}},
        MatchCase{"CodingDoesNotMatch",
                  R"("medicationCodeableConcept":)" + Rx("1", "aspirin"),
                  fhir::Tri::kNo,
                  "aspirin",
                  {}},
        MatchCase{"TextOnlyConceptNeverMatches",
                  R"("medicationCodeableConcept":{"text":"rituximab"})",
                  fhir::Tri::kNo,
                  "rituximab",
                  {}},
        MatchCase{"NoDrugNamed", R"("status":"active")", fhir::Tri::kNo, "", {}},
        MatchCase{"ContainedMedication",
                  R"("contained":[{"resourceType":"Medication","id":"c1","code":)" +
                      Rx(kRituximab, "contained ritux") +
                      R"(}],"medicationReference":{"reference":"#c1"})",
                  fhir::Tri::kYes,
                  "contained ritux",
                  {}},
        MatchCase{"ReferencedMedicationCode",
                  R"("medicationReference":{"reference":"Medication/ritux"})",
                  fhir::Tri::kYes,
                  "rituximab",
                  {}},
        // Rituxan Hycela: the product code is not rituximab, one ingredient is.
        MatchCase{"IngredientCoding",
                  R"("medicationReference":{"reference":"Medication/hycela","display":"Hycela"})",
                  fhir::Tri::kYes,
                  "Rituxan Hycela",
                  {}},
        MatchCase{"IngredientItemReference",
                  R"("medicationReference":{"reference":"Medication/by-ref"})",
                  fhir::Tri::kYes,
                  "Kit",
                  {}},
        MatchCase{"IngredientItemReferencePending",
                  R"("medicationReference":{"reference":"Medication/pending-ingredient"})",
                  fhir::Tri::kUnknown,
                  "Kit",
                  {"Medication/unread"}},
        MatchCase{"NeitherCodeNorIngredient",
                  R"("medicationReference":{"reference":"Medication/other"})",
                  fhir::Tri::kNo,
                  "something else",
                  {}},
        // Not in the request: unknown until the read comes back; the display is the name so far.
        MatchCase{"UnresolvedReferenceIsUnknown",
                  R"("medicationReference":{"reference":"Medication/unread","display":"Truxima"})",
                  fhir::Tri::kUnknown,
                  "Truxima",
                  {"Medication/unread"}},
        MatchCase{"MissingContainedIsUnknown",
                  R"("medicationReference":{"reference":"#nope"})",
                  fhir::Tri::kUnknown,
                  "",
                  {}},
        MatchCase{
            "OtherServerIsUnknownAndNotFetched",
            R"("medicationReference":{"reference":"https://other.example/fhir/Medication/x"})",
            fhir::Tri::kUnknown,
            "",
            {}}),
    [](const auto& row) { return row.param.name; });

}  // namespace
}  // namespace cds::hooks
