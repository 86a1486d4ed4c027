#include "hooks/rule_kit/order_builder.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "base/status_macros.h"
#include "base/uuid.h"

#include "fhir/reference.h"

namespace cds::hooks {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, const char* key, std::string_view v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

void WriteConcept(Writer& w, const char* key, const config::CodeEntry& c) {
  w.Key(key);
  w.StartObject();
  w.Key("coding");
  w.StartArray();
  w.StartObject();
  Str(w, "system", c.system);
  Str(w, "code", c.code);
  Str(w, "display", c.display);
  w.EndObject();
  w.EndArray();
  Str(w, "text", c.display);
  w.EndObject();
}

void WriteReference(Writer& w, const char* key, const std::string& ref) {
  w.Key(key);
  w.StartObject();
  Str(w, "reference", ref);
  w.EndObject();
}

// subject, encounter and requester from the hook context.
void WriteContext(Writer& w, const CdsRequest& r) {
  WriteReference(w, "subject", "Patient/" + std::string(r.patient_id()));
  if (!r.encounter_id().empty())
    WriteReference(w, "encounter", "Encounter/" + std::string(r.encounter_id()));
  fhir::ParsedReference user = fhir::ParseReference(r.user_id());
  if (user.type == "Practitioner" || user.type == "PractitionerRole") {
    WriteReference(w, "requester", std::string(r.user_id()));
  }
}

}  // namespace

const config::Schema<OrderSpec>& OrderSpecSchema() {
  static const config::Schema<OrderSpec> schema = [] {
    config::Schema<OrderSpec> s;
    s.Shared();
    s.Field("label", &OrderSpec::label, "short name shown in card text (\"HBsAg\")");
    s.Field("code", &OrderSpec::code, "the code the ServiceRequest carries");
    return s;
  }();
  return schema;
}

const config::Schema<MedicationSpec>& MedicationSpecSchema() {
  static const config::Schema<MedicationSpec> schema = [] {
    config::Schema<DoseSpec> dose;
    dose.Field("value", &DoseSpec::value, "amount per administration").Positive();
    dose.Field("unit", &DoseSpec::unit, "UCUM unit of the amount");
    config::Schema<FrequencySpec> frequency;
    frequency.Field("count", &FrequencySpec::count, "administrations per period").Range(1, 24);
    frequency.Field("period", &FrequencySpec::period, "length of the period").Positive();
    frequency.Field("period_unit", &FrequencySpec::period_unit, "unit of the period")
        .OneOf({"h", "d", "wk", "mo"});
    config::Schema<MedicationSpec> s;
    s.Shared();
    s.Field("label", &MedicationSpec::label, "suggestion button text");
    s.Field("medication", &MedicationSpec::medication, "the drug product ordered");
    s.Object("dose", &MedicationSpec::dose, dose, "dose per administration");
    s.Field("route", &MedicationSpec::route, "route of administration");
    s.Object("frequency", &MedicationSpec::frequency, frequency, "how often");
    s.Field("text", &MedicationSpec::text, "the whole instruction, as a clinician writes it");
    return s;
  }();
  return schema;
}

StatusOr<OrderSpec> ParseOrderSpec(const RuleBuildContext& ctx, const config::Node& n) {
  return OrderSpecSchema().Read(n, ctx.bind());
}

StatusOr<MedicationSpec> ParseMedicationSpec(const RuleBuildContext& ctx, const config::Node& n) {
  return MedicationSpecSchema().Read(n, ctx.bind());
}

std::string ServiceRequestJson(const CdsRequest& request, const config::CodeEntry& code) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Str(w, "resourceType", "ServiceRequest");
  Str(w, "status", "draft");
  Str(w, "intent", "order");
  WriteConcept(w, "code", code);
  WriteContext(w, request);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string MedicationRequestJson(const CdsRequest& request, const MedicationSpec& s) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Str(w, "resourceType", "MedicationRequest");
  Str(w, "status", "draft");
  Str(w, "intent", "order");
  WriteConcept(w, "medicationCodeableConcept", s.medication);
  WriteContext(w, request);
  w.Key("dosageInstruction");
  w.StartArray();
  w.StartObject();
  Str(w, "text", s.text);
  w.Key("timing");
  w.StartObject();
  w.Key("repeat");
  w.StartObject();
  w.Key("frequency");
  w.Int(s.frequency.count);
  w.Key("period");
  w.Double(s.frequency.period);
  Str(w, "periodUnit", s.frequency.period_unit);
  w.EndObject();
  w.EndObject();
  if (s.route) WriteConcept(w, "route", *s.route);
  w.Key("doseAndRate");
  w.StartArray();
  w.StartObject();
  w.Key("doseQuantity");
  w.StartObject();
  w.Key("value");
  w.Double(s.dose.value);
  Str(w, "unit", s.dose.unit);
  Str(w, "system", "http://unitsofmeasure.org");
  Str(w, "code", s.dose.unit);
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

cards::Suggestion MedicationSuggestion(const CdsRequest& request, const MedicationSpec& spec,
                                       bool recommended) {
  cards::Suggestion s;
  s.label = spec.label;
  s.uuid = NewUuid();
  if (recommended) s.is_recommended = true;
  s.actions.push_back(CreateAction(spec.text, MedicationRequestJson(request, spec)));
  return s;
}

cards::Suggestion OrdersSuggestion(const CdsRequest& request, std::string label,
                                   const std::vector<const OrderSpec*>& orders, bool recommended) {
  cards::Suggestion s;
  s.label = std::move(label);
  s.uuid = NewUuid();
  if (recommended) s.is_recommended = true;
  for (const OrderSpec* o : orders) {
    s.actions.push_back(CreateAction("Order " + o->label, ServiceRequestJson(request, o->code)));
  }
  return s;
}

cards::Suggestion ServiceRequestSuggestion(const CdsRequest& request, const OrderSpec& spec,
                                           bool recommended) {
  return OrdersSuggestion(request, "Order " + spec.label, {&spec}, recommended);
}

cards::Action CreateAction(std::string description, std::string resource_json) {
  cards::Action a;
  a.type = cards::ActionType::kCreate;
  a.description = std::move(description);
  a.resource_json = std::move(resource_json);
  return a;
}

}  // namespace cds::hooks
