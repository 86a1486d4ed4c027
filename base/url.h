// Absolute http(s) URLs, parsed for allow-list decisions.
//
// Outbound calls (FHIR servers, JWKS endpoints) are only made to URLs under an
// allow-listed base: same scheme, same host (case-insensitive), same port (explicit or
// default) and a path equal to, or below, the allowed path. Userinfo ("user@host"),
// fragments, non-http schemes, malformed hosts, dot segments (raw or percent-encoded) and
// control characters are refused outright, so a crafted URL cannot smuggle a different
// host or path past the comparison. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cds {

struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // lower case; IPv6 literals keep their brackets
  int port = 0;        // explicit or the scheme's default
  std::string path;    // "/fhir/R4" (no trailing slash; "" for the root)
  std::string query;   // without '?'

  // "https://host:port" (port always explicit).
  std::string Origin() const;
  // path + ("?" + query if any); "/" when both are empty.
  std::string PathAndQuery() const;
};

std::optional<Url> ParseUrl(std::string_view text);

// True if `url` is `base` or below it (path-segment aware: /fhir does not cover /fhirx).
bool IsUnderBase(const Url& url, const Url& base);

// True if `url` parses and is under any of `allowed` (each a base URL string).
bool IsAllowedUrl(std::string_view url, const std::vector<std::string>& allowed);

// Percent-encodes everything except RFC 3986 unreserved characters.
std::string PercentEncode(std::string_view s);

}  // namespace cds
