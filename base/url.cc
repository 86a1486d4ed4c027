#include "base/url.h"

#include <cctype>
#include <charconv>

#include "base/ascii.h"

namespace cds {
namespace {

bool ValidHost(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  if (h.front() == '[') {  // IPv6 literal
    if (h.back() != ']' || h.size() < 4) return false;
    for (char c : h.substr(1, h.size() - 2)) {
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return false;
    }
    return true;
  }
  for (char c : h) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return false;
  }
  return true;
}

}  // namespace

std::string Url::Origin() const { return scheme + "://" + host + ":" + std::to_string(port); }

std::string Url::PathAndQuery() const {
  std::string out = path.empty() ? "/" : path;
  if (!query.empty()) out += "?" + query;
  return out;
}

std::optional<Url> ParseUrl(std::string_view text) {
  // Control characters (CR/LF, TAB, NUL, DEL) are never part of a URL; let through, they could
  // split a request line or a log line.
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return std::nullopt;
  }
  Url u;
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  u.scheme = AsciiLower(text.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
  std::string_view rest = text.substr(sep + 3);
  if (rest.find('#') != std::string_view::npos) return std::nullopt;
  size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path_query = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no userinfo
  std::string_view host = authority;
  std::string_view port_text;
  size_t colon = authority.rfind(':');
  size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
  }
  if (!ValidHost(host)) return std::nullopt;
  u.host = AsciiLower(host);
  u.port = u.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    int p = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || p < 1 || p > 65535) {
      return std::nullopt;
    }
    u.port = p;
  }
  size_t q = path_query.find('?');
  u.path = std::string(path_query.substr(0, q));
  if (q != std::string_view::npos) u.query = std::string(path_query.substr(q + 1));
  while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
  // Dot segments could walk out of an allowed base path; refuse rather than normalise.
  if (u.path.find("/../") != std::string::npos || u.path.find("/./") != std::string::npos ||
      u.path.ends_with("/..") || u.path.ends_with("/.") || u.path.find('\\') != std::string::npos ||
      AsciiLower(u.path).find("%2e") != std::string::npos ||
      AsciiLower(u.path).find("%2f") != std::string::npos ||
      AsciiLower(u.path).find("%5c") != std::string::npos) {
    return std::nullopt;
  }
  return u;
}

bool IsUnderBase(const Url& url, const Url& base) {
  if (url.scheme != base.scheme || url.host != base.host || url.port != base.port) return false;
  if (base.path.empty()) return true;
  if (url.path == base.path) return true;
  return url.path.size() > base.path.size() &&
         url.path.compare(0, base.path.size(), base.path) == 0 && url.path[base.path.size()] == '/';
}

bool IsAllowedUrl(std::string_view url, const std::vector<std::string>& allowed) {
  auto u = ParseUrl(url);
  if (!u) return false;
  for (const std::string& a : allowed) {
    auto base = ParseUrl(a);
    if (base && IsUnderBase(*u, *base)) return true;
  }
  return false;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace cds
