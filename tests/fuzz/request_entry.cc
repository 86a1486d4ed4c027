// FuzzRequest: ParseJson + CdsRequest::Parse for each hook (fuzz_entry_points.h).
#include <algorithm>
#include <cmath>
#include <utility>

#include "base/json.h"
#include "base/status.h"
#include "base/url.h"

#include "fhir/reference.h"
#include "fhir/resource.h"

#include "hooks/request.h"

#include "tests/fuzz/fuzz_support.h"

namespace cds::fuzz {
namespace {

// Limits well below the server's, so the limit paths are reached by small inputs.
constexpr json::JsonLimits kTightLimits{/*max_depth=*/8, /*max_string_length=*/64,
                                        /*max_values=*/256, /*reject_duplicate_keys=*/true};

void CheckParseError(const Status& s) {
  CDS_FUZZ_CHECK(
      s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kResourceExhausted,
      "ParseJson failed with a code other than InvalidArgument/ResourceExhausted");
}

// Same JSON value; doubles may differ by a few ulps, as RapidJSON's default (not full
// precision) number parser can read a 17-digit decimal an ulp off.
bool SameJson(const json::Value& a, const json::Value& b) {
  if (a.IsDouble() && b.IsNumber()) {
    double x = a.GetDouble(), y = b.GetDouble();
    return x == y || std::fabs(x - y) <= 1e-15 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.GetType() != b.GetType()) return false;
  if (a.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) return false;
    for (auto i = a.MemberBegin(), j = b.MemberBegin(); i != a.MemberEnd(); ++i, ++j) {
      if (json::AsStringView(i->name) != json::AsStringView(j->name) ||
          !SameJson(i->value, j->value)) {
        return false;
      }
    }
    return true;
  }
  if (a.IsArray()) {
    if (a.Size() != b.Size()) return false;
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      if (!SameJson(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.IsString()) return json::AsStringView(a) == json::AsStringView(b);
  return a == b;  // null, booleans, integers
}

// A parsed document serialises to JSON that parses back to the same document: what the
// service stores or forwards means what it received.
void CheckRoundTrip(const json::Document& doc) {
  std::string once = json::Serialize(doc);
  json::JsonLimits generous = ServerJsonLimits();
  generous.max_string_length = once.size() + 1;
  auto again = json::ParseJson(once, generous);
  CDS_FUZZ_CHECK(again.ok(), "a serialised document does not parse again");
  CDS_FUZZ_CHECK(SameJson(doc, **again), "a document changes when serialised and parsed again");
}

void CheckRequest(const hooks::CdsRequest& r, hooks::Hook hook) {
  CDS_FUZZ_CHECK(r.hook() == hook, "request parsed for one hook reports another");
  CDS_FUZZ_CHECK(!r.hook_instance().empty() && r.hook_instance().size() <= 256,
                 "hookInstance outside 1..256 bytes accepted");
  CDS_FUZZ_CHECK(r.patient_id().empty() || fhir::IsFhirId(r.patient_id()),
                 "patient_id is not a FHIR id");
  CDS_FUZZ_CHECK(r.encounter_id().empty() || fhir::IsFhirId(r.encounter_id()),
                 "encounter_id is not a FHIR id");
  if (r.fhir_authorization()) {
    CDS_FUZZ_CHECK(r.fhir_server().has_value(), "fhirAuthorization accepted without fhirServer");
    CDS_FUZZ_CHECK(!r.fhir_authorization()->access_token.empty(), "empty access token accepted");
  }
  if (r.fhir_server()) {
    CDS_FUZZ_CHECK(ParseUrl(*r.fhir_server()).has_value(), "fhirServer accepted but not a URL");
  }
  if (hook == hooks::Hook::kPatientView) {
    CDS_FUZZ_CHECK(r.draft_orders() == nullptr, "patient-view request has draft orders");
  } else {
    CDS_FUZZ_CHECK(
        r.draft_orders() != nullptr && fhir::IsResourceOfType(*r.draft_orders(), "Bundle"),
        "order hook accepted without a draftOrders Bundle");
  }
  if (hook != hooks::Hook::kOrderSelect) {
    CDS_FUZZ_CHECK(r.selections().empty(), "selections outside order-select");
  }
  CDS_FUZZ_CHECK(r.context().IsObject(), "context is not an object");
  CDS_FUZZ_CHECK(r.prefetch() == nullptr || r.prefetch()->IsObject(), "prefetch is not an object");
  // Touch every view so that ASan sees a dangling one.
  size_t bytes = r.hook_instance().size() + r.user_id().size() + r.patient_id().size();
  for (std::string_view s : r.selections()) bytes += s.size();
  if (r.fhir_authorization()) bytes += r.fhir_authorization()->scope.size();
  (void)bytes;
}

}  // namespace

void FuzzRequest(const uint8_t* data, size_t size) {
  QuietLogs();
  std::string_view body = Text(data, size);
  auto doc = json::ParseJson(body, ServerJsonLimits());
  auto tight = json::ParseJson(body, kTightLimits);
  if (!tight.ok()) CheckParseError(tight.status());
  if (!doc.ok()) {
    CheckParseError(doc.status());
    CDS_FUZZ_CHECK(!tight.ok(), "tight JSON limits accepted what the server's limits refuse");
    return;
  }
  CDS_FUZZ_CHECK(body.find('\0') == std::string_view::npos, "a body with a raw NUL byte parsed");
  CheckRoundTrip(**doc);
  for (hooks::Hook hook : kAllHooks) {
    auto request = hooks::CdsRequest::Parse(CopyDocument(**doc), hook);
    if (!request.ok()) {
      CDS_FUZZ_CHECK(request.status().code() == StatusCode::kInvalidArgument,
                     "CdsRequest::Parse failed with a code other than InvalidArgument");
      continue;
    }
    // Views must survive a move of the request (they point into the owned Document).
    hooks::CdsRequest moved = std::move(request).value();
    CheckRequest(moved, hook);
  }
}

}  // namespace cds::fuzz
