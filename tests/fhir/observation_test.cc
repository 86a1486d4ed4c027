#include "fhir/observation.h"

#include <string>

#include "fhir/coding.h"

#include "tests/fhir/fhir_test_util.h"

namespace cds::fhir {
namespace {

using ::cds::fhir::testing::Json;
using ::cds::fhir::testing::Utc;

// {"resourceType":"Observation","status":"final", <members>}
std::unique_ptr<json::Document> Obs(const std::string& members) {
  std::string s = R"({"resourceType":"Observation","id":"o1","status":"final")";
  if (!members.empty()) s += "," + members;
  return Json(s + "}");
}

std::string ValueConcept(std::string_view system, std::string_view code,
                         const std::string& extra = "") {
  return R"("valueCodeableConcept":{"coding":[{"system":")" + std::string(system) +
         R"(","code":")" + std::string(code) + R"("}])" + extra + "}";
}

std::string Interpretation(std::string_view code) {
  return R"("interpretation":[{"coding":[{"system":")" + std::string(kV3Interpretation) +
         R"(","code":")" + std::string(code) + R"("}]}])";
}

TEST(ObservationTest, HasUsableStatus) {
  struct Row {
    const char* status;
    bool usable;
  } rows[] = {{"final", true},
              {"amended", true},
              {"corrected", true},
              {"registered", false},
              {"preliminary", false},
              {"cancelled", false},
              {"entered-in-error", false},
              {"unknown", false},
              {"", false},
              {"Final", false}};
  for (const Row& r : rows) {
    auto doc =
        Json(std::string(R"({"resourceType":"Observation","status":")") + r.status + R"("})");
    EXPECT_EQ(Observation(*doc).HasUsableStatus(), r.usable) << r.status;
    EXPECT_EQ(Observation(*doc).status(), r.status);
  }
  auto missing = Json(R"({"resourceType":"Observation"})");
  EXPECT_FALSE(Observation(*missing).HasUsableStatus());
  auto mistyped = Json(R"({"resourceType":"Observation","status":["final"]})");
  EXPECT_FALSE(Observation(*mistyped).HasUsableStatus());
}

TEST(ObservationTest, EffectiveTime) {
  struct Row {
    std::string members;
    bool present;
    EpochMillis begin;
    EpochMillis end;
  } rows[] = {
      {R"("effectiveDateTime":"2024-05-17")", true, Utc(2024, 5, 17), Utc(2024, 5, 18)},
      {R"("effectiveDateTime":"2024-05-17T10:00:00+02:00","issued":"2024-06-01T00:00:00Z")", true,
       Utc(2024, 5, 17, 8), Utc(2024, 5, 17, 8) + 1},
      {R"("effectiveInstant":"2024-05-17T10:00:00.250Z")", true, Utc(2024, 5, 17, 10, 0, 0, 250),
       Utc(2024, 5, 17, 10, 0, 0, 251)},
      // Period: start only, end only, both.
      {R"("effectivePeriod":{"start":"2024-05-01"})", true, Utc(2024, 5, 1), Utc(2024, 5, 2)},
      {R"("effectivePeriod":{"end":"2024-05-03"})", true, Utc(2024, 5, 3), Utc(2024, 5, 4)},
      {R"("effectivePeriod":{"start":"2024-05-01","end":"2024-05-03"})", true, Utc(2024, 5, 1),
       Utc(2024, 5, 4)},
      {R"("effectivePeriod":{"start":"2024-05-01T08:00:00Z","end":"2024-05-01T09:30:00Z"})", true,
       Utc(2024, 5, 1, 8), Utc(2024, 5, 1, 9, 30) + 1},
      // issued is the fallback, also when effective[x] is present but unusable.
      {R"("issued":"2024-05-20T12:00:00Z")", true, Utc(2024, 5, 20, 12), Utc(2024, 5, 20, 12) + 1},
      {R"("effectiveDateTime":"2024-02-30","issued":"2024-05-20T12:00:00Z")", true,
       Utc(2024, 5, 20, 12), Utc(2024, 5, 20, 12) + 1},
      {R"("effectivePeriod":{},"issued":"2024-05-20T12:00:00Z")", true, Utc(2024, 5, 20, 12),
       Utc(2024, 5, 20, 12) + 1},
      // effectiveDateTime wins over effectiveInstant and effectivePeriod.
      {R"("effectiveDateTime":"2024-01-01","effectiveInstant":"2024-02-01T00:00:00Z",
          "effectivePeriod":{"start":"2024-03-01"})",
       true, Utc(2024, 1, 1), Utc(2024, 1, 2)},
      {R"("effectiveTiming":{"event":["2024-01-01"]})", false, 0, 0},
      {"", false, 0, 0},
  };
  for (const Row& r : rows) {
    auto doc = Obs(r.members);
    auto t = Observation(*doc).EffectiveTime();
    ASSERT_EQ(t.has_value(), r.present) << r.members;
    if (!t) continue;
    EXPECT_EQ(t->begin, r.begin) << r.members;
    EXPECT_EQ(t->end, r.end) << r.members;
  }
}

TEST(ObservationTest, QualitativeFromSnomedValue) {
  // All nine SNOMED CT qualifier values of terminology.md section 3a.
  struct Row {
    const char* code;
    Qualitative want;
  } rows[] = {
      {"10828004", Qualitative::kPositive},       {"11214006", Qualitative::kPositive},
      {"260373001", Qualitative::kPositive},      {"260385009", Qualitative::kNegative},
      {"131194007", Qualitative::kNegative},      {"260415000", Qualitative::kNegative},
      {"419984006", Qualitative::kIndeterminate}, {"42425007", Qualitative::kIndeterminate},
      {"82334004", Qualitative::kIndeterminate},  {"112144000", Qualitative::kUnknown},
      {"2667000", Qualitative::kUnknown},
  };
  for (const Row& r : rows) {
    auto doc = Obs(ValueConcept(kSnomed, r.code));
    EXPECT_EQ(Observation(*doc).QualitativeResult(), r.want) << r.code;
    // The same code in another system means nothing.
    auto other = Obs(ValueConcept(kLoinc, r.code));
    EXPECT_EQ(Observation(*other).QualitativeResult(), Qualitative::kUnknown) << r.code;
  }
}

struct InterpRow {
  const char* code;
  Qualitative want;
};

const InterpRow kInterpretationRows[] = {
    {"POS", Qualitative::kPositive},    {"NEG", Qualitative::kNegative},
    {"A", Qualitative::kPositive},      {"AA", Qualitative::kPositive},
    {"N", Qualitative::kNegative},      {"DET", Qualitative::kPositive},
    {"ND", Qualitative::kNegative},     {"RR", Qualitative::kPositive},
    {"NR", Qualitative::kNegative},     {"IND", Qualitative::kIndeterminate},
    {"E", Qualitative::kIndeterminate}, {"H", Qualitative::kUnknown},
    {"L", Qualitative::kUnknown},       {"HH", Qualitative::kUnknown},
    {"LL", Qualitative::kUnknown},      {"pos", Qualitative::kUnknown},
};

TEST(ObservationTest, QualitativeFromInterpretationCodesInValue) {
  for (const InterpRow& r : kInterpretationRows) {
    auto v3 = Obs(ValueConcept(kV3Interpretation, r.code));
    EXPECT_EQ(Observation(*v3).QualitativeResult(), r.want) << r.code;
    auto v2 = Obs(ValueConcept("http://terminology.hl7.org/CodeSystem/v2-0078", r.code));
    EXPECT_EQ(Observation(*v2).QualitativeResult(), r.want) << "v2 " << r.code;
  }
}

TEST(ObservationTest, QualitativeFromInterpretationArray) {
  for (const InterpRow& r : kInterpretationRows) {
    auto doc = Obs(Interpretation(r.code));
    EXPECT_EQ(Observation(*doc).QualitativeResult(), r.want) << r.code;
  }
  // The first decisive interpretation wins; unknown ones are skipped.
  auto several = Obs(R"("interpretation":[{"coding":[{"system":")" +
                     std::string(kV3Interpretation) + R"(","code":"H"}]},{"text":"Reactive"},
      {"coding":[{"system":")" +
                     std::string(kV3Interpretation) + R"(","code":"NEG"}]}])");
  EXPECT_EQ(Observation(*several).QualitativeResult(), Qualitative::kPositive);
  auto malformed = Obs(R"("interpretation":{"coding":[{"system":")" +
                       std::string(kV3Interpretation) + R"(","code":"POS"}]})");
  EXPECT_EQ(Observation(*malformed).QualitativeResult(), Qualitative::kUnknown);
}

TEST(ObservationTest, QualitativeFromValueString) {
  struct Row {
    const char* text;
    Qualitative want;
  } rows[] = {
      {"Reactive", Qualitative::kPositive},
      {"POSITIVE", Qualitative::kPositive},
      {"detected", Qualitative::kPositive},
      {" Positive. ", Qualitative::kPositive},
      {"NOT DETECTED", Qualitative::kNegative},
      {"non-reactive", Qualitative::kNegative},
      {"Non_Reactive", Qualitative::kNegative},
      {"nonreactive", Qualitative::kNegative},
      {"Negative", Qualitative::kNegative},
      {"none detected", Qualitative::kNegative},
      {"Equivocal", Qualitative::kIndeterminate},
      {"indeterminate", Qualitative::kIndeterminate},
      {"inconclusive", Qualitative::kIndeterminate},
      {"Borderline", Qualitative::kIndeterminate},
      // Free sentences are not guessed at.
      {"Patient tested positive last year", Qualitative::kUnknown},
      {"not negative", Qualitative::kUnknown},
      {"weakly reactive", Qualitative::kUnknown},
      {"positive?", Qualitative::kUnknown},
      {"", Qualitative::kUnknown},
      {"...", Qualitative::kUnknown},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(QualitativeFromText(r.text), r.want) << r.text;
    auto doc = Obs(std::string(R"("valueString":")") + r.text + R"(")");
    EXPECT_EQ(Observation(*doc).QualitativeResult(), r.want) << r.text;
  }
}

TEST(ObservationTest, QualitativeFromConceptText) {
  auto text_only = Obs(R"("valueCodeableConcept":{"text":"Not detected"})");
  EXPECT_EQ(Observation(*text_only).QualitativeResult(), Qualitative::kNegative);
  // A decisive coding wins over contradicting text.
  auto both = Obs(ValueConcept(kSnomed, "10828004", R"(,"text":"negative")"));
  EXPECT_EQ(Observation(*both).QualitativeResult(), Qualitative::kPositive);
  // An unknown coding falls back to the text.
  auto unknown_code = Obs(ValueConcept(kSnomed, "112144000", R"(,"text":"negative")"));
  EXPECT_EQ(Observation(*unknown_code).QualitativeResult(), Qualitative::kNegative);
}

TEST(ObservationTest, ValueTakesPrecedenceOverInterpretation) {
  auto positive_value = Obs(ValueConcept(kSnomed, "10828004") + "," + Interpretation("NEG"));
  EXPECT_EQ(Observation(*positive_value).QualitativeResult(), Qualitative::kPositive);
  auto negative_string = Obs(R"("valueString":"negative",)" + Interpretation("POS"));
  EXPECT_EQ(Observation(*negative_string).QualitativeResult(), Qualitative::kNegative);
  // An unreadable value leaves the interpretation to decide.
  auto unreadable = Obs(R"("valueString":"see comment",)" + Interpretation("POS"));
  EXPECT_EQ(Observation(*unreadable).QualitativeResult(), Qualitative::kPositive);
  auto numeric = Obs(R"("valueQuantity":{"value":0.2,"unit":"%"},)" + Interpretation("NEG"));
  EXPECT_EQ(Observation(*numeric).QualitativeResult(), Qualitative::kNegative);
  // A purely numeric result has no qualitative reading.
  auto purely_numeric = Obs(R"("valueQuantity":{"value":250,"unit":"mg/dL"})");
  EXPECT_EQ(Observation(*purely_numeric).QualitativeResult(), Qualitative::kUnknown);
  auto nothing = Obs("");
  EXPECT_EQ(Observation(*nothing).QualitativeResult(), Qualitative::kUnknown);
}

TEST(ObservationTest, QualitativeName) {
  EXPECT_EQ(QualitativeName(Qualitative::kPositive), "positive");
  EXPECT_EQ(QualitativeName(Qualitative::kNegative), "negative");
  EXPECT_EQ(QualitativeName(Qualitative::kIndeterminate), "indeterminate");
  EXPECT_EQ(QualitativeName(Qualitative::kUnknown), "unknown");
}

TEST(ObservationTest, ValueText) {
  struct Row {
    std::string members;
    const char* want;
  } rows[] = {
      {R"("valueQuantity":{"value":4.2,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"})",
       "4.2 g/dL"},
      {R"("valueQuantity":{"value":5,"comparator":"<","unit":"g/dL"})", "<5 g/dL"},
      {R"("valueQuantity":{"value":5,"comparator":">=","code":"g/dL"})", ">=5 g/dL"},
      {R"("valueQuantity":{"value":1000})", "1000"},
      {R"("valueQuantity":{"value":0.05,"unit":"mg/L"})", "0.05 mg/L"},
      {ValueConcept(kSnomed, "11214006"), "positive"},
      {R"("valueString":"NOT DETECTED")", "negative"},
      {R"("valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"112144000","display":"Blood group A"}]})",
       "Blood group A"},
      {R"("valueString":"Mother is trained")", "Mother is trained"},
      {Interpretation("POS"), "positive"},
      {"", ""},
  };
  for (const Row& r : rows) {
    auto doc = Obs(r.members);
    EXPECT_EQ(Observation(*doc).ValueText(), r.want) << r.members;
  }
}

TEST(ObservationTest, Accessors) {
  auto doc = Obs(R"("code":{"coding":[{"system":"http://loinc.org","code":"5196-1"}]},
                    "valueQuantity":{"value":1,"unit":"mg"},"valueString":"x")");
  Observation o(*doc);
  ASSERT_NE(o.code(), nullptr);
  EXPECT_TRUE(o.ValueQuantity());
  EXPECT_EQ(o.ValueString(), "x");
  EXPECT_EQ(o.ValueConcept(), nullptr);
  EXPECT_EQ(o.Key(), "Observation/o1");
}

TEST(FormatNumberTest, NoTrailingZeros) {
  EXPECT_EQ(FormatNumber(4.2), "4.2");
  EXPECT_EQ(FormatNumber(1000), "1000");
  EXPECT_EQ(FormatNumber(0.05), "0.05");
  EXPECT_EQ(FormatNumber(7), "7");
  EXPECT_EQ(FormatNumber(-1.5), "-1.5");
  EXPECT_EQ(FormatNumber(6.98044), "6.98044");
  EXPECT_EQ(FormatNumber(1500000), "1500000");  // never "1.5e+06" on a card
  EXPECT_EQ(FormatNumber(250000), "250000");
}

TEST(ObservationRealSamplesTest, HL7Examples) {
  CDS_REQUIRE_SAMPLES();
  using ::cds::fhir::testing::LoadSample;
  struct Row {
    const char* file;
    bool usable;
    Qualitative qualitative;
    const char* effective;  // ToString of EffectiveTime, "" when absent
  } rows[] = {
      {"observation-example-genetics-1.json", true, Qualitative::kPositive, "2013-04-03T14:30:10Z"},
      {"observation-example-genetics-5.json", true, Qualitative::kNegative, "2013-04-03T14:30:10Z"},
      {"observation-example-genetics-4.json", true, Qualitative::kPositive, "2013-04-03T14:30:10Z"},
      {"observation-example-herd1.json", true, Qualitative::kNegative, "2017-11-20"},
      {"observation-example-vp-oyster.json", false, Qualitative::kPositive, "2017-10-12"},
      {"observation-example-f206-staphylococcus.json", true, Qualitative::kPositive,
       "2013-03-11T09:28:00Z"},
      {"observation-example-f005-hemoglobin.json", true, Qualitative::kUnknown,
       "2013-04-05T09:30:10Z"},
      {"observation-example-f202-temperature.json", false, Qualitative::kUnknown,
       "2013-04-04T12:27:00Z"},
      {"observation-example-unsat.json", false, Qualitative::kUnknown, "2013-04-02T08:30:10Z"},
      {"observation-example-bloodgroup.json", true, Qualitative::kUnknown, "2018-03-11T16:07:54Z"},
      {"observation-example-genetics-brcapat.json", true, Qualitative::kUnknown, ""},
  };
  for (const Row& r : rows) {
    auto doc = LoadSample(std::string("hl7-r4-examples/") + r.file);
    Observation o(*doc);
    EXPECT_EQ(o.HasUsableStatus(), r.usable) << r.file;
    EXPECT_EQ(o.QualitativeResult(), r.qualitative) << r.file;
    auto t = o.EffectiveTime();
    EXPECT_EQ(t ? t->ToString() : "", r.effective) << r.file;
  }
  auto hb = LoadSample("hl7-r4-examples/observation-example-f005-hemoglobin.json");
  EXPECT_EQ(Observation(*hb).ValueText(), "7.2 g/dl");
  auto f002 = LoadSample("hl7-r4-examples/observation-example-f002-excess.json");
  auto span = Observation(*f002).EffectiveTime();
  ASSERT_TRUE(span);
  EXPECT_EQ(span->begin, Utc(2013, 4, 2, 9, 30, 10));
  EXPECT_EQ(span->end, Utc(2013, 4, 5, 9, 30, 10) + 1);
}

}  // namespace
}  // namespace cds::fhir
