// CORS over real HTTP: preflight answered for allow-listed origins, with and without
// caller authentication.
#include "tests/integration/http_protocol_support.h"

namespace cds::testing {
namespace {

void ExpectPreflightAllowed(const httplib::Result& res, const std::string& path,
                            bool expect_origin) {
  ASSERT_TRUE(res) << path;
  EXPECT_GE(res->status, 200) << path;
  EXPECT_LT(res->status, 300) << path << ": " << res->body;
  std::string methods = res->get_header_value("Access-Control-Allow-Methods");
  for (const char* m : {"GET", "POST", "OPTIONS"}) EXPECT_THAT(methods, HasSubstr(m)) << path;
  std::string headers = AsciiLower(res->get_header_value("Access-Control-Allow-Headers"));
  EXPECT_THAT(headers, HasSubstr("authorization")) << path;
  EXPECT_THAT(headers, HasSubstr("content-type")) << path;
  if (expect_origin) {
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kOrigin) << path;
    EXPECT_THAT(res->get_header_value("Vary"), HasSubstr("Origin")) << path;
  } else {
    EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin")) << path;
  }
  EXPECT_FALSE(res->has_header("WWW-Authenticate")) << path;
}

httplib::Headers Preflight(const std::string& origin) {
  return {{"Origin", origin},
          {"Access-Control-Request-Method", "POST"},
          {"Access-Control-Request-Headers", "authorization, content-type"}};
}

const std::vector<std::string> kCorsPaths = {"/cds-services", kSelectPath,
                                             std::string(kSelectPath) + "/feedback"};

TEST(CorsTest, PreflightAnsweredForAllowListedOrigin) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  for (const std::string& path : kCorsPaths) {
    ExpectPreflightAllowed(server->Client().Options(path.c_str(), Preflight(kOrigin)), path, true);
  }
}

TEST(CorsTest, NoAllowOriginForAnOriginNotOnTheList) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  for (const std::string& path : kCorsPaths) {
    ExpectPreflightAllowed(
        server->Client().Options(path.c_str(), Preflight("https://evil.example.com")), path, false);
  }
  auto get = server->Client().Get("/cds-services", {{"Origin", "https://evil.example.com"}});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_FALSE(get->has_header("Access-Control-Allow-Origin"));
  // A prefix or suffix of an allowed origin is a different origin.
  auto near =
      server->Client().Get("/cds-services", {{"Origin", std::string(kOrigin) + ".evil.com"}});
  ASSERT_TRUE(near);
  EXPECT_FALSE(near->has_header("Access-Control-Allow-Origin"));
}

TEST(CorsTest, ActualRequestsCarryAllowOrigin) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto get = server->Client().Get("/cds-services", {{"Origin", kOrigin}});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->get_header_value("Access-Control-Allow-Origin"), kOrigin);
  auto post = Send(*server, "POST", kSelectPath, HarmlessOrderSelect(), "application/json",
                   {{"Origin", kOrigin}});
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 200);
  EXPECT_EQ(CdsResponseViolations(post->body), "") << post->body;
  EXPECT_EQ(post->get_header_value("Access-Control-Allow-Origin"), kOrigin);
}

// Rejects every caller and remembers what it was asked.
class RejectAll final : public app::CallerAuthenticator {
 public:
  Status Authenticate(std::string_view authorization_header, std::string_view audience) override {
    std::lock_guard<std::mutex> lock(mu_);
    headers_.emplace_back(authorization_header);
    audiences_.emplace_back(audience);
    return UnauthenticatedError("signature does not verify: secret detail");
  }
  size_t calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return headers_.size();
  }
  std::vector<std::string> headers() {
    std::lock_guard<std::mutex> lock(mu_);
    return headers_;
  }
  std::vector<std::string> audiences() {
    std::lock_guard<std::mutex> lock(mu_);
    return audiences_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> headers_, audiences_;
};

TEST(CorsTest, PreflightNeedsNoAuthenticationWhileCallsDo) {
  RejectAll auth;
  config::ServerConfig config = ProtocolConfig();
  config.public_base_url = "https://cds.example.org";
  auto server = StartServer(config, &auth);
  ASSERT_NE(server, nullptr);
  for (const std::string& path : kCorsPaths) {
    ExpectPreflightAllowed(server->Client().Options(path.c_str(), Preflight(kOrigin)), path, true);
  }
  EXPECT_EQ(auth.calls(), 0u) << "a preflight must never be authenticated";

  const std::string bearer = "Bearer eyJhbGciOiJFUzM4NCJ9.e30.c2ln";
  auto post = Send(*server, "POST", kSelectPath, HarmlessOrderSelect(), "application/json",
                   {{"Authorization", bearer}, {"Origin", kOrigin}});
  ASSERT_TRUE(IsOperationOutcome(post, 401, "login"));
  EXPECT_EQ(DiagnosticsOf(post->body), "") << "401 explains nothing: " << post->body;
  EXPECT_EQ(post->body.find("secret detail"), std::string::npos);
  EXPECT_EQ(post->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(post->get_header_value("Access-Control-Allow-Origin"), kOrigin);

  auto get = server->Client().Get("/cds-services");
  ASSERT_TRUE(IsOperationOutcome(get, 401, "login"));
  EXPECT_EQ(DiagnosticsOf(get->body), "");
  auto feedback = Send(
      *server, "POST", std::string(kSelectPath) + "/feedback",
      R"({"feedback":[{"card":"c","outcome":"overridden","outcomeTimestamp":"2026-01-01T00:00:00Z"}]})");
  ASSERT_TRUE(IsOperationOutcome(feedback, 401, "login"));

  auto health = server->Client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << "liveness is never authenticated";

  std::vector<std::string> headers = auth.headers();
  std::vector<std::string> audiences = auth.audiences();
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[0], bearer);
  EXPECT_EQ(headers[1], "");
  // The JWT audience is the exact URL the EHR called (public_base_url + path).
  EXPECT_EQ(audiences[0], std::string("https://cds.example.org") + kSelectPath);
  EXPECT_EQ(audiences[1], "https://cds.example.org/cds-services");
  EXPECT_EQ(audiences[2], std::string("https://cds.example.org") + kSelectPath + "/feedback");
}

}  // namespace
}  // namespace cds::testing
