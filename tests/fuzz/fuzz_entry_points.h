// Fuzz entry points: what each libFuzzer target does with one input, shared with the
// replay test so that every committed seed and crash regression also runs in the
// ordinary (g++) test suite.
//
// Each entry point drives one area with arbitrary bytes and checks invariants that must
// hold for *every* input, beyond "does not crash": a hook call never answers 5xx and its
// 200 bodies pass the CDS Hooks response checker; a parsed date prints and parses back to
// itself; an expanded prefetch query gains no query parameters from request values; a
// verified token is never accepted twice. A broken invariant prints what broke and aborts,
// which libFuzzer reports as a crash and the replay test as a death.
//
// Fixed state (the bundled knowledge, a fixed clock, test keys) is built once per process
// and is read-only afterwards, so an input's result never depends on earlier inputs.
// Not thread-safe: one input at a time, as libFuzzer runs them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace cds::fuzz {

using EntryPoint = void (*)(const uint8_t* data, size_t size);

struct FuzzTarget {
  std::string_view name;  // also the folder name under corpus/ and regressions/
  EntryPoint run;
};

// Every target built into this binary, in a fixed order.
const std::vector<FuzzTarget>& AllTargets();

// The whole input as a request body: ParseJson with the server's limits (and again with
// tight limits, which must never accept what the defaults refuse), then CdsRequest::Parse
// for each hook, with the accessors' contracts checked on success.
void FuzzRequest(const uint8_t* data, size_t size);

// The whole input as a hook call body, posted to every service of the bundled knowledge
// (config/ in the source tree) through CdsHooksService::Call: fixed clock, no FHIR
// client, no feedback store. Odd-sized inputs use on_data_unavailable "card", even ones
// "fail".
void FuzzHookCall(const uint8_t* data, size_t size);

// FHIR views. Always: FuzzedDataProvider strings through the date, reference, unit,
// conversion and qualitative-result parsers. When the input is JSON: every resource in
// it (Bundles descended) through its view, every object through ReadQuantity, every
// string through the date and reference parsers, and a ResourceIndex over it.
void FuzzFhirViews(const uint8_t* data, size_t size);

// Prefetch templates. The input is "<template>\n<request JSON>" or, when it starts with
// '{', a request alone. The template (if any) and every template of the bundled knowledge
// are parsed and expanded against the request parsed for each hook.
void FuzzPrefetchTemplate(const uint8_t* data, size_t size);

// JWTs. Always: DecodeJwt and ParseJwkSet on the input, and JwtVerifier::Verify of it as
// an Authorization header against the spec's example issuer and JWK Set at a fixed time.
// When the input starts with '{': "<header JSON>\n<claims JSON>" is signed with a key
// generated at start-up (ES384 or RS384 as the header's alg says) and verified, twice.
void FuzzJwt(const uint8_t* data, size_t size);

// The whole input as a feedback body: ParseJson, then ParseFeedback.
void FuzzFeedback(const uint8_t* data, size_t size);

#ifdef CDS_FUZZ_HAVE_DOSAGE
// Dose parsing (fhir/dosage.h).
void FuzzDosage(const uint8_t* data, size_t size);
#endif

// Silences the service's log output (lines are still built, so formatting is exercised).
void QuietLogs();

// Prints "fuzz invariant broken: <what>" and aborts.
[[noreturn]] void InvariantBroken(std::string_view what);

}  // namespace cds::fuzz

#define CDS_FUZZ_CHECK(cond, what)                   \
  do {                                               \
    if (!(cond)) ::cds::fuzz::InvariantBroken(what); \
  } while (0)
