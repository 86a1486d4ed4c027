// FuzzFhirViews: quantities and units, dates, references, qualitative results, resource
// views and the ResourceIndex (fuzz_entry_points.h).
#include <climits>
#include <cmath>
#include <string>
#include <vector>

#include "base/json.h"

#include "fhir/bundle.h"
#include "fhir/clinical.h"
#include "fhir/coding.h"
#include "fhir/condition.h"
#include "fhir/datetime.h"
#include "fhir/medication.h"
#include "fhir/observation.h"
#include "fhir/observation_query.h"
#include "fhir/quantity.h"
#include "fhir/reference.h"
#include "fhir/resource_index.h"

#include "tests/fuzz/fuzz_support.h"
#include <fuzzer/FuzzedDataProvider.h>

namespace cds::fuzz {
namespace {

// Units a rule converts to (config/knowledge): one per dimension, and HbA1c's.
constexpr std::string_view kTargetUnits[] = {"mg/dL", "g/L",     "%",       "/min", "kg",      "cm",
                                             "mL",    "10*3/uL", "m[IU]/L", "m2",   "mmol/mol"};

// 0001-01-02 .. 9998-12-31: dates whose UTC rendering still has a 4-digit year.
constexpr EpochMillis kPrintableFrom = -62135510400000;
constexpr EpochMillis kPrintableTo = 253370678400000;

void CheckDateTime(std::string_view text) {
  auto dt = fhir::ParseFhirDateTime(text);
  if (!dt.ok()) return;
  CDS_FUZZ_CHECK(dt->begin < dt->end, "a date's interval is empty");
  if (dt->begin < kPrintableFrom || dt->begin > kPrintableTo) return;
  auto again = fhir::ParseFhirDateTime(dt->ToString());
  CDS_FUZZ_CHECK(again.ok(), "FhirDateTime::ToString() does not parse back");
  CDS_FUZZ_CHECK(again->precision == dt->precision, "date precision changes on a round trip");
  if (dt->precision == fhir::DatePrecision::kTime) {
    // ToString() prints whole seconds.
    CDS_FUZZ_CHECK(again->begin <= dt->begin && dt->begin - again->begin < 1000,
                   "dateTime moves on a round trip");
  } else {
    CDS_FUZZ_CHECK(again->begin == dt->begin && again->end == dt->end,
                   "date moves on a round trip");
  }
}

bool Within(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void CheckReference(std::string_view text) {
  fhir::ParsedReference r = fhir::ParseReference(text);
  CDS_FUZZ_CHECK(r.raw == text, "ParsedReference.raw differs from the input");
  CDS_FUZZ_CHECK(Within(r.type, text) && Within(r.id, text), "a reference view points elsewhere");
  if (r.kind == fhir::ReferenceKind::kRelative || r.kind == fhir::ReferenceKind::kAbsolute) {
    CDS_FUZZ_CHECK(fhir::IsResourceTypeName(r.type) && fhir::IsFhirId(r.id),
                   "a reference with a bad type or id was accepted");
  }
  if (r.kind == fhir::ReferenceKind::kContained) {
    CDS_FUZZ_CHECK(!r.id.empty(), "a contained reference without an id");
  }
  std::string_view stripped = fhir::StripTypePrefix(text, "Patient");
  CDS_FUZZ_CHECK(stripped.empty() || fhir::IsFhirId(stripped), "StripTypePrefix kept a bad id");
}

void CheckUnits(double value, std::string_view from, std::string_view to) {
  if (auto c = fhir::CanonicalUnit(from)) {
    CDS_FUZZ_CHECK(fhir::CanonicalUnit(*c) == *c, "CanonicalUnit is not idempotent");
  }
  auto there = fhir::ConvertValue(value, from, to);
  if (!there.ok() || !std::isfinite(value) || !std::isfinite(*there)) return;
  if (std::fabs(value) < 1e-200 || std::fabs(value) > 1e200) return;
  auto back = fhir::ConvertValue(*there, to, from);
  CDS_FUZZ_CHECK(back.ok(), "a unit conversion does not convert back");
  CDS_FUZZ_CHECK(std::fabs(*back - value) <= 1e-9 * std::fabs(value),
                 "a unit conversion does not round-trip");
}

void CheckQuantity(const fhir::Quantity& q) {
  for (std::string_view unit : kTargetUnits) {
    auto v = fhir::ValueIn(q, unit);
    auto at_least = fhir::IsAtLeast(q, 1.0, unit);
    auto above = fhir::IsAbove(q, 1.0, unit);
    CDS_FUZZ_CHECK(v.ok() == at_least.ok() && v.ok() == above.ok(),
                   "IsAtLeast/IsAbove disagree with ValueIn about the unit");
    if (v.ok() && q.comparator == fhir::Comparator::kEq) {
      CDS_FUZZ_CHECK((*at_least == fhir::Tri::kYes) == (*v >= 1.0), "IsAtLeast is wrong");
      CDS_FUZZ_CHECK((*above == fhir::Tri::kYes) == (*v > 1.0), "IsAbove is wrong");
    }
  }
  (void)fhir::HbA1cPercent(q);
  (void)fhir::ComparatorText(q.comparator);
  (void)fhir::FormatNumber(q.value);
}

// Raw strings and numbers, independent of JSON.
void FuzzScalars(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  std::string text = fdp.ConsumeRandomLengthString(80);
  std::string from = fdp.ConsumeRandomLengthString(24);
  std::string to = fdp.ConsumeRandomLengthString(24);
  double value = fdp.ConsumeFloatingPoint<double>();
  CheckDateTime(text);
  CheckReference(text);
  (void)fhir::QualitativeFromText(text);
  CheckUnits(value, from, to);
  fhir::Quantity q;
  q.value = value;
  q.comparator =
      fdp.PickValueInArray({fhir::Comparator::kEq, fhir::Comparator::kLt, fhir::Comparator::kLe,
                            fhir::Comparator::kGe, fhir::Comparator::kGt});
  q.unit = from;
  q.code = to;
  q.system = fdp.ConsumeBool() ? fhir::kUcum : std::string_view(text);
  CheckQuantity(q);
}

const fhir::CodeSet& TestCodes() {
  static const fhir::CodeSet codes = [] {
    fhir::CodeSet c;
    c.Add(fhir::kLoinc, "5196-1");      // HBsAg
    c.Add(fhir::kLoinc, "2472-0");      // IgM
    c.Add(fhir::kSnomed, "230572002");  // diabetic neuropathy
    c.Add(fhir::kRxNorm, "121191");     // rituximab
    c.AddPrefix(fhir::kAtc, "N02A");    // opioids
    return c;
  }();
  return codes;
}

void ViewResource(const json::Value& r) {
  fhir::ResourceView view(r);
  (void)view.Key();
  (void)view.FindContained(view.ReferenceOf("medicationReference"));
  std::string_view type = view.resource_type();
  if (type == "Observation") {
    fhir::Observation o(r);
    (void)o.HasUsableStatus();
    (void)o.EffectiveTime();
    if (auto q = o.ValueQuantity()) CheckQuantity(*q);
    (void)fhir::QualitativeName(o.QualitativeResult());
    (void)o.ValueText();
  } else if (type == "Condition") {
    fhir::Condition c(r);
    (void)c.IsRefutedOrError();
    (void)c.IsCurrent();
    (void)c.Onset();
    (void)c.RecordedDate();
    (void)c.Text();
  } else if (type == "MedicationStatement") {
    (void)fhir::MedicationStatement(r).Effective();
  } else if (type == "MedicationAdministration") {
    (void)fhir::MedicationAdministration(r).Effective();
  } else if (type == "MedicationRequest") {
    fhir::MedicationRequest m(r);
    (void)m.IsActiveOrOnHold();
    (void)m.AuthoredOn();
    (void)m.medication_reference();
  } else if (type == "Patient") {
    (void)fhir::Patient(r).BirthDate();
  } else if (type == "Procedure") {
    (void)fhir::Procedure(r).Performed();
  } else if (type == "ServiceRequest") {
    (void)fhir::ServiceRequest(r).AuthoredOn();
  } else if (type == "Bundle") {
    fhir::Bundle b(r);
    (void)b.EntryCount();
    (void)b.NextLink();
  } else if (type == "OperationOutcome") {
    fhir::OperationOutcome oo(r);
    (void)oo.HasErrors();
    (void)oo.Summary();
  }
}

// Visits every value of `root` (iteratively), viewing each object as a resource, a
// Quantity, a CodeableConcept and a Reference, and each string as a date and reference.
void WalkDocument(const json::Value& root, const fhir::ResourceIndex& index,
                  std::vector<const json::Value*>& resources) {
  std::vector<std::pair<const json::Value*, const json::Value*>> stack{{&root, &root}};
  while (!stack.empty()) {
    auto [v, owner] = stack.back();
    stack.pop_back();
    if (v->IsString()) {
      CheckDateTime(json::AsStringView(*v));
      CheckReference(json::AsStringView(*v));
    } else if (v->IsArray()) {
      for (const json::Value& e : v->GetArray()) stack.push_back({&e, owner});
    } else if (v->IsObject()) {
      if (json::GetString(*v, "resourceType")) {
        owner = v;
        resources.push_back(v);
        ViewResource(*v);
      }
      if (auto q = fhir::ReadQuantity(*v)) CheckQuantity(*q);
      (void)TestCodes().FirstMatch(*v);
      (void)fhir::ConceptText(*v);
      if (auto ref = json::GetString(*v, "reference")) (void)index.Resolve(*owner, *ref);
      for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it)
        stack.push_back({&it->value, owner});
    }
  }
}

void CheckQueries(const std::vector<const json::Value*>& resources) {
  std::vector<fhir::Observation> obs = fhir::UsableObservations(resources, TestCodes());
  EpochMillis previous = LLONG_MAX;
  for (const fhir::Observation& o : obs) {
    auto t = o.EffectiveTime();
    EpochMillis latest = t ? t->Latest() : LLONG_MIN;
    CDS_FUZZ_CHECK(latest <= previous, "UsableObservations is not newest first");
    previous = latest;
  }
  (void)fhir::LatestDatedObservation(resources, TestCodes());
  (void)fhir::CurrentConditions(resources, TestCodes());
}

}  // namespace

void FuzzFhirViews(const uint8_t* data, size_t size) {
  QuietLogs();
  FuzzScalars(data, size);
  auto doc = json::ParseJson(Text(data, size), ServerJsonLimits());
  if (!doc.ok()) return;
  fhir::ResourceIndex index;
  if (fhir::IsResourceOfType(**doc, "Bundle")) {
    index.AddBundle(**doc);
  } else if ((*doc)->IsObject()) {
    index.Add(**doc);
  }
  std::vector<const json::Value*> resources;
  WalkDocument(**doc, index, resources);
  CheckQueries(resources);
}

}  // namespace cds::fuzz
