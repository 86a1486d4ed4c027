// Quoting of untrusted strings (kid, iss, jti, tenant, URLs) for error messages.
//
// These values come from tokens or fetched documents before they are trusted, so a message
// carries at most a bounded prefix of each. The log layer escapes what remains; this only
// keeps one hostile value from bloating every log line. Never pass a token or signature.
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cds::auth {

inline constexpr size_t kMaxQuotedBytes = 128;

// `"value"`, or `"first 128 bytes..."` when longer.
inline std::string Quote(std::string_view value) {
  if (value.size() <= kMaxQuotedBytes) {
    return "\"" + std::string(value) + "\"";
  }
  return "\"" + std::string(value.substr(0, kMaxQuotedBytes)) + "...\"";
}

}  // namespace cds::auth
