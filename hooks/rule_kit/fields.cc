#include "hooks/rule_kit/fields.h"

#include "fhir/quantity.h"

#include "hooks/rule_kit/rule_basics.h"

namespace cds::config {

StatusOr<fhir::CodeSet> FieldType<fhir::CodeSet>::Read(const Node& n, const BindContext& ctx) {
  if (!n.value().IsString()) return n.Error("must be a string");
  if (n.value().GetStringLength() == 0) return n.Error("must not be empty");
  if (ctx.knowledge == nullptr) return n.Error("value sets need the knowledge");
  auto set = hooks::CodeSetOf(*ctx.knowledge, std::string(json::AsStringView(n.value())));
  if (!set.ok()) return n.Error(set.status().message());
  return set;
}

StatusOr<cards::Indicator> FieldType<cards::Indicator>::Read(const Node& n, const BindContext&) {
  if (!n.value().IsString()) return n.Error("must be a string");
  if (n.value().GetStringLength() == 0) return n.Error("must not be empty");
  cards::Indicator indicator;
  if (!cards::ParseIndicator(json::AsStringView(n.value()), &indicator)) {
    return n.Error("must be info, warning or critical");
  }
  return indicator;
}

}  // namespace cds::config

namespace cds::hooks {

std::string Threshold::ToString() const { return FormatNumber(value) + " " + unit; }

config::Schema<Threshold> ThresholdSchema(std::string dimension_unit, std::string unit_message) {
  if (unit_message.empty()) unit_message = "must be a UCUM unit convertible to " + dimension_unit;
  config::Schema<Threshold> s;
  s.Shared();
  s.Field("value", &Threshold::value, "the threshold").Positive();
  s.Field("unit", &Threshold::unit, "its UCUM unit");
  s.Check(
      [dimension_unit, unit_message](const config::Node& n, Threshold& t) {
        if (!fhir::ConvertValue(1, t.unit, dimension_unit).ok())
          return n.ErrorAt("unit", unit_message);
        return OkStatus();
      },
      "unit " + unit_message);
  return s;
}

std::string MassLimit::Text() const { return FormatNumber(value) + " " + unit; }

StatusOr<MassLimit> ToMass(const config::Node& n, double value, const std::string& unit) {
  auto mg = fhir::ConvertValue(value, unit, "mg");
  if (!mg.ok()) return n.ErrorAt("unit", "must be a mass (mg, g, ug)");
  return MassLimit{value, unit, *mg};
}

config::Schema<MassLimit> MassSchema() {
  config::Schema<MassLimit> s;
  s.Shared();
  s.Field("value", &MassLimit::value, "the amount").Positive();
  s.Field("unit", &MassLimit::unit, "a mass unit (mg, g, ug)");
  s.Check(
      [](const config::Node& n, MassLimit& m) -> Status {
        auto mass = ToMass(n, m.value, m.unit);
        if (!mass.ok()) return mass.status();
        m = *mass;
        return OkStatus();
      },
      "unit must be a mass (mg, g, ug)");
  return s;
}

}  // namespace cds::hooks
