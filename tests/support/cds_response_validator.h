// The test suite's one checker of CDS Hooks 2.0 response rules, applied to every
// response body the tests produce (no null or empty values; cards with
// uuid, summary, indicator, source; suggestions, actions, links and systemActions).
//
// Independent of cards/: it reads the serialised JSON, so a bug in the response model
// or its writer cannot hide itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cds::testing {

// Every violation found, as "path: problem"; empty when the body is a valid response.
std::vector<std::string> ValidateCdsResponse(std::string_view body);

// gtest-friendly: "" when valid, else all violations joined by newlines.
std::string CdsResponseViolations(std::string_view body);

}  // namespace cds::testing
