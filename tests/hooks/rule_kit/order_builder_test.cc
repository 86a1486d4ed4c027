// hooks/order_builder: draft ServiceRequest / MedicationRequest resources of valid FHIR R4
// shape, with subject, encounter and requester from the hook context; the knowledge specs
// they are built from.
#include "hooks/rule_kit/order_builder.h"

#include "cards/json.h"

#include "tests/support/cds_response_validator.h"
#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::CdsResponseViolations;
using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

std::unique_ptr<json::Document> ParseDoc(const std::string& text) {
  auto doc = json::ParseJson(text, json::JsonLimits{});
  EXPECT_THAT(doc, IsOk()) << text;
  return std::move(doc).value();
}

CdsRequest Request(const std::string& context) {
  auto r = CdsRequest::Parse(
      ParseDoc(R"({"hook":"order-sign","hookInstance":"h","context":)" + context + "}"),
      Hook::kOrderSign);
  EXPECT_THAT(r, IsOk());
  return std::move(r).value();
}

constexpr char kFullContext[] =
    R"({"userId":"Practitioner/dr1","patientId":"p1","encounterId":"e7","draftOrders":{"resourceType":"Bundle"}})";

config::CodeEntry HbsAg() { return {"http://loinc.org", "5196-1", "HBsAg", "LOINC"}; }

TEST(ServiceRequestJson, DraftOrderForThePatientEncounterAndUser) {
  CdsRequest r = Request(kFullContext);
  auto doc = ParseDoc(ServiceRequestJson(r, HbsAg()));
  const json::Value& sr = *doc;
  EXPECT_EQ(json::GetString(sr, "resourceType"), "ServiceRequest");
  EXPECT_EQ(json::GetString(sr, "status"), "draft");
  EXPECT_EQ(json::GetString(sr, "intent"), "order");
  const json::Value& coding = sr["code"]["coding"][0];
  EXPECT_EQ(json::GetString(coding, "system"), "http://loinc.org");
  EXPECT_EQ(json::GetString(coding, "code"), "5196-1");
  EXPECT_EQ(json::GetString(coding, "display"), "HBsAg");
  EXPECT_EQ(json::GetString(sr["code"], "text"), "HBsAg");
  EXPECT_EQ(json::GetString(sr["subject"], "reference"), "Patient/p1");
  EXPECT_EQ(json::GetString(sr["encounter"], "reference"), "Encounter/e7");
  EXPECT_EQ(json::GetString(sr["requester"], "reference"), "Practitioner/dr1");
  EXPECT_FALSE(sr.HasMember("id"));  // the EHR assigns it
}

struct ContextCase {
  std::string name;
  std::string context;
  std::string requester;  // "" = absent
  bool has_encounter;
};
void PrintTo(const ContextCase& c, std::ostream* os) { *os << c.name; }

class ReferencesFromContext : public ::testing::TestWithParam<ContextCase> {};

TEST_P(ReferencesFromContext, OnlyWhatTheContextNames) {
  CdsRequest r = Request(GetParam().context);
  MedicationSpec spec;
  spec.medication = {"http://www.nlm.nih.gov/research/umls/rxnorm", "1", "x", "s"};
  spec.dose.value = 1;
  spec.dose.unit = "mg";
  spec.frequency.period_unit = "d";
  spec.text = "1 mg daily";
  for (const std::string& text : {ServiceRequestJson(r, HbsAg()), MedicationRequestJson(r, spec)}) {
    auto doc = ParseDoc(text);
    EXPECT_EQ(json::GetString((*doc)["subject"], "reference"), "Patient/p1");
    EXPECT_EQ(doc->HasMember("encounter"), GetParam().has_encounter);
    if (GetParam().requester.empty()) {
      EXPECT_FALSE(doc->HasMember("requester"));
    } else {
      EXPECT_EQ(json::GetString((*doc)["requester"], "reference"), GetParam().requester);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Contexts, ReferencesFromContext,
    ::testing::Values(
        ContextCase{"Practitioner", kFullContext, "Practitioner/dr1", true},
        ContextCase{
            "PractitionerRole",
            R"({"userId":"PractitionerRole/r1","patientId":"Patient/p1","draftOrders":{"resourceType":"Bundle"}})",
            "PractitionerRole/r1", false},
        // A patient is not a requester of their own orders here.
        ContextCase{
            "PatientUser",
            R"({"userId":"Patient/p1","patientId":"p1","draftOrders":{"resourceType":"Bundle"}})",
            "", false},
        ContextCase{
            "NoUser",
            R"({"patientId":"p1","encounterId":"Encounter/e2","draftOrders":{"resourceType":"Bundle"}})",
            "", true}),
    [](const auto& row) { return row.param.name; });

MedicationSpec Entecavir() {
  MedicationSpec s;
  s.label = "Entecavir 0.5 mg daily";
  s.medication = {"http://www.nlm.nih.gov/research/umls/rxnorm", "306266",
                  "entecavir 0.5 MG Oral Tablet", "RxNorm"};
  s.dose.value = 0.5;
  s.dose.unit = "mg";
  s.route = config::CodeEntry{"http://snomed.info/sct", "26643006", "Oral route", "SNOMED"};
  s.frequency.count = 1;
  s.frequency.period = 1;
  s.frequency.period_unit = "d";
  s.text = "0.5 mg by mouth once daily";
  return s;
}

TEST(MedicationRequestJson, DosageShape) {
  CdsRequest r = Request(kFullContext);
  auto doc = ParseDoc(MedicationRequestJson(r, Entecavir()));
  const json::Value& mr = *doc;
  EXPECT_EQ(json::GetString(mr, "resourceType"), "MedicationRequest");
  EXPECT_EQ(json::GetString(mr, "status"), "draft");
  EXPECT_EQ(json::GetString(mr, "intent"), "order");
  EXPECT_EQ(json::GetString(mr["medicationCodeableConcept"]["coding"][0], "code"), "306266");
  ASSERT_TRUE(mr["dosageInstruction"].IsArray());
  const json::Value& d = mr["dosageInstruction"][0];
  EXPECT_EQ(json::GetString(d, "text"), "0.5 mg by mouth once daily");
  const json::Value& repeat = d["timing"]["repeat"];
  EXPECT_EQ(json::GetInt64(repeat, "frequency"), 1);
  EXPECT_EQ(json::GetNumber(repeat, "period"), 1.0);
  EXPECT_EQ(json::GetString(repeat, "periodUnit"), "d");
  EXPECT_EQ(json::GetString(d["route"]["coding"][0], "code"), "26643006");
  ASSERT_TRUE(d["doseAndRate"]
                  .IsArray());  // R4: an array (the hook library example's object form is wrong)
  const json::Value& q = d["doseAndRate"][0]["doseQuantity"];
  EXPECT_EQ(json::GetNumber(q, "value"), 0.5);
  EXPECT_EQ(json::GetString(q, "unit"), "mg");
  EXPECT_EQ(json::GetString(q, "system"), "http://unitsofmeasure.org");
  EXPECT_EQ(json::GetString(q, "code"), "mg");
}

TEST(MedicationRequestJson, RouteIsOptional) {
  CdsRequest r = Request(kFullContext);
  MedicationSpec s = Entecavir();
  s.route.reset();
  auto doc = ParseDoc(MedicationRequestJson(r, s));
  EXPECT_FALSE((*doc)["dosageInstruction"][0].HasMember("route"));
}

TEST(CreateAction, CarriesTheResourceAndPassesTheResponseValidator) {
  CdsRequest r = Request(kFullContext);
  cards::Action sr = CreateAction("Order HBsAg", ServiceRequestJson(r, HbsAg()));
  EXPECT_EQ(sr.type, cards::ActionType::kCreate);
  EXPECT_EQ(sr.description, "Order HBsAg");
  EXPECT_THAT(cards::Validate(sr), IsOk());
  cards::Card card;
  card.uuid = "c1";
  card.summary = "s";
  card.source.label = "l";
  card.source.topic = cards::Coding{"urn:r", "r", ""};
  cards::Suggestion s;
  s.label = "Order";
  s.uuid = "s1";
  s.actions = {sr, CreateAction("Start entecavir", MedicationRequestJson(r, Entecavir()))};
  card.suggestions.push_back(s);
  card.selection_behavior = cards::SelectionBehavior::kAtMostOne;
  cards::Response resp;
  resp.cards.push_back(card);
  ASSERT_THAT(cards::Validate(resp), IsOk());
  std::string body = cards::ToJson(resp);
  EXPECT_EQ(CdsResponseViolations(body), "") << body;
}

// Specs from knowledge: the RuleBuildContext resolves code-system aliases.
class SpecTest : public ::testing::Test {
 protected:
  SpecTest() {
    knowledge_.system_aliases = {{"loinc", "http://loinc.org"},
                                 {"rxnorm", "http://www.nlm.nih.gov/research/umls/rxnorm"},
                                 {"snomed", "http://snomed.info/sct"}};
  }

  StatusOr<MedicationSpec> Medication(const std::string& json) {
    doc_ = ParseDoc(json);
    RuleBuildContext ctx(knowledge_, config::Node(*doc_, "knowledge/rules/r.json", "$"),
                         RuleBasics{});
    return ParseMedicationSpec(ctx, config::Node(*doc_, "knowledge/rules/r.json", "$.drug"));
  }
  StatusOr<OrderSpec> Order(const std::string& json) {
    doc_ = ParseDoc(json);
    RuleBuildContext ctx(knowledge_, config::Node(*doc_, "knowledge/rules/r.json", "$"),
                         RuleBasics{});
    return ParseOrderSpec(ctx, config::Node(*doc_, "knowledge/rules/r.json", "$.test"));
  }

  config::Knowledge knowledge_;
  std::unique_ptr<json::Document> doc_;
};

TEST_F(SpecTest, OrderSpec) {
  auto s = Order(
      R"({"label":"HBsAg","code":{"system":"loinc","code":"5196-1","display":"HBsAg","source":"LOINC"}})");
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->label, "HBsAg");
  EXPECT_EQ(s->code.system, "http://loinc.org");
  EXPECT_THAT(Order(R"({"label":"HBsAg","cdoe":{}})"),
              StatusIs(StatusCode::kInvalidArgument,
                       "knowledge/rules/r.json: $.test.cdoe: unknown setting (misspelt?)"));
  EXPECT_THAT(
      Order(R"({"label":"HBsAg","code":{"system":"lonic","code":"1","display":"d","source":"s"}})"),
      StatusIs(StatusCode::kInvalidArgument,
               "knowledge/rules/r.json: $.test.code.system: unknown code system alias 'lonic'"));
}

constexpr char kDrug[] =
    R"({"label":"Entecavir","medication":{"system":"rxnorm","code":"306266","display":"entecavir",
  "source":"RxNorm"},"dose":{"value":0.5,"unit":"mg"},"route":{"system":"snomed","code":"26643006","display":"Oral",
  "source":"SNOMED"},"frequency":{"count":2,"period":1,"period_unit":"d"},"text":"0.5 mg twice daily"})";

TEST_F(SpecTest, MedicationSpec) {
  auto s = Medication(kDrug);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->label, "Entecavir");
  EXPECT_EQ(s->medication.system, "http://www.nlm.nih.gov/research/umls/rxnorm");
  EXPECT_DOUBLE_EQ(s->dose.value, 0.5);
  EXPECT_EQ(s->dose.unit, "mg");
  ASSERT_TRUE(s->route.has_value());
  EXPECT_EQ(s->route->code, "26643006");
  EXPECT_EQ(s->frequency.count, 2);
  EXPECT_DOUBLE_EQ(s->frequency.period, 1);
  EXPECT_EQ(s->frequency.period_unit, "d");
  EXPECT_EQ(s->text, "0.5 mg twice daily");
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

struct SpecError {
  std::string name;
  std::string from, to;  // one edit of kDrug
  std::string message;
};
void PrintTo(const SpecError& c, std::ostream* os) { *os << c.name; }

class MedicationSpecRejects : public SpecTest, public ::testing::WithParamInterface<SpecError> {};

TEST_P(MedicationSpecRejects, NamingThePath) {
  EXPECT_THAT(Medication(Replace(kDrug, GetParam().from, GetParam().to)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, MedicationSpecRejects,
    ::testing::Values(
        SpecError{"DoseZero", R"("value":0.5)", R"("value":0)",
                  "knowledge/rules/r.json: $.drug.dose.value: must be > 0"},
        SpecError{"DoseNotNumber", R"("value":0.5)", R"("value":"0.5")",
                  "$.drug.dose.value: must be a number"},
        SpecError{"DoseUnitMissing", R"(,"unit":"mg")", "", "$.drug.dose.unit: is required"},
        SpecError{"CountZero", R"("count":2)", R"("count":0)",
                  "$.drug.frequency.count: must be 1-24"},
        SpecError{"CountTooMany", R"("count":2)", R"("count":25)",
                  "$.drug.frequency.count: must be 1-24"},
        SpecError{"CountFraction", R"("count":2)", R"("count":1.5)",
                  "$.drug.frequency.count: must be an integer"},
        SpecError{"PeriodZero", R"("period":1)", R"("period":0)",
                  "$.drug.frequency.period: must be > 0"},
        SpecError{"PeriodUnitUnknown", R"("period_unit":"d")", R"("period_unit":"min")",
                  "$.drug.frequency.period_unit: must be h, d, wk or mo"},
        SpecError{"TextMissing", R"(,"text":"0.5 mg twice daily")", "", "$.drug.text: is required"},
        SpecError{"MisspeltKey", R"("route":)", R"("rout":)",
                  "$.drug.rout: unknown setting (misspelt?)"},
        SpecError{"FrequencyMisspelt", R"("period_unit")", R"("periodUnit")",
                  "$.drug.frequency.periodUnit: unknown setting (misspelt?)"}),
    [](const auto& row) { return row.param.name; });

}  // namespace
}  // namespace cds::hooks
