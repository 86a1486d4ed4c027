// Base64url (RFC 4648 §5) as JOSE uses it: no padding, and strict on input.
//
// JWS and JWK encode every binary field this way with trailing '=' omitted (RFC 7515 §2,
// RFC 7517). Decoding refuses anything a conforming encoder would not produce: characters
// outside the url-safe alphabet (including '+', '/', '=' and whitespace), an impossible
// length (len % 4 == 1), and non-zero unused bits in the last character. Refusing the
// non-canonical forms means one byte string has exactly one accepted encoding, so a token
// cannot be re-spelled without changing its text.
//
// Pure functions; thread-safe. Errors are kInvalidArgument and never echo the input.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace cds::auth {

// Decodes unpadded base64url text into bytes.
StatusOr<std::string> Base64UrlDecode(std::string_view text);

// Encodes bytes as unpadded base64url.
std::string Base64UrlEncode(std::string_view bytes);

}  // namespace cds::auth
