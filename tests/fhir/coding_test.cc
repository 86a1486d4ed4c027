#include "fhir/coding.h"

#include <string>
#include <vector>

#include "tests/fhir/fhir_test_util.h"

namespace cds::fhir {
namespace {

using ::cds::fhir::testing::Json;

std::string Cc(const std::string& codings, const std::string& extra = "") {
  return R"({"coding":[)" + codings + "]" + extra + "}";
}
std::string Coding(std::string_view system, std::string_view code) {
  return R"({"system":")" + std::string(system) + R"(","code":")" + std::string(code) + R"("})";
}

TEST(ReadCodingTest, NeedsStringSystemAndCode) {
  auto ok = Json(R"({"system":"http://loinc.org","code":"4548-4","display":"HbA1c"})");
  auto c = ReadCoding(*ok);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->system, kLoinc);
  EXPECT_EQ(c->code, "4548-4");
  EXPECT_EQ(c->display, "HbA1c");
  auto no_display = Json(R"({"system":"http://loinc.org","code":"4548-4"})");
  ASSERT_TRUE(ReadCoding(*no_display));
  EXPECT_EQ(ReadCoding(*no_display)->display, "");
  for (const char* bad : {R"({"code":"4548-4"})", R"({"system":"http://loinc.org"})",
                          R"({"system":"http://loinc.org","code":4548})",
                          R"({"system":null,"code":"4548-4"})", R"("4548-4")", "[]"}) {
    auto doc = Json(bad);
    EXPECT_FALSE(ReadCoding(*doc)) << bad;
  }
}

TEST(ForEachCodingTest, SkipsMalformedCodings) {
  auto cc = Json(Cc(Coding(kLoinc, "1") + R"(,{"code":"2"},"str",null,7,)" + Coding(kSnomed, "3") +
                    R"(,{"system":"http://loinc.org","code":{"x":1}})"));
  std::vector<std::string> seen;
  ForEachCoding(*cc, [&](const CodingView& c) { seen.push_back(std::string(c.code)); });
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "3"}));

  for (const char* shape : {R"({"coding":{"system":"s","code":"c"}})", R"({"text":"x"})",
                            R"("not a cc")", "[]", "{}"}) {
    auto doc = Json(shape);
    int n = 0;
    ForEachCoding(*doc, [&](const CodingView&) { ++n; });
    EXPECT_EQ(n, 0) << shape;
  }
}

TEST(ConceptTextTest, TextThenFirstDisplay) {
  struct Row {
    const char* json;
    const char* want;
  } rows[] = {
      {R"({"text":"Hemoglobin A1c","coding":[{"system":"s","code":"c","display":"d"}]})",
       "Hemoglobin A1c"},
      {R"({"text":"","coding":[{"system":"s","code":"c","display":"d"}]})", "d"},
      {R"({"coding":[{"system":"s","code":"c"},{"display":""},{"display":"second"}]})", "second"},
      {R"({"coding":[{"display":"no system still displays"}]})", "no system still displays"},
      {R"({"coding":[{"system":"s","code":"c"}]})", ""},
      {R"({"text":7})", ""},
      {R"({})", ""},
      {R"("text")", ""},
  };
  for (const Row& r : rows) {
    auto doc = Json(r.json);
    EXPECT_EQ(ConceptText(*doc), r.want) << r.json;
  }
}

CodeSet Neuropathy() {
  CodeSet s;
  s.Add(kRxNorm, "25480");    // gabapentin
  s.Add(kRxNorm, "187832");   // pregabalin
  s.Add(kAtc, "N02BF01");     // gabapentin (current ATC)
  s.AddPrefix(kAtc, "N02A");  // opioids
  return s;
}

TEST(CodeSetTest, ExactSystemAndCode) {
  CodeSet s = Neuropathy();
  EXPECT_TRUE(s.Contains(kRxNorm, "25480"));
  EXPECT_TRUE(s.Contains(kRxNorm, "187832"));
  EXPECT_FALSE(s.Contains(kRxNorm, "2548"));  // no prefix matching for exact entries
  EXPECT_FALSE(s.Contains(kRxNorm, "254800"));
  EXPECT_FALSE(s.Contains(kSnomed, "25480"));  // same code, other system
  EXPECT_FALSE(s.Contains("", "25480"));
  EXPECT_FALSE(s.Contains("http://www.nlm.nih.gov/research/umls/rxnorm/", "25480"));
  EXPECT_FALSE(s.Contains(kRxNorm, ""));
  EXPECT_TRUE(s.Contains(kAtc, "N02BF01"));
  EXPECT_FALSE(s.Contains(kAtc, "n02bf01"));  // codes are case-sensitive
}

TEST(CodeSetTest, Prefix) {
  CodeSet s = Neuropathy();
  EXPECT_TRUE(s.Contains(kAtc, "N02A"));
  EXPECT_TRUE(s.Contains(kAtc, "N02AX02"));  // tramadol
  EXPECT_TRUE(s.Contains(kAtc, "N02AA01"));  // morphine
  EXPECT_FALSE(s.Contains(kAtc, "N02B"));
  EXPECT_FALSE(s.Contains(kAtc, "N02BE01"));
  EXPECT_FALSE(s.Contains(kAtc, "N02"));         // shorter than the prefix
  EXPECT_FALSE(s.Contains(kRxNorm, "N02AX02"));  // prefixes are per system
}

TEST(CodeSetTest, FirstMatchOverSeveralCodings) {
  CodeSet s = Neuropathy();
  auto cc = Json(Cc(Coding(kSnomed, "25480") + "," + R"({"code":"25480"},)" +
                    Coding(kAtc, "N02AX02") + "," + Coding(kRxNorm, "25480")));
  auto m = s.FirstMatch(*cc);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->system, kAtc);
  EXPECT_EQ(m->code, "N02AX02");
  EXPECT_TRUE(s.Matches(*cc));

  auto none = Json(Cc(Coding(kSnomed, "25480") + "," + Coding(kAtc, "N02BE01")));
  EXPECT_FALSE(s.FirstMatch(*none));
  EXPECT_FALSE(s.Matches(*none));

  // Display text never matches, however convincing.
  auto by_text = Json(R"({"text":"gabapentin","coding":[{"display":"gabapentin 300 MG"}]})");
  EXPECT_FALSE(s.Matches(*by_text));
  auto no_coding = Json("{}");
  EXPECT_FALSE(s.Matches(*no_coding));
  auto not_object = Json("[]");
  EXPECT_FALSE(s.Matches(*not_object));
}

TEST(CodeSetTest, MatchesMember) {
  CodeSet s = Neuropathy();
  auto med = Json(R"({"resourceType":"MedicationRequest",
    "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"187832"}]},
    "code":"187832"})");
  EXPECT_TRUE(s.MatchesMember(*med, "medicationCodeableConcept"));
  EXPECT_FALSE(s.MatchesMember(*med, "code"));  // not a CodeableConcept
  EXPECT_FALSE(s.MatchesMember(*med, "missing"));
}

TEST(CodeSetTest, AddAllSizeAndEmpty) {
  CodeSet empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_FALSE(empty.Contains(kRxNorm, "25480"));

  CodeSet a = Neuropathy();
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a.size(), 4u);
  a.Add(kRxNorm, "25480");  // duplicate exact code
  EXPECT_EQ(a.size(), 4u);

  CodeSet b;
  b.AddPrefix(kAtc, "L01FF");
  b.Add(kSnomed, "42345000");
  EXPECT_EQ(b.size(), 2u);
  CodeSet merged;
  merged.AddAll(a);
  merged.AddAll(b);
  EXPECT_EQ(merged.size(), 6u);
  EXPECT_TRUE(merged.Contains(kAtc, "L01FF02"));
  EXPECT_TRUE(merged.Contains(kAtc, "N02AA01"));
  EXPECT_TRUE(merged.Contains(kSnomed, "42345000"));
  EXPECT_TRUE(merged.Contains(kRxNorm, "187832"));
  // AddAll copies: later changes to the source do not leak into the merged set.
  b.Add(kSnomed, "1");
  EXPECT_FALSE(merged.Contains(kSnomed, "1"));
}

TEST(CodeSetTest, ConstantsMatchTerminologyTable) {
  EXPECT_EQ(kRxNorm, "http://www.nlm.nih.gov/research/umls/rxnorm");
  EXPECT_EQ(kLoinc, "http://loinc.org");
  EXPECT_EQ(kSnomed, "http://snomed.info/sct");
  EXPECT_EQ(kIcd10Cm, "http://hl7.org/fhir/sid/icd-10-cm");
  EXPECT_EQ(kUcum, "http://unitsofmeasure.org");
  EXPECT_EQ(kAtc, "http://www.whocc.no/atc");
  EXPECT_EQ(kV3Interpretation,
            "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation");
}

}  // namespace
}  // namespace cds::fhir
