#include "fhir/dosage.h"

#include <string>
#include <vector>

#include "tests/fhir/fhir_test_util.h"

namespace cds::fhir {
namespace {

using ::cds::fhir::testing::Json;
using ::cds::fhir::testing::LoadSample;
using ::testing::HasSubstr;

// A MedicationRequest whose dosageInstruction array holds `instructions` (comma-joined).
DosageSummary Summarize(const std::string& instructions) {
  auto doc =
      Json(R"({"resourceType":"MedicationRequest","dosageInstruction":[)" + instructions + "]}");
  return SummarizeDosage(*doc);  // owns its strings: the Document may go
}

std::string Mg(double v, const std::string& unit = "mg") {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return std::string(R"({"value":)") + buf + R"(,"unit":")" + unit +
         R"(","system":"http://unitsofmeasure.org","code":")" + unit + R"("})";
}
std::string Repeat(int frequency, double period, const std::string& unit) {
  char buf[128];
  std::snprintf(buf, sizeof(buf),
                R"("timing":{"repeat":{"frequency":%d,"period":%g,"periodUnit":"%s"}})", frequency,
                period, unit.c_str());
  return buf;
}
std::string Daily(int times) { return Repeat(times, 1, "d"); }
std::string CodeTiming(const std::string& code) {
  return R"("timing":{"code":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation","code":")" +
         code + R"("}]}})";
}
std::string DoseArray(const std::string& quantity) {
  return R"("doseAndRate":[{"doseQuantity":)" + quantity + "}]";
}
std::string DoseObject(const std::string& quantity) {
  return R"("doseAndRate":{"doseQuantity":)" + quantity + "}";
}
std::string Instruction(const std::string& members) { return "{" + members + "}"; }

struct Row {
  std::string name;
  std::string instructions;
  double low;       // < 0: daily dose not known
  double high;      // ...
  std::string why;  // substring of the reason when not known
  bool as_needed = false;
  DoseBasis basis = DoseBasis::kAbsolute;
};

class DailyDoseTable : public ::testing::TestWithParam<Row> {};

TEST_P(DailyDoseTable, Computes) {
  const Row& row = GetParam();
  DosageSummary s = Summarize(row.instructions);
  ASSERT_EQ(s.phases.size(), 1u);
  const DailyDose& d = s.phases[0].daily;
  if (row.low < 0) {
    EXPECT_FALSE(d.known) << d.Text();
    EXPECT_THAT(d.why, HasSubstr(row.why));
    EXPECT_THAT(s.DailyWhyNot(), HasSubstr(row.why));
    return;
  }
  ASSERT_TRUE(d.known) << d.why;
  EXPECT_DOUBLE_EQ(d.low, row.low);
  EXPECT_DOUBLE_EQ(d.high, row.high);
  EXPECT_EQ(d.as_needed, row.as_needed);
  EXPECT_EQ(d.basis, row.basis);
  EXPECT_EQ(s.DailyWhyNot(), "");
}

const std::string kEpicDoses = R"("doseAndRate":[
  {"type":{"coding":[{"system":"http://epic.com/CodeSystem/dose-rate-type","code":"calculated"}]},"doseQuantity":)" +
                               Mg(30) + R"(},
  {"type":{"coding":[{"system":"http://epic.com/CodeSystem/dose-rate-type","code":"admin-amount"}]},
   "doseQuantity":{"value":1,"unit":"tablet","system":"http://unitsofmeasure.org","code":"{tbl}"}},
  {"type":{"coding":[{"system":"http://epic.com/CodeSystem/dose-rate-type","code":"ordered"}]},"doseQuantity":)" +
                               Mg(30) + "}]";

INSTANTIATE_TEST_SUITE_P(
    Rows, DailyDoseTable,
    ::testing::Values(
        // dose x frequency per period
        Row{"ThirtyMgTwiceADay", Instruction(DoseArray(Mg(30)) + "," + Daily(2)), 60, 60, ""},
        Row{"TwentyMgThreeTimesADay", Instruction(DoseArray(Mg(20)) + "," + Daily(3)), 60, 60, ""},
        Row{"SixtyMgEvery24Hours", Instruction(DoseArray(Mg(60)) + "," + Repeat(1, 24, "h")), 60,
            60, ""},
        Row{"TenMgEvery6Hours", Instruction(DoseArray(Mg(10)) + "," + Repeat(1, 6, "h")), 40, 40,
            ""},
        Row{"FrequencyMax",
            Instruction(
                DoseArray(Mg(10)) +
                R"(,"timing":{"repeat":{"frequency":1,"frequencyMax":2,"period":1,"periodUnit":"d"}})"),
            10, 20, ""},
        // ways the dose is written
        Row{"DoseAndRateObject", Instruction(DoseObject(Mg(30)) + "," + Daily(2)), 60, 60, ""},
        Row{"Stu3DoseQuantity", Instruction(R"("doseQuantity":)" + Mg(30) + "," + Daily(2)), 60, 60,
            ""},
        Row{"Grams", Instruction(DoseArray(Mg(0.06, "g")) + "," + Daily(1)), 60, 60, ""},
        Row{"Micrograms", Instruction(DoseArray(Mg(60000, "ug")) + "," + Daily(1)), 60, 60, ""},
        Row{"McgAsUnitText",
            Instruction(R"("doseAndRate":[{"doseQuantity":{"value":500,"unit":"mcg"}}],)" +
                        Daily(2)),
            1, 1, ""},
        Row{"MgUnderOtherSystemReadsUnitText",
            Instruction(
                R"("doseAndRate":[{"doseQuantity":{"value":25,"unit":"mg","system":"urn:oid:1.2.3","code":"3"}}],)" +
                Daily(1)),
            25, 25, ""},
        Row{"DoseRange",
            Instruction(R"("doseAndRate":[{"doseRange":{"low":)" + Mg(30) + R"(,"high":)" + Mg(60) +
                        "}}]," + Daily(1)),
            30, 60, ""},
        Row{"PerBodySurfaceArea",
            Instruction(DoseArray(Mg(375, "mg/m2")) + R"(,"timing":{"repeat":{"count":1}})"), 375,
            375, "", false, DoseBasis::kPerBodySurfaceArea},
        Row{"PerBodyWeight", Instruction(DoseArray(Mg(2, "mg/kg")) + "," + Daily(1)), 2, 2, "",
            false, DoseBasis::kPerBodyWeight},
        Row{"EpicThreeEntriesAgree", Instruction(kEpicDoses + "," + Repeat(1, 4, "h")), 180, 180,
            ""},
        // timing.code
        Row{"CodeBid", Instruction(DoseArray(Mg(30)) + "," + CodeTiming("BID")), 60, 60, ""},
        Row{"CodeTid", Instruction(DoseArray(Mg(20)) + "," + CodeTiming("TID")), 60, 60, ""},
        Row{"CodeQid", Instruction(DoseArray(Mg(10)) + "," + CodeTiming("QID")), 40, 40, ""},
        Row{"CodeQhs", Instruction(DoseArray(Mg(25)) + "," + CodeTiming("QHS")), 25, 25, ""},
        Row{"CodeQ8h", Instruction(DoseArray(Mg(5)) + "," + CodeTiming("Q8H")), 15, 15, ""},
        Row{"LocalCodeDisplayNightlyIsOnceADay",
            Instruction(
                DoseArray(Mg(25)) +
                R"(,"timing":{"code":{"coding":[{"system":"urn:oid:1.2.3","code":"7","display":"Nightly"}]}})"),
            25, 25, ""},
        Row{"BedtimeTextAloneIsOnceADay",
            Instruction(DoseArray(Mg(10)) + R"(,"text":"10 mg at bedtime")"), 10, 10, ""},
        // as needed
        Row{"AsNeededWithFrequencyIsMaximum",
            Instruction(DoseArray(Mg(10)) + "," + Repeat(1, 6, "h") + R"(,"asNeededBoolean":true)"),
            0, 40, "", true},
        Row{"AsNeededConceptWithCode",
            Instruction(DoseArray(Mg(10)) + "," + CodeTiming("Q4H") +
                        R"(,"asNeededCodeableConcept":{"text":"pain"})"),
            0, 60, "", true},
        Row{"AsNeededCappedByMaxPerPeriod",
            Instruction(
                DoseArray(Mg(10)) + "," + Repeat(1, 4, "h") +
                R"(,"asNeededBoolean":true,"maxDosePerPeriod":{"numerator":)" + Mg(40) +
                R"(,"denominator":{"value":24,"unit":"h","system":"http://unitsofmeasure.org","code":"h"}})"),
            0, 40, "", true},
        Row{"AsNeededWithoutFrequencyButMaxPerDay",
            Instruction(
                DoseArray(Mg(10)) + R"(,"asNeededBoolean":true,"maxDosePerPeriod":{"numerator":)" +
                Mg(30) +
                R"(,"denominator":{"value":1,"unit":"d","system":"http://unitsofmeasure.org","code":"d"}})"),
            0, 30, "", true},
        Row{"AsNeededFalseIsScheduled",
            Instruction(DoseArray(Mg(30)) + "," + Daily(2) + R"(,"asNeededBoolean":false)"), 60, 60,
            ""},
        Row{"MaxPerAdministrationCapsRange",
            Instruction(R"("doseAndRate":[{"doseRange":{"low":)" + Mg(10) + R"(,"high":)" + Mg(30) +
                        "}}]," + Daily(2) + R"(,"maxDosePerAdministration":)" + Mg(20)),
            20, 40, ""},
        // not computable: never guessed
        Row{"AsNeededWithoutFrequency",
            Instruction(DoseArray(Mg(10)) + R"(,"asNeededBoolean":true)"), -1, -1, "as needed"},
        Row{"Tablets",
            Instruction(
                R"("doseAndRate":[{"doseQuantity":{"value":1,"unit":"tablet","system":"http://unitsofmeasure.org","code":"{tbl}"}}],)" +
                Daily(1)),
            -1, -1, "not a mass"},
        Row{"Millilitres", Instruction(DoseObject(Mg(5, "mL")) + "," + Daily(2)), -1, -1,
            "5 mL, not a mass"},
        Row{"NoUnit", Instruction(R"("doseAndRate":[{"doseQuantity":{"value":30}}],)" + Daily(1)),
            -1, -1, "no unit"},
        Row{"Comparator",
            Instruction(
                R"("doseAndRate":[{"doseQuantity":{"value":30,"comparator":"<","unit":"mg"}}],)" +
                Daily(1)),
            -1, -1, "comparator"},
        Row{"NoDose", Instruction(Daily(1)), -1, -1, "no dose"},
        Row{"RateOnly",
            Instruction(R"("doseAndRate":[{"rateQuantity":{"value":5,"unit":"mg/h"}}],)" +
                        Daily(1)),
            -1, -1, "rate"},
        Row{"NoTiming", Instruction(DoseArray(Mg(30))), -1, -1, "no frequency"},
        Row{"EveryOtherDay", Instruction(DoseArray(Mg(60)) + "," + CodeTiming("QOD")), -1, -1,
            "less often than daily"},
        Row{"Weekly", Instruction(DoseArray(Mg(60)) + "," + Repeat(1, 1, "wk")), -1, -1,
            "less often than daily"},
        Row{"EntriesDisagree",
            Instruction(R"("doseAndRate":[{"doseQuantity":)" + Mg(30) + R"(},{"doseQuantity":)" +
                        Mg(60) + "}]," + Daily(1)),
            -1, -1, "disagree"},
        Row{"CodeAndRepeatDisagree",
            Instruction(
                DoseArray(Mg(30)) +
                R"(,"timing":{"repeat":{"frequency":3,"period":1,"periodUnit":"d"},"code":{"coding":[{"code":"BID"}]}})"),
            -1, -1, "disagrees"},
        Row{"RangeMissingHigh",
            Instruction(R"("doseAndRate":[{"doseRange":{"low":)" + Mg(30) + "}}]," + Daily(1)), -1,
            -1, "low or a high"}),
    [](const auto& row) { return row.param.name; });

TEST(SummarizeDosageTest, ConcurrentInstructionsAreSummed) {
  // 10 mg in the morning and 20 mg at bedtime, no sequence: taken together.
  DosageSummary s =
      Summarize(Instruction(DoseArray(Mg(10)) + R"(,"timing":{"repeat":{"when":["MORN"]}})") + "," +
                Instruction(DoseArray(Mg(20)) + R"(,"timing":{"repeat":{"when":["HS"]}})"));
  ASSERT_EQ(s.phases.size(), 1u);
  EXPECT_DOUBLE_EQ(s.phases[0].daily.low, 30);
  EXPECT_DOUBLE_EQ(s.phases[0].per_day.high, 2);
  EXPECT_DOUBLE_EQ(s.phases[0].dose.low, 10);
  EXPECT_DOUBLE_EQ(s.phases[0].dose.high, 20);
  EXPECT_FALSE(s.phases[0].all_at_bedtime);
  EXPECT_THAT(s.Description(), HasSubstr(" + "));
}

TEST(SummarizeDosageTest, SameSequenceIsConcurrent) {
  DosageSummary s =
      Summarize(Instruction(R"("sequence":1,)" + DoseArray(Mg(30)) + "," + Daily(1)) + "," +
                Instruction(R"("sequence":1,)" + DoseArray(Mg(30)) + "," + Daily(1)));
  ASSERT_EQ(s.phases.size(), 1u);
  EXPECT_DOUBLE_EQ(s.phases[0].daily.high, 60);
}

TEST(SummarizeDosageTest, SequencesArePhasesInOrder) {
  // A titration written out of order: step 2 (60 mg) first, step 1 (30 mg) second.
  DosageSummary s =
      Summarize(Instruction(R"("sequence":2,)" + DoseArray(Mg(60)) + "," + Daily(1)) + "," +
                Instruction(R"("sequence":1,)" + DoseArray(Mg(30)) + "," + Daily(1)));
  ASSERT_EQ(s.phases.size(), 2u);
  EXPECT_EQ(s.phases[0].sequence, 1);
  EXPECT_DOUBLE_EQ(s.phases[0].daily.high, 30);
  EXPECT_DOUBLE_EQ(s.phases[1].daily.high, 60);
  EXPECT_EQ(s.Description(), "30 mg 1 time a day, then 60 mg 1 time a day");
}

TEST(SummarizeDosageTest, OneUnknownInstructionMakesThePhaseUnknown) {
  DosageSummary s = Summarize(Instruction(DoseArray(Mg(10)) + "," + Daily(1)) + "," +
                              Instruction(DoseArray(Mg(10))));
  ASSERT_EQ(s.phases.size(), 1u);
  EXPECT_FALSE(s.phases[0].daily.known);
  EXPECT_FALSE(s.phases[0].per_day.known);
  EXPECT_THAT(s.DailyWhyNot(), HasSubstr("no frequency"));
}

TEST(SummarizeDosageTest, NamesTheStepThatIsNotKnown) {
  DosageSummary s = Summarize(Instruction(R"("sequence":1,)" + DoseArray(Mg(30)) + "," + Daily(1)) +
                              "," + Instruction(R"("sequence":2,)" + DoseArray(Mg(60))));
  EXPECT_EQ(s.DailyWhyNot(), "step 2: no frequency is given");
}

TEST(SummarizeDosageTest, NoInstructions) {
  auto doc = Json(R"({"resourceType":"MedicationRequest"})");
  DosageSummary s = SummarizeDosage(*doc);
  EXPECT_TRUE(s.phases.empty());
  EXPECT_THAT(s.DailyWhyNot(), HasSubstr("no dosage instructions"));
  auto wrong = Json(R"({"resourceType":"MedicationRequest","dosageInstruction":{"text":"x"}})");
  EXPECT_TRUE(SummarizeDosage(*wrong).phases.empty());
}

TEST(BedtimeDosageTest, WaysOfSayingBedtime) {
  struct Case {
    std::string instruction;
    bool all_at_bedtime;
  } cases[] = {
      {Instruction(DoseArray(Mg(10)) + R"(,"timing":{"repeat":{"when":["HS"]}})"), true},
      {Instruction(DoseArray(Mg(10)) + "," + CodeTiming("BED")), true},
      {Instruction(DoseArray(Mg(10)) + "," + CodeTiming("QHS")), true},
      {Instruction(DoseArray(Mg(10)) + "," + Daily(1) + R"(,"text":"10 mg nightly")"), true},
      {Instruction(DoseArray(Mg(10)) + "," + Daily(1) +
                   R"(,"patientInstruction":"Take at bedtime")"),
       true},
      {Instruction(DoseArray(Mg(10)) + R"(,"text":"10 mg qhs")"), true},
      {Instruction(DoseArray(Mg(10)) + "," + Daily(1)), false},  // time not stated
      {Instruction(DoseArray(Mg(10)) + "," + Daily(2) + R"(,"text":"at bedtime")"),
       false},  // twice a day
      {Instruction(DoseArray(Mg(10)) +
                   R"(,"timing":{"repeat":{"when":["MORN"]}},"text":"at bedtime")"),
       false},
      {Instruction(DoseArray(Mg(10)) + "," + CodeTiming("AM")), false},
      {Instruction(DoseArray(Mg(10)) + "," + CodeTiming("PM") + R"(,"text":"10 mg at bedtime")"),
       false},
      {Instruction(DoseArray(Mg(10)) + R"(,"timing":{"repeat":{"timeOfDay":["21:00:00"]}})"), true},
      // An EHR's local code: its display is read as text.
      {Instruction(
           DoseArray(Mg(10)) +
           R"(,"timing":{"code":{"coding":[{"system":"urn:oid:1.2.3","code":"7","display":"Nightly"}]}})"),
       true},
  };
  for (const Case& c : cases) {
    DosageSummary s = Summarize(c.instruction);
    ASSERT_EQ(s.phases.size(), 1u);
    EXPECT_EQ(s.phases[0].all_at_bedtime, c.all_at_bedtime) << c.instruction;
  }
}

TEST(DailyDoseTextTest, Formats) {
  DosageSummary s = Summarize(
      Instruction(DoseArray(Mg(10)) + "," + CodeTiming("Q6H") + R"(,"asNeededBoolean":true)"));
  EXPECT_EQ(s.phases[0].daily.Text(), "up to 40 mg");
  EXPECT_EQ(s.Description(), "10 mg Q6H as needed");
  DosageSummary r = Summarize(Instruction(R"("doseAndRate":[{"doseRange":{"low":)" + Mg(30) +
                                          R"(,"high":)" + Mg(60) + "}}]," + Daily(1)));
  EXPECT_EQ(r.phases[0].daily.Text(), "30-60 mg");
  EXPECT_EQ(r.phases[0].dose.Text(), "30-60 mg");
}

// Real-world shapes from ../shared/fhir-samples: read without crashing, and correctly.
TEST(DosageSamplesTest, CdsHooksSpecOrderSelectExample) {
  CDS_REQUIRE_SAMPLES();
  auto doc = LoadSample("cds-hooks-requests/cds-hooks-docs-order-select-context-example.json");
  const json::Value& mr = (*doc)["context"]["draftOrders"]["entry"][1]["resource"];
  DosageSummary s = SummarizeDosage(mr);
  ASSERT_EQ(s.phases.size(), 1u);
  EXPECT_DOUBLE_EQ(s.phases[0].per_day.high, 2);  // doseAndRate object, repeat 2/d
  EXPECT_FALSE(s.phases[0].daily.known);          // 5 mL of a suspension: no mass
  EXPECT_THAT(s.DailyWhyNot(), HasSubstr("5 mL"));
}

TEST(DosageSamplesTest, EpicShapedOpioidOrder) {
  CDS_REQUIRE_SAMPLES();
  auto doc = LoadSample("cds-hooks-requests/cqf-ruler-opioidcds-08-request.json");
  const json::Value& mr = (*doc)["context"]["draftOrders"]["entry"][0]["resource"];
  DosageSummary s = SummarizeDosage(mr);
  ASSERT_EQ(s.phases.size(), 1u);
  ASSERT_TRUE(s.phases[0].daily.known) << s.DailyWhyNot();
  EXPECT_TRUE(s.phases[0].daily.as_needed);
  EXPECT_DOUBLE_EQ(s.phases[0].daily.high, 180);  // 30 mg every 4 hours as needed
}

TEST(DosageSamplesTest, Stu3DoseQuantityInSpecOrderSignExample) {
  CDS_REQUIRE_SAMPLES();
  auto doc = LoadSample("cds-hooks-requests/cds-hooks-docs-order-sign-context-example.json");
  const json::Value& mr = (*doc)["context"]["draftOrders"]["entry"][1]["resource"];
  DosageSummary s = SummarizeDosage(mr);
  ASSERT_EQ(s.phases.size(), 1u);
  EXPECT_THAT(s.DailyWhyNot(), HasSubstr("5 mL"));
}

}  // namespace
}  // namespace cds::fhir
