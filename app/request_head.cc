#include "app/request_head.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "base/ascii.h"

namespace cds::app {
namespace {

HeadVerdict Refuse(int status, std::string reason) {
  HeadVerdict v;
  v.status = status;
  v.reason = std::move(reason);
  return v;
}

bool IsTokenChar(unsigned char c) {
  if (std::isalnum(c)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Field values may hold HTAB, visible ASCII and obs-text; no other control character.
bool HasForbiddenControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t') || c == 0x7F;
  });
}

// Framing fields seen so far.
struct Framing {
  std::optional<uint64_t> content_length;
  bool too_long = false;  // a Content-Length beyond uint64 or the body limit
  bool transfer_encoding = false;
  bool chunked = false;
  bool connection = false;
};

// Checks one "name: value" line (without its CRLF) and records framing fields. Returns a
// refusal, or status 0.
HeadVerdict CheckField(std::string_view line, const HeadLimits& limits, Framing& f) {
  if (line.size() > kMaxLineBytes) return Refuse(431, "a request header field is too long");
  if (line.front() == ' ' || line.front() == '\t') {
    return Refuse(400, "folded header lines (obs-fold) are not accepted");
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return Refuse(400, "malformed header field");
  std::string_view name = line.substr(0, colon);
  if (!std::all_of(name.begin(), name.end(), [](char c) { return IsTokenChar(c); })) {
    return Refuse(400, "malformed header field name");
  }
  std::string_view value = StripAsciiBlanks(line.substr(colon + 1));
  if (HasForbiddenControl(value)) return Refuse(400, "control character in a header field");
  if (EqualsIgnoreAsciiCase(name, "Content-Length")) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    bool digits_only = !value.empty() && std::all_of(value.begin(), value.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
    if (!digits_only) return Refuse(400, "Content-Length must be a decimal number");
    if (ec == std::errc::result_out_of_range) {
      f.too_long = true;
      return {};
    }
    if (ec != std::errc() || end != value.data() + value.size()) {
      return Refuse(400, "Content-Length must be a decimal number");
    }
    if (f.content_length && *f.content_length != n) {
      return Refuse(400, "conflicting Content-Length fields");
    }
    f.content_length = n;
    if (n > limits.max_body_bytes) f.too_long = true;
  } else if (EqualsIgnoreAsciiCase(name, "Transfer-Encoding")) {
    if (f.transfer_encoding)
      return Refuse(501, "only a single Transfer-Encoding: chunked is supported");
    f.transfer_encoding = true;
    f.chunked = EqualsIgnoreAsciiCase(value, "chunked");
  } else if (EqualsIgnoreAsciiCase(name, "Connection")) {
    f.connection = true;
  }
  return {};
}

// Methods the router answers: with the resource, or with 404/405 and Allow. cpp-httplib
// also parses CONNECT, TRACE and PRI; no resource here has them.
bool IsRoutedMethod(std::string_view m) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    if (m == known) return true;
  }
  return false;
}

// The request line is "method SP request-target SP HTTP-version" (RFC 9112 §3). A
// well-formed HTTP/1.x line whose method is none of the routed ones gets 501 (RFC 9110
// §9.1); anything else malformed is left to cpp-httplib, which answers 400.
HeadVerdict CheckRequestLine(std::string_view line) {
  if (line.size() > kMaxLineBytes) return Refuse(414, "request line is too long");
  if (HasForbiddenControl(line)) return Refuse(400, "control character in the request line");
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == 0 || sp2 == sp1) return {};
  std::string_view method = line.substr(0, sp1);
  std::string_view version = line.substr(sp2 + 1);
  bool token = std::all_of(method.begin(), method.end(), [](char c) { return IsTokenChar(c); });
  if (token && version.starts_with("HTTP/1.") && !IsRoutedMethod(method)) {
    return Refuse(501,
                  "request method not implemented (GET, HEAD, POST, PUT, DELETE, OPTIONS, "
                  "PATCH are understood)");
  }
  return {};
}

}  // namespace

size_t FindHeadEnd(std::string_view buffer) {
  size_t crlf = buffer.find("\r\n\r\n");
  size_t lf = buffer.find("\n\n");
  size_t end_crlf = crlf == std::string_view::npos ? std::string_view::npos : crlf + 4;
  size_t end_lf = lf == std::string_view::npos ? std::string_view::npos : lf + 2;
  size_t end = std::min(end_crlf, end_lf);
  return end == std::string_view::npos ? 0 : end;
}

HeadVerdict InspectRequestHead(std::string_view head, const HeadLimits& limits) {
  if (head.size() > limits.max_bytes) {
    return Refuse(
        431, "request header block is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  Framing framing;
  size_t fields = 0;
  bool first = true;
  while (!head.empty()) {
    size_t lf = head.find('\n');
    if (lf == std::string_view::npos)
      return Refuse(400, "request head does not end with CRLF CRLF");
    if (lf == 0 || head[lf - 1] != '\r') return Refuse(400, "header lines must end with CRLF");
    std::string_view line = head.substr(0, lf - 1);
    head.remove_prefix(lf + 1);
    if (line.find('\r') != std::string_view::npos || line.find('\0') != std::string_view::npos) {
      return Refuse(400, "control character in the request head");
    }
    if (line.empty()) {
      if (first) return Refuse(400, "empty request line");
      break;  // end of the block
    }
    if (first) {
      first = false;
      HeadVerdict v = CheckRequestLine(line);
      if (v.status != 0) return v;
      continue;
    }
    if (++fields > limits.max_lines) {
      return Refuse(431,
                    "more than " + std::to_string(limits.max_lines) + " request header fields");
    }
    HeadVerdict v = CheckField(line, limits, framing);
    if (v.status != 0) return v;
  }
  if (framing.transfer_encoding) {
    if (!framing.chunked) return Refuse(501, "only Transfer-Encoding: chunked is supported");
    if (framing.content_length || framing.too_long) {
      return Refuse(400, "Content-Length together with Transfer-Encoding");
    }
    HeadVerdict v;
    v.body = HeadVerdict::Body::kChunked;
    v.has_connection_field = framing.connection;
    return v;
  }
  if (framing.too_long) {
    return Refuse(413, "request body is larger than the configured limit of " +
                           std::to_string(limits.max_body_bytes) + " bytes");
  }
  HeadVerdict v;
  v.has_connection_field = framing.connection;
  if (framing.content_length) {
    v.body = HeadVerdict::Body::kLength;
    v.content_length = *framing.content_length;
  } else {
    v.add_zero_length = true;
  }
  return v;
}

}  // namespace cds::app
