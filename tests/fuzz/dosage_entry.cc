// FuzzDosage: dose, timing and daily-dose parsing (fhir/dosage.h, fhir/timing.h).
#include <cmath>
#include <string>

#include "base/decimal.h"
#include "base/json.h"

#include "fhir/dosage.h"
#include "fhir/timing.h"

#include "tests/fuzz/fuzz_support.h"
#include <fuzzer/FuzzedDataProvider.h>

namespace cds::fuzz {
namespace {

bool Finite(double low, double high) { return std::isfinite(low) && std::isfinite(high); }

void CheckFrequency(const fhir::Frequency& f) {
  if (!f.known) return;
  CDS_FUZZ_CHECK(Finite(f.low, f.high) && f.low >= 0 && f.low <= f.high,
                 "a known frequency is not a finite, ordered, non-negative range");
}

void CheckAmount(const fhir::DoseAmount& d) {
  (void)d.Text();
  if (!d.known) return;
  CDS_FUZZ_CHECK(Finite(d.low, d.high) && d.low >= 0 && d.low <= d.high,
                 "a known dose is not a finite, ordered, non-negative range");
}

void CheckDaily(const fhir::DailyDose& d) {
  (void)d.Text();
  if (!d.known) return;
  CDS_FUZZ_CHECK(std::isfinite(d.high) && d.high >= 0, "a known daily dose is not finite");
  if (!d.as_needed) {
    CDS_FUZZ_CHECK(std::isfinite(d.low) && d.low >= 0 && d.low <= d.high,
                   "a known daily dose is not an ordered range");
  }
}

void CheckInstruction(const json::Value& instruction) {
  fhir::Dosage d = fhir::ReadDosage(instruction);
  CheckAmount(d.dose);
  CheckFrequency(fhir::AdministrationsPerDay(d));
  CheckDaily(fhir::DailyDoseOf(d));
  (void)fhir::AllAtBedtime(d);
  if (d.timing) {
    CheckFrequency(fhir::AdministrationsPerDay(*d.timing));
    (void)fhir::BedtimeOf(*d.timing);
  }
}

// Every object in the document as a dosage instruction, a Timing and a MedicationRequest.
void WalkDocument(const json::Value& root) {
  std::vector<const json::Value*> stack{&root};
  while (!stack.empty()) {
    const json::Value* v = stack.back();
    stack.pop_back();
    if (v->IsArray()) {
      for (const json::Value& e : v->GetArray()) stack.push_back(&e);
    } else if (v->IsObject()) {
      CheckInstruction(*v);
      CheckFrequency(fhir::AdministrationsPerDay(fhir::ReadTiming(*v)));
      for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) stack.push_back(&it->value);
    }
  }
}

}  // namespace

void FuzzDosage(const uint8_t* data, size_t size) {
  QuietLogs();
  {
    FuzzedDataProvider fdp(data, size);
    std::string text = fdp.ConsumeRandomLengthString(120);
    (void)fhir::TextSaysBedtime(text);
    (void)fhir::AbbreviationPerDay(text);
    (void)RoundToSignificantDigits(fdp.ConsumeFloatingPoint<double>());
  }
  auto doc = json::ParseJson(Text(data, size), ServerJsonLimits());
  if (!doc.ok()) return;
  fhir::DosageSummary summary = fhir::SummarizeDosage(**doc);
  (void)summary.DailyWhyNot();
  (void)summary.Description();
  for (const fhir::DosagePhase& phase : summary.phases) {
    CheckFrequency(phase.per_day);
    CheckAmount(phase.dose);
    CheckDaily(phase.daily);
  }
  WalkDocument(**doc);
}

}  // namespace cds::fuzz
