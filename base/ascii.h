// ASCII text helpers for protocol tokens, codes, units and clinician-typed text that is
// compared case-insensitively. ASCII only, never the C locale: a byte >= 0x80 is left as it
// is, so UTF-8 passes through unchanged.
#pragma once

#include <string>
#include <string_view>

namespace cds {

// `s` with A-Z mapped to a-z.
std::string AsciiLower(std::string_view s);

// `s` with a-z mapped to A-Z.
std::string AsciiUpper(std::string_view s);

// True if `a` and `b` are equal when A-Z and a-z are not told apart.
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

// `s` without the spaces and tabs at either end.
std::string_view StripAsciiBlanks(std::string_view s);

}  // namespace cds
