// FuzzPrefetchTemplate: prefetch template parsing and expansion (fuzz_entry_points.h).
#include <algorithm>
#include <optional>
#include <string>

#include "base/json.h"
#include "base/status.h"

#include "hooks/prefetch_template.h"
#include "hooks/request.h"

#include "tests/fuzz/fuzz_support.h"

namespace cds::fuzz {
namespace {

// Query syntax characters. Token values are percent-encoded (userId is a validated
// Type/id), so an expansion has exactly as many as the template's literal text.
size_t QuerySyntaxCount(std::string_view s) {
  return std::count_if(s.begin(), s.end(),
                       [](char c) { return c == '&' || c == '?' || c == '#' || c == '='; });
}

void CheckExpansion(const hooks::PrefetchTemplate& t, const hooks::CdsRequest& request) {
  auto query = t.Expand(request);
  if (!query.ok()) {
    CDS_FUZZ_CHECK(query.status().code() == StatusCode::kFailedPrecondition,
                   "Expand failed with a code other than FailedPrecondition");
    return;
  }
  for (char c : *query) {
    CDS_FUZZ_CHECK(static_cast<unsigned char>(c) > 0x20, "an expanded query holds whitespace");
  }
  CDS_FUZZ_CHECK(QuerySyntaxCount(*query) == QuerySyntaxCount(t.text()),
                 "a request value added query syntax to a prefetch query");
}

}  // namespace

void FuzzPrefetchTemplate(const uint8_t* data, size_t size) {
  QuietLogs();
  std::string_view input = Text(data, size);
  std::string_view body = input;
  std::optional<hooks::PrefetchTemplate> fuzzed;
  if (!input.starts_with('{')) {
    size_t newline = input.find('\n');
    std::string_view text = input.substr(0, newline);
    body = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    auto t = hooks::PrefetchTemplate::Parse(text);
    if (t.ok()) {
      CDS_FUZZ_CHECK(t->text() == text, "PrefetchTemplate::text() differs from its source");
      fuzzed = std::move(t).value();
    } else {
      CDS_FUZZ_CHECK(t.status().code() == StatusCode::kInvalidArgument,
                     "PrefetchTemplate::Parse failed with a code other than InvalidArgument");
    }
  }
  auto doc = json::ParseJson(body, ServerJsonLimits());
  if (!doc.ok()) return;
  for (hooks::Hook hook : kAllHooks) {
    auto request = hooks::CdsRequest::Parse(CopyDocument(**doc), hook);
    if (!request.ok()) continue;
    if (fuzzed) CheckExpansion(*fuzzed, *request);
    for (const hooks::CdsService& service : BundledRegistry().services()) {
      if (service.hook != hook) continue;
      for (const hooks::PrefetchEntry& entry : service.prefetch)
        CheckExpansion(entry.query, *request);
    }
  }
}

}  // namespace cds::fuzz
