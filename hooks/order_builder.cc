#include "hooks/order_builder.h"

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

StatusOr<OrderSpec> ParseOrderSpec(const RuleBuildContext& ctx, const config::Node& n) {
  CDS_RETURN_IF_ERROR(n.CheckKnownKeys({"label", "code"}));
  OrderSpec s;
  CDS_ASSIGN_OR_RETURN(s.label, n.String("label"));
  CDS_ASSIGN_OR_RETURN(s.code, ctx.CodeAt(n, "code"));
  return s;
}

StatusOr<MedicationSpec> ParseMedicationSpec(const RuleBuildContext& ctx, const config::Node& n) {
  CDS_RETURN_IF_ERROR(
      n.CheckKnownKeys({"label", "medication", "dose", "route", "frequency", "text"}));
  MedicationSpec s;
  CDS_ASSIGN_OR_RETURN(s.label, n.String("label"));
  CDS_ASSIGN_OR_RETURN(s.medication, ctx.CodeAt(n, "medication"));
  CDS_ASSIGN_OR_RETURN(config::Node dose, n.Child("dose"));
  CDS_RETURN_IF_ERROR(dose.CheckKnownKeys({"value", "unit"}));
  CDS_ASSIGN_OR_RETURN(s.dose_value, dose.Number("value"));
  CDS_ASSIGN_OR_RETURN(s.dose_unit, dose.String("unit"));
  if (s.dose_value <= 0) return dose.ErrorAt("value", "must be > 0");
  if (n.Has("route")) {
    CDS_ASSIGN_OR_RETURN(s.route, ctx.CodeAt(n, "route"));
  }
  CDS_ASSIGN_OR_RETURN(config::Node freq, n.Child("frequency"));
  CDS_RETURN_IF_ERROR(freq.CheckKnownKeys({"count", "period", "period_unit"}));
  CDS_ASSIGN_OR_RETURN(int64_t count, freq.Int("count"));
  CDS_ASSIGN_OR_RETURN(s.period, freq.Number("period"));
  CDS_ASSIGN_OR_RETURN(s.period_unit, freq.String("period_unit"));
  if (count < 1 || count > 24) return freq.ErrorAt("count", "must be 1-24");
  if (s.period <= 0) return freq.ErrorAt("period", "must be > 0");
  if (s.period_unit != "h" && s.period_unit != "d" && s.period_unit != "wk" &&
      s.period_unit != "mo") {
    return freq.ErrorAt("period_unit", "must be h, d, wk or mo");
  }
  s.frequency = static_cast<int>(count);
  CDS_ASSIGN_OR_RETURN(s.text, n.String("text"));
  return s;
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
  w.Int(s.frequency);
  w.Key("period");
  w.Double(s.period);
  Str(w, "periodUnit", s.period_unit);
  w.EndObject();
  w.EndObject();
  if (s.route) WriteConcept(w, "route", *s.route);
  w.Key("doseAndRate");
  w.StartArray();
  w.StartObject();
  w.Key("doseQuantity");
  w.StartObject();
  w.Key("value");
  w.Double(s.dose_value);
  Str(w, "unit", s.dose_unit);
  Str(w, "system", "http://unitsofmeasure.org");
  Str(w, "code", s.dose_unit);
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
