#include "base/url.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cds {
namespace {

struct ParseRow {
  const char* text;
  const char* scheme;
  const char* host;
  int port;
  const char* path;
  const char* query;
};

class ParseUrlTest : public ::testing::TestWithParam<ParseRow> {};

TEST_P(ParseUrlTest, Parses) {
  const ParseRow& r = GetParam();
  auto u = ParseUrl(r.text);
  ASSERT_TRUE(u.has_value()) << r.text;
  EXPECT_EQ(u->scheme, r.scheme) << r.text;
  EXPECT_EQ(u->host, r.host) << r.text;
  EXPECT_EQ(u->port, r.port) << r.text;
  EXPECT_EQ(u->path, r.path) << r.text;
  EXPECT_EQ(u->query, r.query) << r.text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseUrlTest,
    ::testing::Values(
        // Default ports.
        ParseRow{"http://example.org", "http", "example.org", 80, "", ""},
        ParseRow{"https://example.org", "https", "example.org", 443, "", ""},
        ParseRow{"https://example.org/fhir", "https", "example.org", 443, "/fhir", ""},
        // Explicit ports, including the default written out and the extremes.
        ParseRow{"https://example.org:8443/fhir/R4", "https", "example.org", 8443, "/fhir/R4", ""},
        ParseRow{"http://example.org:80/x", "http", "example.org", 80, "/x", ""},
        ParseRow{"http://127.0.0.1:1/", "http", "127.0.0.1", 1, "", ""},
        ParseRow{"http://127.0.0.1:65535", "http", "127.0.0.1", 65535, "", ""},
        // Upper case scheme and host are lowered; the path keeps its case.
        ParseRow{"HTTPS://EHR.Example.ORG/FHIR/R4", "https", "ehr.example.org", 443, "/FHIR/R4",
                 ""},
        ParseRow{"Http://Host", "http", "host", 80, "", ""},
        // Trailing slashes are dropped so "/fhir/" and "/fhir" compare equal.
        ParseRow{"https://example.org/fhir/", "https", "example.org", 443, "/fhir", ""},
        ParseRow{"https://example.org/fhir//", "https", "example.org", 443, "/fhir", ""},
        ParseRow{"https://example.org/", "https", "example.org", 443, "", ""},
        // IPv6 literals keep their brackets.
        ParseRow{"http://[::1]:8080/fhir", "http", "[::1]", 8080, "/fhir", ""},
        ParseRow{"http://[2001:DB8::1]/x", "http", "[2001:db8::1]", 80, "/x", ""},
        ParseRow{"https://[::ffff:127.0.0.1]", "https", "[::ffff:127.0.0.1]", 443, "", ""},
        // Queries.
        ParseRow{"https://h/fhir/Observation?patient=1&code=http://loinc.org|4548-4", "https", "h",
                 443, "/fhir/Observation", "patient=1&code=http://loinc.org|4548-4"},
        ParseRow{"https://h?x=1", "https", "h", 443, "", "x=1"},
        ParseRow{"https://h/a/?x=1", "https", "h", 443, "/a", "x=1"},
        // Dots inside a segment are not dot segments; percent-encoding elsewhere is kept.
        ParseRow{"https://h/fhir/Patient/a.b", "https", "h", 443, "/fhir/Patient/a.b", ""},
        ParseRow{"https://h/fhir/...x", "https", "h", 443, "/fhir/...x", ""},
        ParseRow{"https://h/fhir/a%20b", "https", "h", 443, "/fhir/a%20b", ""},
        ParseRow{"https://my-ehr.example.org/", "https", "my-ehr.example.org", 443, "", ""}));

class ParseUrlRefusesTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ParseUrlRefusesTest, Refuses) {
  EXPECT_FALSE(ParseUrl(GetParam()).has_value()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseUrlRefusesTest,
    ::testing::Values(
        // Not absolute http(s).
        "", "example.org/fhir", "/fhir/Patient", "ftp://example.org/", "file:///etc/passwd",
        "javascript://example.org/", "https:/example.org", "urn:uuid:1234",
        // Userinfo is refused outright (it can hide the real host).
        "https://user@example.org/", "https://user:pw@example.org/",
        "https://good.example.org@evil.example/", "https://example.org:443@evil.example/",
        // Ports.
        "https://example.org:0/", "https://example.org:65536/", "https://example.org:99999999999/",
        "https://example.org:abc/", "https://example.org:-1/", "https://example.org:+80/",
        "https://example.org:80:80/", "https://example.org:8 0/",
        // Hosts.
        "https:///fhir", "https://", "https://:443/", "https://exa_mple.org/",
        "https://exa mple.org/", "https://good.example.org\\.evil.example/", "https://[::1/fhir",
        "https://[zz::1]/", "https://[]/", "https://a%2eb/",
        // Fragments.
        "https://example.org/fhir#frag", "https://example.org/#", "https://example.org#x",
        // Dot segments, raw or percent-encoded, and encoded separators.
        "https://h/fhir/../admin", "https://h/fhir/./Patient", "https://h/fhir/..",
        "https://h/fhir/../", "https://h/fhir/.", "https://h/..", "https://h/%2e%2e/admin",
        "https://h/fhir/%2E%2E/admin", "https://h/fhir/.%2e/admin", "https://h/fhir%2fadmin",
        "https://h/fhir%2Fadmin", "https://h/fhir%5cadmin", "https://h/fhir\\..\\admin",
        // Control characters could split a request line or a log line.
        "https://h/fhir/Patient\r\nX-Injected: 1", "https://h/fhir\t/Patient",
        "https://h/fhir?q=a\nb"));

TEST(UrlTest, OriginAndPathAndQuery) {
  auto u = ParseUrl("https://EHR.example.org/fhir/R4/Observation?patient=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->Origin(), "https://ehr.example.org:443");
  EXPECT_EQ(u->PathAndQuery(), "/fhir/R4/Observation?patient=1");
  auto root = ParseUrl("http://[::1]:8080");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->Origin(), "http://[::1]:8080");
  EXPECT_EQ(root->PathAndQuery(), "/");
  auto query_only = ParseUrl("http://h?x=1");
  ASSERT_TRUE(query_only);
  EXPECT_EQ(query_only->PathAndQuery(), "/?x=1");
}

struct UnderRow {
  const char* url;
  const char* base;
  bool under;
};

class IsUnderBaseTest : public ::testing::TestWithParam<UnderRow> {};

TEST_P(IsUnderBaseTest, Decides) {
  const UnderRow& r = GetParam();
  auto url = ParseUrl(r.url);
  auto base = ParseUrl(r.base);
  ASSERT_TRUE(url) << r.url;
  ASSERT_TRUE(base) << r.base;
  EXPECT_EQ(IsUnderBase(*url, *base), r.under) << r.url << " under " << r.base;
}

INSTANTIATE_TEST_SUITE_P(
    Table, IsUnderBaseTest,
    ::testing::Values(
        UnderRow{"https://ehr/fhir", "https://ehr/fhir", true},
        UnderRow{"https://ehr/fhir/", "https://ehr/fhir", true},
        UnderRow{"https://ehr/fhir", "https://ehr/fhir/", true},
        UnderRow{"https://ehr/fhir/Patient/1", "https://ehr/fhir", true},
        UnderRow{"https://ehr/fhir/Observation?patient=1", "https://ehr/fhir", true},
        UnderRow{"https://ehr/fhir?x", "https://ehr/fhir", true},
        UnderRow{"https://EHR:443/fhir/Patient/1", "https://ehr/fhir", true},  // default port
        UnderRow{"https://ehr/anything", "https://ehr", true},  // root base covers all
        UnderRow{"https://ehr/anything", "https://ehr/", true},
        // Path-segment aware.
        UnderRow{"https://ehr/fhirx", "https://ehr/fhir", false},
        UnderRow{"https://ehr/fhirx/Patient/1", "https://ehr/fhir", false},
        UnderRow{"https://ehr/fhi", "https://ehr/fhir", false},
        UnderRow{"https://ehr/", "https://ehr/fhir", false},
        UnderRow{"https://ehr/other/fhir", "https://ehr/fhir", false},
        UnderRow{"https://ehr/FHIR/Patient/1", "https://ehr/fhir", false},  // path is exact
        UnderRow{"https://ehr/fhir/R4", "https://ehr/fhir/R4/Patient", false},
        // Origin must match exactly.
        UnderRow{"http://ehr/fhir/Patient/1", "https://ehr/fhir", false},
        UnderRow{"https://ehr:8443/fhir/Patient/1", "https://ehr/fhir", false},
        UnderRow{"https://ehr:443/fhir", "https://ehr:8443/fhir", false},
        UnderRow{"https://ehr.evil/fhir", "https://ehr/fhir", false},
        UnderRow{"https://evil-ehr/fhir", "https://ehr/fhir", false},
        UnderRow{"https://sub.ehr/fhir", "https://ehr/fhir", false},
        UnderRow{"http://[::1]:80/fhir/x", "http://[::1]/fhir", true},
        UnderRow{"http://[::2]/fhir/x", "http://[::1]/fhir", false}));

TEST(UrlTest, IsAllowedUrl) {
  std::vector<std::string> allowed = {"https://ehr.example.org/fhir/R4",
                                      "http://127.0.0.1:8080/fhir", "not a url"};
  EXPECT_TRUE(IsAllowedUrl("https://ehr.example.org/fhir/R4", allowed));
  EXPECT_TRUE(IsAllowedUrl("https://EHR.example.org:443/fhir/R4/Patient/1", allowed));
  EXPECT_TRUE(IsAllowedUrl("http://127.0.0.1:8080/fhir/Observation?patient=1", allowed));
  EXPECT_FALSE(IsAllowedUrl("https://ehr.example.org/fhir/R5", allowed));
  EXPECT_FALSE(IsAllowedUrl("https://ehr.example.org/fhir/R4x", allowed));
  EXPECT_FALSE(IsAllowedUrl("http://ehr.example.org/fhir/R4", allowed));
  EXPECT_FALSE(IsAllowedUrl("http://127.0.0.1:8081/fhir", allowed));
  EXPECT_FALSE(IsAllowedUrl("http://localhost:8080/fhir", allowed));
  EXPECT_FALSE(IsAllowedUrl("https://ehr.example.org/fhir/R4/../../admin", allowed));
  EXPECT_FALSE(IsAllowedUrl("https://user@ehr.example.org/fhir/R4", allowed));
  EXPECT_FALSE(IsAllowedUrl("not a url", allowed));  // an unparsable entry allows nothing
  EXPECT_FALSE(IsAllowedUrl("", allowed));
  EXPECT_FALSE(IsAllowedUrl("https://ehr.example.org/fhir/R4", {}));
  EXPECT_TRUE(IsAllowedUrl("https://any.example/x", {"https://any.example"}));
}

TEST(UrlTest, PercentEncode) {
  struct Row {
    const char* in;
    const char* out;
  } rows[] = {
      {"", ""},
      {"abcXYZ019-._~", "abcXYZ019-._~"},
      {"a b", "a%20b"},
      {"Patient/123", "Patient%2F123"},
      {"http://loinc.org|4548-4", "http%3A%2F%2Floinc.org%7C4548-4"},
      {"a&b=c?d#e", "a%26b%3Dc%3Fd%23e"},
      {"100%", "100%25"},
      {"+", "%2B"},
      {"\xC3\xA9", "%C3%A9"},  // UTF-8 e-acute, byte by byte, upper-case hex
      {"\r\n", "%0D%0A"},
  };
  for (const Row& r : rows) EXPECT_EQ(PercentEncode(r.in), r.out) << r.in;
  EXPECT_EQ(PercentEncode(std::string_view("a\0b", 3)), "a%00b");
}

}  // namespace
}  // namespace cds
