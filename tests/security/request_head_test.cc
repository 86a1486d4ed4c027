// InspectRequestHead: the header-block checks GuardedServer applies before cpp-httplib
// parses a request (app/request_head.h). Table-driven: head in, status and framing out.
#include "app/request_head.h"

#include <string>

#include <gtest/gtest.h>

#include "base/json.h"

#include "config/server_config.h"

namespace cds::app {
namespace {

using namespace std::string_literals;

HeadLimits Limits() { return HeadLimits{32 * 1024, 100, 1 << 20}; }

TEST(RequestHeadTest, Table) {
  struct Row {
    std::string what;
    std::string head;
    int status;
  };
  const std::string req = "POST /cds-services/x HTTP/1.1\r\nHost: a\r\n";
  const std::vector<Row> rows = {
      {"plain GET", "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n", 0},
      {"POST with length", req + "Content-Length: 10\r\n\r\n", 0},
      {"chunked", req + "Transfer-Encoding: chunked\r\n\r\n", 0},
      {"chunked, any case", req + "transfer-encoding:  Chunked \r\n\r\n", 0},
      {"body over the limit", req + "Content-Length: 104857600\r\n\r\n", 413},
      {"length beyond uint64", req + "Content-Length: 99999999999999999999999\r\n\r\n", 413},
      {"negative length", req + "Content-Length: -1\r\n\r\n", 400},
      {"length with sign", req + "Content-Length: +5\r\n\r\n", 400},
      {"length list", req + "Content-Length: 5, 5\r\n\r\n", 400},
      {"conflicting lengths", req + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", 400},
      {"repeated equal lengths", req + "Content-Length: 5\r\nContent-Length: 5\r\n\r\n", 0},
      {"length and chunked", req + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"gzip transfer coding", req + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501},
      {"two transfer-encodings",
       req + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
      {"bare LF", "GET / HTTP/1.1\nHost: a\n\n", 400},
      {"bare LF in one line", "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400},
      {"bare CR", "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", 400},
      {"NUL in a value", "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"s, 400},
      {"NUL in the request line", "GET /\0 HTTP/1.1\r\n\r\n"s, 400},
      {"escape in a value", "GET / HTTP/1.1\r\nX: a\x1b[31m\r\n\r\n", 400},
      {"obs-fold", "GET / HTTP/1.1\r\nX: a\r\n  continued\r\n\r\n", 400},
      {"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
      {"no colon", "GET / HTTP/1.1\r\nHost\r\n\r\n", 400},
      {"empty request line", "\r\n\r\n", 400},
      {"long request line", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", 414},
      {"long field", "GET / HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n", 431},
      {"obs-text is fine", "GET / HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n", 0},
      // Methods: the routed ones pass (the router answers 404/405); others are 501.
      {"OPTIONS", "OPTIONS /cds-services HTTP/1.1\r\nHost: a\r\n\r\n", 0},
      {"HEAD", "HEAD /healthz HTTP/1.1\r\nHost: a\r\n\r\n", 0},
      {"DELETE", "DELETE /cds-services HTTP/1.1\r\nHost: a\r\n\r\n", 0},
      {"PATCH", "PATCH /cds-services HTTP/1.1\r\nHost: a\r\n\r\n", 0},
      {"TRACE", "TRACE / HTTP/1.1\r\nHost: a\r\n\r\n", 501},
      {"CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: a\r\n\r\n", 501},
      {"unknown method", "FOO / HTTP/1.1\r\nHost: a\r\n\r\n", 501},
      {"lower-case get", "get / HTTP/1.1\r\nHost: a\r\n\r\n", 501},
      {"HTTP/1.0 unknown method", "FOO / HTTP/1.0\r\n\r\n", 501},
      // Not HTTP/1.x, or not a request line: cpp-httplib answers 400.
      {"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\n", 0},
      {"method not a token", "G(T / HTTP/1.1\r\n\r\n", 0},
      {"no version", "FOO /\r\n\r\n", 0},
  };
  for (const Row& row : rows) {
    HeadVerdict v = InspectRequestHead(row.head, Limits());
    EXPECT_EQ(v.status, row.status) << row.what << ": " << v.reason;
    if (v.status != 0) {
      EXPECT_FALSE(v.reason.empty()) << row.what;
    }
  }
}

TEST(RequestHeadTest, FieldCountAndSize) {
  std::string head = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 100; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(InspectRequestHead(head + "\r\n", Limits()).status, 0);
  EXPECT_EQ(InspectRequestHead(head + "X-101: v\r\n\r\n", Limits()).status, 431);
  HeadLimits small = Limits();
  small.max_bytes = 512;
  EXPECT_EQ(InspectRequestHead(head + "\r\n", small).status, 431);
}

TEST(RequestHeadTest, Framing) {
  HeadVerdict get = InspectRequestHead("GET / HTTP/1.1\r\nHost: a\r\n\r\n", Limits());
  EXPECT_EQ(get.body, HeadVerdict::Body::kNone);
  EXPECT_TRUE(get.add_zero_length);  // RFC 9112 §6.3: no framing, no body
  HeadVerdict post = InspectRequestHead("POST / HTTP/1.1\r\ncontent-length: 42\r\n\r\n", Limits());
  EXPECT_EQ(post.body, HeadVerdict::Body::kLength);
  EXPECT_EQ(post.content_length, 42u);
  EXPECT_FALSE(post.add_zero_length);
  HeadVerdict chunked = InspectRequestHead(
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n", Limits());
  EXPECT_EQ(chunked.body, HeadVerdict::Body::kChunked);
  EXPECT_TRUE(chunked.has_connection_field);
}

TEST(RequestHeadTest, ReasonsNeverEchoHeaderValues) {
  HeadVerdict v =
      InspectRequestHead("GET / HTTP/1.1\r\nAuthorization: Bearer s3cr3t\x01\r\n\r\n", Limits());
  EXPECT_EQ(v.status, 400);
  EXPECT_EQ(v.reason.find("s3cr3t"), std::string::npos) << v.reason;
}

TEST(RequestHeadTest, FindHeadEnd) {
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\n"), 0u);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\n\r\nbody"), 18u);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\n\nbody"), 16u);
  EXPECT_EQ(FindHeadEnd(""), 0u);
}

// limits.max_header_bytes / max_header_lines come from server.json, validated with the path.
TEST(RequestHeadTest, HeaderLimitsFromConfig) {
  auto parse = [](const std::string& text) {
    auto doc = json::ParseJson(text, json::JsonLimits{});
    EXPECT_TRUE(doc.ok());
    config::Node root(**doc, "server.json", "$");
    return config::ParseServerConfig(root);
  };
  auto defaults = parse("{}");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->limits.max_header_bytes, 32u * 1024);
  EXPECT_EQ(defaults->limits.max_header_lines, 100u);
  auto set = parse(R"({"limits":{"max_header_bytes":16384,"max_header_lines":50}})");
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->limits.max_header_bytes, 16384u);
  EXPECT_EQ(set->limits.max_header_lines, 50u);
  auto tiny = parse(R"({"limits":{"max_header_bytes":100}})");
  ASSERT_FALSE(tiny.ok());
  EXPECT_NE(tiny.status().message().find("max_header_bytes"), std::string::npos)
      << tiny.status().message();
  auto many = parse(R"({"limits":{"max_header_lines":5000}})");
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.status().message().find("max_header_lines"), std::string::npos)
      << many.status().message();
}

}  // namespace
}  // namespace cds::app
