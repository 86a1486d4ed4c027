// A client that sends half a request and then stalls holds neither the server nor other
// callers: they are served at once, and the stalled connection is closed at the deadline.
#include "tests/integration/http_protocol_support.h"

namespace cds::testing {
namespace {

TEST(HttpSlowClientTest, HalfSentRequestDoesNotStallTheServer) {
  config::ServerConfig config = ProtocolConfig();
  config.limits.request_timeout_ms = 2000;
  config.limits.read_timeout_ms = 2000;
  auto server = StartServer(config);
  ASSERT_NE(server, nullptr);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(server->port()));
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  const std::string partial = std::string("POST ") + kSelectPath +
                              " HTTP/1.1\r\nHost: x\r\nContent-Type: "
                              "application/json\r\nContent-Length: 500\r\n\r\n{\"hook\"";
  ASSERT_EQ(::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(partial.size()));

  auto t0 = std::chrono::steady_clock::now();
  ExpectStillServing(*server, "a stalled client");
  auto served_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_LT(served_ms, 1000) << "another caller waited for the stalled one";

  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 8000), 1) << "the stalled connection was never closed";
  char buf[512];
  ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
  auto closed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_GE(closed_ms, 1500) << "closed before the 2 s request deadline";
  EXPECT_LT(closed_ms, 5000) << "not closed at the 2 s request deadline";
  EXPECT_GE(n, 0);
  if (n > 0) {
    EXPECT_THAT(std::string(buf, static_cast<size_t>(n)),
                ::testing::StartsWith("HTTP/1.1 4"));  // never a 2xx or 5xx
  }
  ::close(fd);
  ExpectStillServing(*server, "the stalled client was dropped");
}

}  // namespace
}  // namespace cds::testing
