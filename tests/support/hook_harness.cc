#include "tests/support/hook_harness.h"

#include <cstdio>

#include <gtest/gtest.h>

#include "fhir/datetime.h"

#include "app/runtime.h"
#include "tests/support/cds_response_validator.h"

namespace cds::testing {
namespace {

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

EpochMillis ParseNow(const std::string& now) {
  auto t = fhir::ParseFhirDateTime(now);
  if (!t.ok()) {
    ADD_FAILURE() << "bad harness time " << now;
    return 0;
  }
  return t->begin;
}

}  // namespace

RequestBuilder::RequestBuilder(std::string hook, std::string patient_id)
    : hook_(std::move(hook)), patient_id_(std::move(patient_id)) {}

RequestBuilder& RequestBuilder::HookInstance(std::string id) {
  hook_instance_ = std::move(id);
  return *this;
}
RequestBuilder& RequestBuilder::DraftOrder(std::string resource_json, bool selected) {
  orders_.emplace_back(std::move(resource_json), selected);
  return *this;
}
RequestBuilder& RequestBuilder::Prefetch(std::string key, std::vector<std::string> resources) {
  std::string b = R"({"resourceType":"Bundle","type":"searchset","entry":[)";
  for (size_t i = 0; i < resources.size(); ++i)
    b += (i ? "," : "") + std::string(R"({"resource":)") + resources[i] + "}";
  prefetch_[std::move(key)] = b + "]}";
  return *this;
}
RequestBuilder& RequestBuilder::PrefetchRaw(std::string key, std::string json) {
  prefetch_[std::move(key)] = std::move(json);
  return *this;
}
RequestBuilder& RequestBuilder::LeaveAbsent(std::string key) {
  absent_.insert(std::move(key));
  return *this;
}
RequestBuilder& RequestBuilder::FhirServer(std::string base_url, std::string token) {
  fhir_server_ = std::move(base_url);
  token_ = std::move(token);
  return *this;
}
RequestBuilder& RequestBuilder::ContextField(std::string key, std::string raw_json) {
  extra_context_.emplace_back(std::move(key), std::move(raw_json));
  return *this;
}

std::string RequestBuilder::Build(const std::vector<std::string>& default_null) const {
  std::string r = "{\"hook\":" + Quoted(hook_) + ",\"hookInstance\":" + Quoted(hook_instance_);
  if (!fhir_server_.empty()) {
    r += ",\"fhirServer\":" + Quoted(fhir_server_);
    if (!token_.empty()) {
      r +=
          R"(,"fhirAuthorization":{"access_token":)" + Quoted(token_) +
          R"(,"token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"cds-service"})";
    }
  }
  r += ",\"context\":{\"userId\":\"Practitioner/pr1\"";
  if (!patient_id_.empty()) r += ",\"patientId\":" + Quoted(patient_id_);
  if (hook_ != "patient-view") {
    std::string selections, entries;
    for (const auto& [json, selected] : orders_) {
      entries += (entries.empty() ? "" : ",") + std::string(R"({"resource":)") + json + "}";
      if (selected) {
        rapidjson::Document d;
        d.Parse(json.c_str());
        if (!d.HasParseError() && d.HasMember("id")) {
          std::string key = std::string(d["resourceType"].GetString()) + "/" + d["id"].GetString();
          selections += (selections.empty() ? "" : ",") + Quoted(key);
        }
      }
    }
    if (hook_ == "order-select") r += ",\"selections\":[" + selections + "]";
    r +=
        R"(,"draftOrders":{"resourceType":"Bundle","type":"collection","entry":[)" + entries + "]}";
  }
  for (const auto& [k, v] : extra_context_) r += "," + Quoted(k) + ":" + v;
  r += "}";
  std::map<std::string, std::string> prefetch = prefetch_;
  for (const std::string& k : default_null) {
    if (!prefetch.count(k) && !absent_.count(k)) prefetch[k] = "null";
  }
  for (const std::string& k : absent_) prefetch.erase(k);
  if (!prefetch.empty()) {
    r += ",\"prefetch\":{";
    bool first = true;
    for (const auto& [k, v] : prefetch) {
      r += (first ? "" : ",") + Quoted(k) + ":" + v;
      first = false;
    }
    r += "}";
  }
  return r + "}";
}

std::vector<const rapidjson::Value*> HookResponse::Cards(std::string_view rule_id) const {
  std::vector<const rapidjson::Value*> out;
  if (!doc.IsObject() || !doc.HasMember("cards") || !doc["cards"].IsArray()) return out;
  for (const auto& c : doc["cards"].GetArray()) {
    if (c.HasMember("source") && c["source"].HasMember("topic") &&
        c["source"]["topic"]["code"].GetString() == rule_id) {
      out.push_back(&c);
    }
  }
  return out;
}

size_t HookResponse::CardCount() const {
  return doc.IsObject() && doc.HasMember("cards") && doc["cards"].IsArray() ? doc["cards"].Size()
                                                                            : 0;
}

const rapidjson::Value* HookResponse::OnlyCard(std::string_view rule_id) const {
  auto cards = Cards(rule_id);
  if (cards.size() != 1) {
    ADD_FAILURE() << "expected exactly one card of " << rule_id << ", got " << cards.size()
                  << "; body: " << body;
    return nullptr;
  }
  return cards[0];
}

HookHarness::HookHarness(std::string now, std::string config_dir, config::ServerConfig settings,
                         std::unique_ptr<fhir::FhirClient> client)
    : clock_(ParseNow(now)) {
  if (config_dir.empty()) config_dir = std::string(CDS_SOURCE_DIR "/config");
  app::ServiceOptions options{std::move(settings), config_dir, /*record_cards=*/false};
  auto s = app::CdsHooksService::Create(std::move(options), clock_, std::move(client));
  if (!s.ok()) {
    ADD_FAILURE() << "service did not start: " << s.status().message();
    return;
  }
  service_ = std::move(s).value();
}

std::vector<std::string> HookHarness::PrefetchKeys(std::string_view service_id) const {
  if (!service_) return {};
  const hooks::CdsService* svc = service_->registry()->Find(service_id);
  return svc == nullptr ? std::vector<std::string>{} : svc->PrefetchKeys();
}

HookResponse HookHarness::CallRaw(std::string_view service_id, const std::string& body) {
  HookResponse r;
  if (!service_) return r;
  app::Reply reply = service_->Call(service_id, body);
  r.status = reply.status;
  r.body = reply.body;
  r.doc.Parse(r.body.c_str(), r.body.size());
  if (reply.status == 200) {
    EXPECT_EQ(CdsResponseViolations(r.body), "") << r.body;
    // The engine reports a rule that failed on its "checks not completed" card.
    EXPECT_EQ(r.body.find("the check failed internally"), std::string::npos)
        << "a rule failed (threw, or read data it does not declare); the log names it: " << r.body;
  }
  return r;
}

HookHarness& SharedHarness(std::string_view now) {
  static HookHarness* harness = new HookHarness(kHarnessNow);  // lives until the process ends
  harness->clock().Set(ParseNow(std::string(now)));
  return *harness;
}

HookResponse HookHarness::Call(std::string_view service_id, const RequestBuilder& builder) {
  return CallRaw(service_id, builder.Build(PrefetchKeys(service_id)));
}

std::string Coding(std::string_view system, std::string_view code, std::string_view display) {
  std::string c = "{\"system\":" + Quoted(system) + ",\"code\":" + Quoted(code);
  if (!display.empty()) c += ",\"display\":" + Quoted(display);
  return c + "}";
}

std::string LoincObservation(std::string_view id, std::string_view loinc, std::string_view date,
                             std::string_view value_member, std::string_view status,
                             std::string_view patient) {
  std::string o = R"({"resourceType":"Observation","id":)" + Quoted(id) +
                  ",\"status\":" + Quoted(status) + R"(,"code":{"coding":[)" +
                  Coding("http://loinc.org", loinc) + "]}" +
                  R"(,"subject":{"reference":"Patient/)" + std::string(patient) + "\"}";
  if (!date.empty()) o += ",\"effectiveDateTime\":" + Quoted(date);
  if (!value_member.empty()) o += "," + std::string(value_member);
  return o + "}";
}

std::string Quantity(double value, std::string_view ucum, std::string_view comparator) {
  char v[64];
  std::snprintf(v, sizeof(v), "%.10g", value);
  std::string q = R"("valueQuantity":{"value":)" + std::string(v);
  if (!comparator.empty()) q += ",\"comparator\":" + Quoted(comparator);
  if (!ucum.empty())
    q += ",\"unit\":" + Quoted(ucum) + R"(,"system":"http://unitsofmeasure.org","code":)" +
         Quoted(ucum);
  return q + "}";
}

std::string SnomedValue(std::string_view code) {
  return R"("valueCodeableConcept":{"coding":[)" + Coding("http://snomed.info/sct", code) + "]}";
}

std::string RxMedicationRequest(std::string_view id, std::string_view rxnorm,
                                std::string_view status, std::string_view authored,
                                std::string_view extra_members, std::string_view patient) {
  std::string m = R"({"resourceType":"MedicationRequest","id":)" + Quoted(id) +
                  ",\"status\":" + Quoted(status) +
                  R"(,"intent":"order","medicationCodeableConcept":{"coding":[)" +
                  Coding("http://www.nlm.nih.gov/research/umls/rxnorm", rxnorm) + "]}" +
                  R"(,"subject":{"reference":"Patient/)" + std::string(patient) + "\"}";
  if (!authored.empty()) m += ",\"authoredOn\":" + Quoted(authored);
  if (!extra_members.empty()) m += "," + std::string(extra_members);
  return m + "}";
}

std::string SnomedCondition(std::string_view id, std::string_view code,
                            std::string_view clinical_status, std::string_view extra_members,
                            std::string_view patient) {
  std::string c =
      R"({"resourceType":"Condition","id":)" + Quoted(id) + R"(,"clinicalStatus":{"coding":[)" +
      Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", clinical_status) + "]}" +
      R"(,"code":{"coding":[)" + Coding("http://snomed.info/sct", code) + "]}" +
      R"(,"subject":{"reference":"Patient/)" + std::string(patient) + "\"}";
  if (!extra_members.empty()) c += "," + std::string(extra_members);
  return c + "}";
}

}  // namespace cds::testing
