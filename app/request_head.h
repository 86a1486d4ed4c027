// InspectRequestHead: checks an HTTP/1.1 request's header block before cpp-httplib parses it.
//
// cpp-httplib 0.11.4 buffers a header line of any length before it looks at it, accepts any
// number of header lines, reads a body it is about to refuse (Content-Length over the payload
// limit is read and discarded), and reads a POST without Content-Length until the client
// closes. GuardedServer therefore reads the whole header block itself, bounded by
// limits.max_header_bytes, and asks this function whether to hand it on:
//   431  block larger than max_header_bytes, more than max_header_lines fields, or a field
//        line longer than kMaxLineBytes
//   414  request line longer than kMaxLineBytes
//   400  bare LF or CR, NUL or another control character, obs-fold, a malformed field name,
//        an invalid or conflicting Content-Length, or Content-Length with Transfer-Encoding
//   413  Content-Length above max_body_bytes (answered before one body byte is read)
//   501  a Transfer-Encoding other than "chunked", or a request method the router does not
//        know (CONNECT, TRACE, an unknown token)
// An acceptable head with neither Content-Length nor Transfer-Encoding has a zero-length
// body (RFC 9112 §6.3); `add_zero_length` asks the caller to say so to cpp-httplib.
//
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cds::app {

// Longest request line or field line; cpp-httplib 0.11.4 refuses longer ones on its own.
inline constexpr size_t kMaxLineBytes = 8192;

struct HeadLimits {
  size_t max_bytes = 32 * 1024;  // whole block, request line and final CRLF included
  size_t max_lines = 100;        // field lines
  size_t max_body_bytes = 8u << 20;
};

struct HeadVerdict {
  enum class Body { kNone, kLength, kChunked };

  int status = 0;      // 0: acceptable; else answer this status and close the connection
  std::string reason;  // for the OperationOutcome and the log; never echoes header values
  Body body = Body::kNone;
  uint64_t content_length = 0;  // when body == kLength
  bool add_zero_length = false;
  bool has_connection_field = false;
};

// `head` is the block from the request line through the empty line that ends it
// ("...\r\n\r\n", or "...\n\n" from a client using bare LF, which is refused).
HeadVerdict InspectRequestHead(std::string_view head, const HeadLimits& limits);

// Offset just past the end of the header block in `buffer` ("\r\n\r\n" or "\n\n"), or 0 if
// the block is not complete yet.
size_t FindHeadEnd(std::string_view buffer);

}  // namespace cds::app
