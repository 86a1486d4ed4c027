#include "fhir/quantity.h"

#include <cmath>
#include <memory>
#include <string>

#include "tests/fhir/fhir_test_util.h"
#include "tests/support/status_matchers.h"

namespace cds::fhir {
namespace {

using ::cds::fhir::testing::Json;
using ::cds::testing::StatusIs;
using ::testing::HasSubstr;

// A parsed Quantity together with the Document its string_views point into.
struct Parsed {
  std::unique_ptr<json::Document> doc;
  std::optional<Quantity> q;
};

Parsed Read(const std::string& quantity_json) {
  Parsed p;
  p.doc = Json(quantity_json);
  p.q = ReadQuantity(*p.doc);
  return p;
}

// {"value": v, "unit": u, "system": UCUM, "code": u} with an optional comparator.
std::string Ucum(const std::string& value, const std::string& code,
                 const std::string& comparator = "") {
  std::string s = R"({"value":)" + value + R"(,"unit":")" + code +
                  R"(","system":"http://unitsofmeasure.org","code":")" + code + R"(")";
  if (!comparator.empty()) s += R"(,"comparator":")" + comparator + R"(")";
  return s + "}";
}

TEST(ReadQuantityTest, ReadsMembers) {
  Parsed p = Read(R"({"value": 4.2, "unit": "g/dl", "system": "http://unitsofmeasure.org",
                      "code": "g/dL"})");
  ASSERT_TRUE(p.q);
  EXPECT_EQ(p.q->value, 4.2);
  EXPECT_EQ(p.q->comparator, Comparator::kEq);
  EXPECT_EQ(p.q->unit, "g/dl");
  EXPECT_EQ(p.q->system, "http://unitsofmeasure.org");
  EXPECT_EQ(p.q->code, "g/dL");

  Parsed integer = Read(R"({"value": 185})");
  ASSERT_TRUE(integer.q);
  EXPECT_EQ(integer.q->value, 185);
  EXPECT_EQ(integer.q->unit, "");
  EXPECT_EQ(integer.q->code, "");
}

TEST(ReadQuantityTest, Comparators) {
  struct Row {
    const char* comparator;
    Comparator want;
  } rows[] = {{"<", Comparator::kLt},
              {"<=", Comparator::kLe},
              {">=", Comparator::kGe},
              {">", Comparator::kGt}};
  for (const Row& r : rows) {
    Parsed p = Read(Ucum("5", "g/dL", r.comparator));
    ASSERT_TRUE(p.q) << r.comparator;
    EXPECT_EQ(p.q->comparator, r.want) << r.comparator;
    EXPECT_EQ(ComparatorText(r.want), r.comparator);
  }
  EXPECT_EQ(ComparatorText(Comparator::kEq), "");
}

TEST(ReadQuantityTest, UnusableQuantitiesAreNullopt) {
  // "ad" (sufficient to achieve this total) is not a number a rule can compare.
  EXPECT_FALSE(Read(Ucum("5", "g/dL", "ad")).q);
  EXPECT_FALSE(Read(Ucum("5", "g/dL", "=")).q);
  EXPECT_FALSE(Read(Ucum("5", "g/dL", "~")).q);
  EXPECT_FALSE(Read(R"({"value": "4.2", "unit": "g/dL"})").q);  // string value
  EXPECT_FALSE(Read(R"({"unit": "g/dL"})").q);                  // no value
  EXPECT_FALSE(Read(R"({"value": null})").q);
  EXPECT_FALSE(Read(R"([4.2])").q);
  EXPECT_FALSE(Read(R"({"value": 4.2, "comparator": 1})").q);  // mistyped comparator
}

TEST(GetQuantityTest, Member) {
  auto doc = Json(R"({"valueQuantity": {"value": 1}, "s": "1 mg", "n": 1})");
  EXPECT_TRUE(GetQuantity(*doc, "valueQuantity"));
  EXPECT_FALSE(GetQuantity(*doc, "s"));
  EXPECT_FALSE(GetQuantity(*doc, "n"));
  EXPECT_FALSE(GetQuantity(*doc, "missing"));
}

struct ConvertRow {
  double value;
  const char* from;
  const char* to;
  double want;
};

class ConvertValueTest : public ::testing::TestWithParam<ConvertRow> {};

TEST_P(ConvertValueTest, Converts) {
  const ConvertRow& r = GetParam();
  auto v = ConvertValue(r.value, r.from, r.to);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_NEAR(*v, r.want, std::abs(r.want) * 1e-12) << r.value << " " << r.from << " -> " << r.to;
}

INSTANTIATE_TEST_SUITE_P(
    MassConcentration, ConvertValueTest,
    ::testing::Values(ConvertRow{4.2, "g/dL", "mg/dL", 4200}, ConvertRow{4.2, "g/dL", "g/L", 42},
                      ConvertRow{4.2, "g/dL", "mg/L", 42000},
                      ConvertRow{4200, "mg/dL", "g/dL", 4.2}, ConvertRow{42, "g/L", "g/dL", 4.2},
                      ConvertRow{42000, "mg/L", "g/dL", 4.2}, ConvertRow{1, "g/L", "mg/L", 1000},
                      ConvertRow{250, "mg/L", "g/L", 0.25}, ConvertRow{250, "mg/dL", "g/L", 2.5},
                      ConvertRow{2.5, "g/L", "mg/dL", 250}, ConvertRow{30, "mg/L", "mg/dL", 3},
                      ConvertRow{3, "mg/dL", "mg/L", 30}, ConvertRow{500, "pg/mL", "ng/mL", 0.5},
                      ConvertRow{0.5, "ng/mL", "pg/mL", 500}, ConvertRow{1, "mg/mL", "g/L", 1},
                      ConvertRow{10, "ug/mL", "mg/L", 10}, ConvertRow{100, "ug/dL", "ug/L", 1000},
                      ConvertRow{1, "ng/dL", "ng/L", 10}));

INSTANTIATE_TEST_SUITE_P(
    MassAndLength, ConvertValueTest,
    ::testing::Values(ConvertRow{70, "kg", "g", 70000}, ConvertRow{70000, "g", "kg", 70},
                      ConvertRow{1, "g", "mg", 1000}, ConvertRow{1, "mg", "ug", 1000},
                      ConvertRow{1, "kg", "[lb_av]", 2.2046226218487757},
                      ConvertRow{185, "[lb_av]", "kg", 185 * 0.45359237},
                      ConvertRow{16, "[oz_av]", "[lb_av]", 1}, ConvertRow{180, "cm", "m", 1.8},
                      ConvertRow{1.8, "m", "cm", 180}, ConvertRow{70, "[in_i]", "cm", 177.8},
                      ConvertRow{177.8, "cm", "[in_i]", 70}, ConvertRow{6, "[ft_i]", "[in_i]", 72},
                      ConvertRow{25, "mm", "cm", 2.5}, ConvertRow{1.73, "m2", "cm2", 17300}));

INSTANTIATE_TEST_SUITE_P(
    CountsAndUnits, ConvertValueTest,
    ::testing::Values(
        ConvertRow{4.5, "10*3/uL", "10*9/L", 4.5}, ConvertRow{4.5, "10*9/L", "10*3/uL", 4.5},
        ConvertRow{4.5, "10*9/L", "/uL", 4500}, ConvertRow{4500, "/uL", "10*3/uL", 4.5},
        ConvertRow{250, "10*3/mm3", "10*9/L", 250}, ConvertRow{120, "/mm3", "/uL", 120},
        ConvertRow{120, "{cells}/uL", "10*6/L", 120}, ConvertRow{2.5, "m[IU]/L", "u[IU]/mL", 2.5},
        ConvertRow{2.5, "u[IU]/mL", "m[IU]/L", 2.5}, ConvertRow{10, "m[IU]/mL", "[IU]/L", 10},
        ConvertRow{1, "[IU]/mL", "m[IU]/mL", 1000}, ConvertRow{1000, "u[IU]/L", "m[IU]/L", 1},
        ConvertRow{1, "L", "mL", 1000}, ConvertRow{1, "dL", "mL", 100},
        ConvertRow{60, "/min", "{beats}/min", 60}, ConvertRow{7, "%", "%", 7}));

INSTANTIATE_TEST_SUITE_P(
    TextSpellings, ConvertValueTest,
    ::testing::Values(ConvertRow{185, "lbs", "kg", 185 * 0.45359237},
                      ConvertRow{1, "LB", "kg", 0.45359237}, ConvertRow{4200, "mg/dl", "g/L", 42},
                      ConvertRow{4200, "MG/DL", "g/dl", 4.2}, ConvertRow{500, "mcg", "mg", 0.5},
                      ConvertRow{500, "\xC2\xB5g", "mg", 0.5},
                      ConvertRow{2.5, "mIU/L", "uIU/mL", 2.5}, ConvertRow{10, "mIU/mL", "IU/L", 10},
                      ConvertRow{4.5, "K/uL", "10*9/L", 4.5}, ConvertRow{72, "bpm", "/min", 72},
                      ConvertRow{70, "inches", "cm", 177.8}));

TEST(ConvertValueTest, UnknownUnitsAreErrorsNeverGuesses) {
  EXPECT_THAT(ConvertValue(1, "furlong", "m"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown unit 'furlong'")));
  EXPECT_THAT(ConvertValue(1, "m", "furlong"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown unit 'furlong'")));
  EXPECT_THAT(ConvertValue(1, "", "mg"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("''")));
  EXPECT_THAT(ConvertValue(5, "mmol/L", "mg/dL"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown unit 'mmol/L'")));
  EXPECT_THAT(ConvertValue(5, "10^3/uL", "10*3/uL"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown unit")));
  EXPECT_THAT(ConvertValue(5, "mg / dL", "mg/dL"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown unit")));
}

TEST(ConvertValueTest, IncompatibleDimensionsAreErrors) {
  EXPECT_THAT(ConvertValue(1, "mg/dL", "kg"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot convert mg/dL to kg")));
  EXPECT_THAT(ConvertValue(1, "cm", "kg"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot")));
  EXPECT_THAT(ConvertValue(1, "10*3/uL", "m[IU]/L"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot")));
  EXPECT_THAT(ConvertValue(1, "mL", "mg/dL"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot")));
  // mmol/mol (IFCC HbA1c) is only converted by HbA1cPercent.
  EXPECT_THAT(ConvertValue(53, "mmol/mol", "%"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot")));
  EXPECT_THAT(ConvertValue(53, "%", "mmol/mol"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot")));
  EXPECT_THAT(ConvertValue(53, "mmol/mol", "mmol/mol"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot")));
}

TEST(CanonicalUnitTest, FromText) {
  struct Row {
    const char* text;
    const char* want;  // nullptr: unknown
  } rows[] = {
      {"mg/dL", "mg/dL"},
      {"mg/dl", "mg/dL"},
      {"MG/DL", "mg/dL"},
      {"g/dl", "g/dL"},
      {"G/L", "g/L"},
      {"kg", "kg"},
      {"lbs", "[lb_av]"},
      {"Pounds", "[lb_av]"},
      {"in", "[in_i]"},
      {"[in_i]", "[in_i]"},
      {"mcg", "ug"},
      {"\xCE\xBCg", "ug"},
      {"bpm", "/min"},
      {"beats/minute", "/min"},
      {"mIU/L", "m[IU]/L"},
      {"uIU/mL", "u[IU]/mL"},
      {"\xC2\xB5IU/mL", "u[IU]/mL"},
      {"mIU/mL", "m[IU]/mL"},
      {"IU/L", "[IU]/L"},
      {"K/uL", "10*3/uL"},
      {"x10E3/uL", "10*3/uL"},
      {"cells/uL", "/uL"},
      {"10*9/L", "10*9/L"},
      {"%", "%"},
      {"mmol/mol", "mmol/mol"},
      {"", nullptr},
      {"furlong", nullptr},
      {"mmol/L", nullptr},
      {"{score}", nullptr},
      {"10^9/L", nullptr},
      {" mg/dL", nullptr},
      {"Cel", nullptr},
      {"kg/m2", nullptr},
  };
  for (const Row& r : rows) {
    auto u = CanonicalUnit(std::string_view(r.text));
    if (r.want == nullptr) {
      EXPECT_EQ(u, std::nullopt) << r.text;
    } else {
      EXPECT_EQ(u, std::optional<std::string_view>(r.want)) << r.text;
    }
  }
}

TEST(CanonicalUnitTest, FromQuantityPrefersUcumCode) {
  struct Row {
    const char* json;
    const char* want;  // nullptr: unknown
  } rows[] = {
      // UCUM code wins over the text.
      {R"({"value":1,"unit":"g/dl","system":"http://unitsofmeasure.org","code":"g/dL"})", "g/dL"},
      {R"({"value":1,"unit":"grams per litre","system":"http://unitsofmeasure.org","code":"g/L"})",
       "g/L"},
      // No system: the code is taken as UCUM.
      {R"({"value":1,"code":"mg/dL"})", "mg/dL"},
      // No code: the unit text.
      {R"({"value":1,"unit":"mg/dl"})", "mg/dL"},
      {R"({"value":1,"unit":"lbs","system":"http://unitsofmeasure.org"})", "[lb_av]"},
      // A code from another system is never read as UCUM; the text decides.
      {R"({"value":1,"unit":"mg/dL","system":"http://snomed.info/sct","code":"258797006"})",
       "mg/dL"},
      {R"({"value":1,"system":"http://example.org/units","code":"mg/dL"})", nullptr},
      {R"({"value":1,"unit":"mmol/L","system":"http://snomed.info/sct","code":"258813002"})",
       nullptr},
      // An unknown UCUM code falls back to the text, which may also be unknown.
      {R"({"value":1,"unit":"mmol/l","system":"http://unitsofmeasure.org","code":"mmol/L"})",
       nullptr},
      {R"({"value":1,"unit":"g/dl","system":"http://unitsofmeasure.org","code":"g/dl"})", "g/dL"},
      // Nothing at all.
      {R"({"value":1})", nullptr},
  };
  for (const Row& r : rows) {
    Parsed p = Read(r.json);
    ASSERT_TRUE(p.q) << r.json;
    auto u = CanonicalUnit(*p.q);
    if (r.want == nullptr) {
      EXPECT_EQ(u, std::nullopt) << r.json;
    } else {
      EXPECT_EQ(u, std::optional<std::string_view>(r.want)) << r.json;
    }
  }
}

TEST(ValueInTest, ConvertsOrExplains) {
  Parsed p = Read(Ucum("4.2", "g/dL"));
  ASSERT_TRUE(p.q);
  auto v = ValueIn(*p.q, "g/L");
  ASSERT_TRUE(v.ok());
  EXPECT_DOUBLE_EQ(*v, 42);
  Parsed unknown = Read(R"({"value":1,"unit":"widgets","code":"{widget}"})");
  ASSERT_TRUE(unknown.q);
  EXPECT_THAT(ValueIn(*unknown.q, "mg"), StatusIs(StatusCode::kInvalidArgument,
                                                  HasSubstr("no recognised unit (unit 'widgets'")));
  EXPECT_THAT(ValueIn(*p.q, "kg"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot")));
}

struct CompareRow {
  std::string quantity;
  double threshold;
  const char* unit;
  Tri at_least;
  Tri above;
};

class CompareTest : public ::testing::TestWithParam<CompareRow> {};

TEST_P(CompareTest, IsAtLeastAndIsAbove) {
  const CompareRow& r = GetParam();
  Parsed p = Read(r.quantity);
  ASSERT_TRUE(p.q) << r.quantity;
  auto at_least = IsAtLeast(*p.q, r.threshold, r.unit);
  auto above = IsAbove(*p.q, r.threshold, r.unit);
  ASSERT_TRUE(at_least.ok()) << at_least.status().ToString();
  ASSERT_TRUE(above.ok()) << above.status().ToString();
  EXPECT_EQ(*at_least, r.at_least) << r.quantity << " >= " << r.threshold << " " << r.unit;
  EXPECT_EQ(*above, r.above) << r.quantity << " > " << r.threshold << " " << r.unit;
}

constexpr Tri kYes = Tri::kYes;
constexpr Tri kNo = Tri::kNo;
constexpr Tri kUnk = Tri::kUnknown;

INSTANTIATE_TEST_SUITE_P(Comparators, CompareTest,
                         ::testing::Values(
                             // Plain values, including exactly the threshold.
                             CompareRow{Ucum("4", "g/dL"), 4, "g/dL", kYes, kNo},
                             CompareRow{Ucum("4.1", "g/dL"), 4, "g/dL", kYes, kYes},
                             CompareRow{Ucum("3.9", "g/dL"), 4, "g/dL", kNo, kNo},
                             // "<": the true value is below the written one.
                             CompareRow{Ucum("4", "g/dL", "<"), 4, "g/dL", kNo, kNo},
                             CompareRow{Ucum("3", "g/dL", "<"), 4, "g/dL", kNo, kNo},
                             CompareRow{Ucum("5", "g/dL", "<"), 4, "g/dL", kUnk, kUnk},
                             // "<=": could be exactly the threshold.
                             CompareRow{Ucum("4", "g/dL", "<="), 4, "g/dL", kUnk, kNo},
                             CompareRow{Ucum("3.9", "g/dL", "<="), 4, "g/dL", kNo, kNo},
                             CompareRow{Ucum("5", "g/dL", "<="), 4, "g/dL", kUnk, kUnk},
                             // ">": the true value is above the written one.
                             CompareRow{Ucum("3", "g/dL", ">"), 4, "g/dL", kUnk, kUnk},
                             CompareRow{Ucum("4", "g/dL", ">"), 4, "g/dL", kYes, kYes},
                             CompareRow{Ucum("5", "g/dL", ">"), 4, "g/dL", kYes, kYes},
                             // ">=": at least the written value.
                             CompareRow{Ucum("4", "g/dL", ">="), 4, "g/dL", kYes, kUnk},
                             CompareRow{Ucum("4.5", "g/dL", ">="), 4, "g/dL", kYes, kYes},
                             CompareRow{Ucum("3", "g/dL", ">="), 4, "g/dL", kUnk, kUnk}));

INSTANTIATE_TEST_SUITE_P(
    AcrossUnits, CompareTest,
    ::testing::Values(CompareRow{Ucum("40", "g/L"), 4, "g/dL", kYes, kNo},
                      CompareRow{Ucum("4000", "mg/dL"), 4, "g/dL", kYes, kNo},
                      CompareRow{Ucum("40000", "mg/L"), 4, "g/dL", kYes, kNo},
                      CompareRow{Ucum("39.9", "g/L"), 4, "g/dL", kNo, kNo},
                      CompareRow{Ucum("40", "g/L", "<"), 4, "g/dL", kNo, kNo},
                      CompareRow{Ucum("4", "g/dL"), 40, "g/L", kYes, kNo},
                      CompareRow{R"({"value":4000,"unit":"mg/dl"})", 4, "g/dL", kYes, kNo},
                      // Exactly-at-threshold after a conversion through a non-integral factor.
                      CompareRow{Ucum("3", "mg/L"), 0.3, "mg/dL", kYes, kNo},
                      CompareRow{Ucum("0.3", "mg/dL"), 3, "mg/L", kYes, kNo},
                      CompareRow{Ucum("7", "mg/L"), 0.7, "mg/dL", kYes, kNo},
                      CompareRow{Ucum("0.7", "mg/dL"), 7, "mg/L", kYes, kNo},
                      CompareRow{Ucum("0.3", "ug/mL"), 0.03, "mg/dL", kYes, kNo},
                      CompareRow{Ucum("1.1", "g/L"), 110, "mg/dL", kYes, kNo},
                      CompareRow{Ucum("0.29", "g/dL"), 2.9, "g/L", kYes, kNo},
                      CompareRow{Ucum("4.5", "10*9/L"), 4.5, "10*3/uL", kYes, kNo},
                      CompareRow{Ucum("4500", "/uL"), 4.5, "10*3/uL", kYes, kNo},
                      CompareRow{Ucum("2.5", "u[IU]/mL"), 2.5, "m[IU]/L", kYes, kNo},
                      CompareRow{Ucum("150", "[lb_av]"), 68.0388555, "kg", kYes, kNo}));

TEST(CompareTest, ErrorsPropagate) {
  Parsed unknown = Read(R"({"value":4,"unit":"widgets"})");
  ASSERT_TRUE(unknown.q);
  EXPECT_THAT(IsAtLeast(*unknown.q, 4, "g/dL"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unit")));
  EXPECT_THAT(IsAbove(*unknown.q, 4, "g/dL"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unit")));
  Parsed mass = Read(Ucum("4", "kg"));
  ASSERT_TRUE(mass.q);
  EXPECT_THAT(IsAtLeast(*mass.q, 4, "g/dL"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot")));
  EXPECT_THAT(IsAbove(*mass.q, 4, "g/dL"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot")));
  Parsed no_unit = Read(R"({"value":4})");
  ASSERT_TRUE(no_unit.q);
  EXPECT_THAT(IsAtLeast(*no_unit.q, 4, "g/dL"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unit")));
}

TEST(HbA1cPercentTest, FromPercentAndIfcc) {
  struct Row {
    std::string json;
    double want;
  } rows[] = {
      {Ucum("7.0", "%"), 7.0},
      {Ucum("6.5", "%"), 6.5},
      {R"({"value":6.5,"unit":"%"})", 6.5},
      {Ucum("53", "mmol/mol"), 0.09148 * 53 + 2.152},               // ~7.0 %
      {Ucum("48", "mmol/mol"), 0.09148 * 48 + 2.152},               // ~6.5 %
      {R"({"value":64,"unit":"mmol/mol"})", 0.09148 * 64 + 2.152},  // ~8.0 %
  };
  for (const Row& r : rows) {
    Parsed p = Read(r.json);
    ASSERT_TRUE(p.q);
    auto v = HbA1cPercent(*p.q);
    ASSERT_TRUE(v.ok()) << r.json << ": " << v.status().ToString();
    EXPECT_NEAR(*v, r.want, 1e-9) << r.json;
  }
  Parsed ifcc53 = Read(Ucum("53", "mmol/mol"));
  EXPECT_NEAR(*HbA1cPercent(*ifcc53.q), 7.0, 0.05);
  Parsed ifcc48 = Read(Ucum("48", "mmol/mol"));
  EXPECT_NEAR(*HbA1cPercent(*ifcc48.q), 6.5, 0.05);
  Parsed ifcc64 = Read(Ucum("64", "mmol/mol"));
  EXPECT_NEAR(*HbA1cPercent(*ifcc64.q), 8.0, 0.05);
}

TEST(HbA1cPercentTest, OtherUnitsAreErrors) {
  Parsed glucose = Read(Ucum("120", "mg/dL"));
  EXPECT_THAT(HbA1cPercent(*glucose.q),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot")));
  Parsed none = Read(R"({"value":7})");
  EXPECT_THAT(HbA1cPercent(*none.q), StatusIs(StatusCode::kInvalidArgument, HasSubstr("unit")));
  Parsed other_system = Read(R"({"value":53,"system":"http://example.org","code":"mmol/mol"})");
  EXPECT_THAT(HbA1cPercent(*other_system.q),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unit")));
}

TEST(QuantityRealSamplesTest, HL7Examples) {
  CDS_REQUIRE_SAMPLES();
  struct Row {
    const char* file;
    const char* to;
    double want;
  } rows[] = {
      {"hl7-r4-examples/observation-example.json", "kg", 185 * 0.45359237},         // lbs
      {"hl7-r4-examples/observation-example-body-height.json", "cm", 66.9 * 2.54},  // inches
      {"hl7-r4-examples/observation-example-f005-hemoglobin.json", "g/L", 72},      // g/dL
      {"hl7-r4-examples/observation-example-heart-rate.json", "/min", 44},
      {"hl7-r4-examples/observation-example-satO2.json", "%", 95},
  };
  for (const Row& r : rows) {
    auto doc = ::cds::fhir::testing::LoadSample(r.file);
    auto q = GetQuantity(*doc, "valueQuantity");
    ASSERT_TRUE(q) << r.file;
    auto v = ValueIn(*q, r.to);
    ASSERT_TRUE(v.ok()) << r.file << ": " << v.status().ToString();
    EXPECT_NEAR(*v, r.want, 1e-9 * r.want) << r.file;
  }
  // Units outside the table are refused, not guessed: mmol/L glucose, SNOMED-coded units.
  for (const char* file : {"hl7-r4-examples/observation-example-f001-glucose.json",
                           "hl7-r4-examples/observation-example-f203-bicarbonate.json",
                           "hl7-r4-examples/observation-example-body-temperature.json"}) {
    auto doc = ::cds::fhir::testing::LoadSample(file);
    auto q = GetQuantity(*doc, "valueQuantity");
    ASSERT_TRUE(q) << file;
    EXPECT_EQ(CanonicalUnit(*q), std::nullopt) << file;
  }
}

}  // namespace
}  // namespace cds::fhir
