// hooks/rule_kit/fields: the field types rule configs are made of -- value-set names read
// as CodeSets, indicators, thresholds with a unit of the right dimension, masses in mg --
// each refusing what it cannot use with the JSON path. (Each rule's config table only
// samples these; here every constraint is exercised.)
#include "hooks/rule_kit/fields.h"

#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;

class FieldsTest : public ::testing::Test {
 protected:
  FieldsTest() {
    config::ValueSet ritux;
    ritux.name = "rituximab";
    ritux.codes = {{"http://www.nlm.nih.gov/research/umls/rxnorm", "121191", "rituximab", "s"}};
    config::ValueSet opioids;
    opioids.name = "opioids";
    opioids.prefixes = {{"http://www.whocc.no/atc", "N02A", "Opioids", "ATC"}};
    config::ValueSet both;
    both.name = "both";
    both.includes = {"rituximab", "opioids"};
    k_.value_sets = {{"rituximab", ritux}, {"opioids", opioids}, {"both", both}};
  }

  template <typename T>
  StatusOr<T> Read(const config::Schema<T>& schema, const std::string& text) {
    auto doc = json::ParseJson(text, json::JsonLimits{});
    EXPECT_THAT(doc, IsOk()) << text;
    if (!doc.ok()) return doc.status();
    doc_ = std::move(doc).value();
    return schema.Read(config::Node(*doc_, "r.json", "$"), config::BindContext{&k_});
  }

  config::Knowledge k_;
  std::unique_ptr<json::Document> doc_;
};

struct Sets {
  fhir::CodeSet drugs;
  cards::Indicator indicator = cards::Indicator::kInfo;
};

config::Schema<Sets> SetsSchema() {
  config::Schema<Sets> s;
  s.Field("drugs", &Sets::drugs, "drugs");
  s.Field("indicator", &Sets::indicator, "indicator").Optional();
  return s;
}

TEST_F(FieldsTest, ValueSetsExpandIncludesAndPrefixes) {
  auto s = Read(SetsSchema(), R"({"drugs": "both", "indicator": "critical"})");
  ASSERT_THAT(s, IsOk());
  EXPECT_TRUE(s->drugs.Contains("http://www.nlm.nih.gov/research/umls/rxnorm", "121191"));
  EXPECT_TRUE(s->drugs.Contains("http://www.whocc.no/atc", "N02AA01"));
  EXPECT_EQ(s->indicator, cards::Indicator::kCritical);
  EXPECT_THAT(
      Read(SetsSchema(), R"({"drugs": "rituxmab"})"),
      StatusIs(StatusCode::kInvalidArgument, "r.json: $.drugs: unknown value set 'rituxmab'"));
  EXPECT_THAT(Read(SetsSchema(), R"({"drugs": ""})"),
              StatusIs(StatusCode::kInvalidArgument, "r.json: $.drugs: must not be empty"));
  EXPECT_THAT(Read(SetsSchema(), R"({"drugs": "both", "indicator": "amber"})"),
              StatusIs(StatusCode::kInvalidArgument,
                       "r.json: $.indicator: must be info, warning or critical"));
}

TEST_F(FieldsTest, ThresholdNeedsAPositiveValueInTheRightDimension) {
  auto rate = ThresholdSchema("/min");
  auto t = Read(rate, R"({"value": 100, "unit": "/min"})");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->ToString(), "100 /min");
  EXPECT_THAT(Read(rate, R"({"value": 0, "unit": "/min"})"),
              StatusIs(StatusCode::kInvalidArgument, "r.json: $.value: must be > 0"));
  EXPECT_THAT(Read(rate, R"({"value": 100, "unit": "mg"})"),
              StatusIs(StatusCode::kInvalidArgument,
                       "r.json: $.unit: must be a UCUM unit convertible to /min"));
  EXPECT_THAT(
      Read(ThresholdSchema("g/dL", "must be a mass concentration"), R"({"value": 4, "unit": "%"})"),
      StatusIs(StatusCode::kInvalidArgument, "r.json: $.unit: must be a mass concentration"));
  EXPECT_THAT(
      Read(rate, R"({"value": 100, "unit": "/min", "units": "x"})"),
      StatusIs(StatusCode::kInvalidArgument, "r.json: $.units: unknown setting (misspelt?)"));
}

TEST_F(FieldsTest, MassIsKeptAsWrittenAndInMg) {
  auto m = Read(MassSchema(), R"({"value": 1, "unit": "g"})");
  ASSERT_THAT(m, IsOk());
  EXPECT_DOUBLE_EQ(m->mg, 1000);
  EXPECT_EQ(m->Text(), "1 g");
  EXPECT_THAT(Read(MassSchema(), R"({"value": -1, "unit": "mg"})"),
              StatusIs(StatusCode::kInvalidArgument, "r.json: $.value: must be > 0"));
  EXPECT_THAT(Read(MassSchema(), R"({"value": 5, "unit": "mL"})"),
              StatusIs(StatusCode::kInvalidArgument, "r.json: $.unit: must be a mass (mg, g, ug)"));
}

}  // namespace
}  // namespace cds::hooks
