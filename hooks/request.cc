#include "hooks/request.h"

#include <cctype>

#include "base/ascii.h"
#include "base/status_macros.h"
#include "base/url.h"

#include "fhir/bundle.h"
#include "fhir/reference.h"

namespace cds::hooks {
namespace {

constexpr size_t kMaxHookInstanceLength = 256;

Status Invalid(std::string_view field, std::string_view problem) {
  return InvalidArgumentError(std::string(field) + " " + std::string(problem));
}

// Member that may be absent or JSON null (real clients send both for "not given").
const json::Value* FindNonNull(const json::Value& obj, std::string_view key) {
  const json::Value* v = json::Find(obj, key);
  return (v == nullptr || v->IsNull()) ? nullptr : v;
}

bool IsPrintable(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

StatusOr<std::optional<FhirAuthorization>> ParseAuthorization(const json::Value& root) {
  const json::Value* v = FindNonNull(root, "fhirAuthorization");
  if (v == nullptr) return std::optional<FhirAuthorization>();
  if (!v->IsObject()) return Invalid("fhirAuthorization", "must be an object");
  FhirAuthorization a;
  auto token = json::GetString(*v, "access_token");
  if (!token || token->empty()) return Invalid("fhirAuthorization.access_token", "is required");
  a.access_token = *token;
  auto type = json::GetString(*v, "token_type");
  if (!type || !EqualsIgnoreAsciiCase(*type, "Bearer")) {
    return Invalid("fhirAuthorization.token_type", "must be \"Bearer\"");
  }
  a.token_type = *type;
  if (const json::Value* e = json::Find(*v, "expires_in"); e != nullptr) {
    if (!e->IsInt64()) return Invalid("fhirAuthorization.expires_in", "must be an integer");
    a.expires_in = e->GetInt64();
  }
  for (auto [key, out] :
       {std::pair{"scope", &a.scope}, {"subject", &a.subject}, {"patient", &a.patient}}) {
    if (const json::Value* s = json::Find(*v, key); s != nullptr) {
      if (!s->IsString())
        return Invalid(std::string("fhirAuthorization.") + key, "must be a string");
      *out = json::AsStringView(*s);
    }
  }
  return std::optional<FhirAuthorization>(a);
}

}  // namespace

StatusOr<CdsRequest> CdsRequest::Parse(std::unique_ptr<json::Document> doc, Hook expected_hook) {
  CdsRequest r;
  r.doc_ = std::move(doc);
  CDS_RETURN_IF_ERROR(r.ParseEnvelope(expected_hook));
  CDS_RETURN_IF_ERROR(r.ParseContext());
  return r;
}

Status CdsRequest::ParseEnvelope(Hook expected_hook) {
  const json::Value& root = *doc_;
  if (!root.IsObject()) return InvalidArgumentError("request body must be a JSON object");
  const json::Value* hook = json::Find(root, "hook");
  if (hook == nullptr) return Invalid("hook", "is required");
  if (!hook->IsString()) return Invalid("hook", "must be a string");
  std::string_view hook_name = json::AsStringView(*hook);
  if (hook_name != HookName(expected_hook)) {
    std::string shown =
        IsPrintable(hook_name) && hook_name.size() <= 64 ? std::string(hook_name) : "?";
    return InvalidArgumentError("hook \"" + shown +
                                "\" does not match this service, which answers \"" +
                                std::string(HookName(expected_hook)) + "\"");
  }
  hook_ = expected_hook;

  const json::Value* hi = json::Find(root, "hookInstance");
  if (hi == nullptr) return Invalid("hookInstance", "is required");
  if (!hi->IsString() || hi->GetStringLength() == 0)
    return Invalid("hookInstance", "must be a non-empty string");
  hook_instance_ = json::AsStringView(*hi);
  if (hook_instance_.size() > kMaxHookInstanceLength || !IsPrintable(hook_instance_)) {
    return Invalid("hookInstance", "must be at most 256 printable characters");
  }

  if (const json::Value* fs = FindNonNull(root, "fhirServer"); fs != nullptr) {
    if (!fs->IsString()) return Invalid("fhirServer", "must be a string URL");
    std::string_view url = json::AsStringView(*fs);
    if (!ParseUrl(url)) return Invalid("fhirServer", "must be an absolute http(s) URL");
    fhir_server_ = url;
  }
  CDS_ASSIGN_OR_RETURN(fhir_auth_, ParseAuthorization(root));
  if (fhir_auth_ && !fhir_server_)
    return Invalid("fhirServer", "is required when fhirAuthorization is given");

  if (const json::Value* pf = FindNonNull(root, "prefetch"); pf != nullptr) {
    if (!pf->IsObject()) return Invalid("prefetch", "must be an object");
    prefetch_ = pf;
  }
  context_ = json::Find(root, "context");
  if (context_ == nullptr) return Invalid("context", "is required");
  if (!context_->IsObject()) return Invalid("context", "must be an object");
  return OkStatus();
}

Status CdsRequest::ParseContext() {
  const json::Value& ctx = *context_;
  if (const json::Value* u = FindNonNull(ctx, "userId"); u != nullptr) {
    if (!u->IsString()) return Invalid("context.userId", "must be a string");
    user_id_ = json::AsStringView(*u);
    fhir::ParsedReference ref = fhir::ParseReference(user_id_);
    bool ok_type = ref.type == "Practitioner" || ref.type == "PractitionerRole" ||
                   ref.type == "Patient" || ref.type == "RelatedPerson";
    if (ref.kind != fhir::ReferenceKind::kRelative || !ok_type) {
      return Invalid("context.userId",
                     "must be Practitioner/, PractitionerRole/, Patient/ or RelatedPerson/ + id");
    }
  }
  if (const json::Value* p = FindNonNull(ctx, "patientId"); p != nullptr) {
    if (!p->IsString()) return Invalid("context.patientId", "must be a string");
    patient_id_ = fhir::StripTypePrefix(json::AsStringView(*p), "Patient");
    if (patient_id_.empty())
      return Invalid("context.patientId", "must be a FHIR id (or Patient/<id>)");
  }
  if (const json::Value* e = FindNonNull(ctx, "encounterId"); e != nullptr) {
    if (!e->IsString()) return Invalid("context.encounterId", "must be a string");
    encounter_id_ = fhir::StripTypePrefix(json::AsStringView(*e), "Encounter");
    if (encounter_id_.empty())
      return Invalid("context.encounterId", "must be a FHIR id (or Encounter/<id>)");
  }
  if (hook_ == Hook::kPatientView) return OkStatus();
  CDS_RETURN_IF_ERROR(ParseDraftOrders());
  if (hook_ == Hook::kOrderSelect) {
    const json::Value* sel = json::Find(ctx, "selections");
    if (sel == nullptr) return Invalid("context.selections", "is required for order-select");
    if (!sel->IsArray()) return Invalid("context.selections", "must be an array");
    for (const json::Value& s : sel->GetArray()) {
      if (!s.IsString())
        return Invalid("context.selections[]", "must be strings like \"MedicationRequest/123\"");
      selections_.push_back(json::AsStringView(s));
    }
  }
  return InferPatientFromOrders();
}

Status CdsRequest::ParseDraftOrders() {
  const json::Value* d = json::Find(*context_, "draftOrders");
  if (d == nullptr)
    return Invalid("context.draftOrders",
                   std::string("is required for ") + std::string(HookName(hook_)));
  if (!d->IsObject() || !fhir::IsResourceOfType(*d, "Bundle")) {
    return Invalid("context.draftOrders", "must be a FHIR Bundle");
  }
  if (const json::Value* entries = json::Find(*d, "entry");
      entries != nullptr && !entries->IsArray()) {
    return Invalid("context.draftOrders.entry", "must be an array");
  }
  draft_orders_ = d;
  return OkStatus();
}

Status CdsRequest::InferPatientFromOrders() {
  std::string_view found;
  bool conflict = false;
  fhir::Bundle(*draft_orders_).ForEachEntry([&](const json::Value& r, std::string_view) {
    fhir::ResourceView order(r);
    std::string_view ref = order.ReferenceOf("subject");
    if (ref.empty()) ref = order.ReferenceOf("patient");
    fhir::ParsedReference p = fhir::ParseReference(ref);
    if (p.type != "Patient" || p.id.empty()) return;
    if (found.empty())
      found = p.id;
    else if (found != p.id)
      conflict = true;
  });
  if (conflict) return Invalid("context.draftOrders", "name more than one patient");
  // Orders for someone other than the patient in context would put one patient's
  // advice on another's chart: refuse rather than guess which is right.
  if (!patient_id_.empty() && !found.empty() && found != patient_id_) {
    return Invalid("context.draftOrders", "are for a different patient than context.patientId");
  }
  if (patient_id_.empty()) patient_id_ = found;
  return OkStatus();
}

}  // namespace cds::hooks
