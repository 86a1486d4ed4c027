#include "app/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace cds::app {
namespace {

thread_local bool t_refuse_connection = false;

void AddressOf(const sockaddr_storage& addr, std::string& ip, int& port) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf));
    port = ntohs(a->sin6_port);
  }
  ip = buf;
}

}  // namespace

bool ConnectionRefusedByPool() { return t_refuse_connection; }

ConnectionPool::ConnectionPool(size_t threads, size_t max_connections) : max_connections_(max_connections) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

ConnectionPool::~ConnectionPool() { shutdown(); }

void ConnectionPool::enqueue(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (jobs_.size() + active_ < max_connections_ && !shutting_down_) {
      jobs_.push_back(std::move(fn));
      cv_.notify_one();
      return;
    }
  }
  // Over the cap: run the connection inline, flagged, so the server writes a short 503
  // and closes it; the acceptor is held only for that one small write.
  ++refused_;
  t_refuse_connection = true;
  fn();
  t_refuse_connection = false;
}

void ConnectionPool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_ && threads_.empty()) return;
    shutting_down_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void ConnectionPool::Work() {
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return shutting_down_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // shutting down and drained
      fn = std::move(jobs_.front());
      jobs_.pop_front();
      ++active_;
    }
    fn();
    std::lock_guard<std::mutex> lock(mu_);
    --active_;
  }
}

bool WaitReadable(int sock, std::chrono::milliseconds timeout) {
  pollfd p{sock, POLLIN, 0};
  int r;
  do {
    r = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (r < 0 && errno == EINTR);
  return r > 0 && (p.revents & (POLLIN | POLLHUP)) != 0;
}

DeadlineSocketStream::DeadlineSocketStream(int sock, std::chrono::milliseconds read_timeout,
                                           std::chrono::milliseconds write_timeout)
    : sock_(sock), read_timeout_(read_timeout), write_timeout_(write_timeout), buffer_(16 * 1024) {}

bool DeadlineSocketStream::WaitFor(short events, std::chrono::milliseconds timeout, bool use_deadline) const {
  if (use_deadline && deadline_ != Clock::time_point::max()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) return false;
    timeout = std::min(timeout, left);
  }
  pollfd p{sock_, events, 0};
  int r;
  do {
    r = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (r < 0 && errno == EINTR);
  return r > 0 && (p.revents & (events | POLLHUP | POLLERR)) != 0;
}

bool DeadlineSocketStream::is_readable() const {
  return buffer_pos_ < buffer_len_ || WaitFor(POLLIN, read_timeout_, true);
}

bool DeadlineSocketStream::is_writable() const { return WaitFor(POLLOUT, write_timeout_, false); }

ssize_t DeadlineSocketStream::read(char* ptr, size_t size) {
  if (buffer_pos_ >= buffer_len_) {
    if (!WaitFor(POLLIN, read_timeout_, true)) return -1;
    ssize_t n;
    do {
      n = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return n;
    buffer_pos_ = 0;
    buffer_len_ = static_cast<size_t>(n);
  }
  size_t n = std::min(size, buffer_len_ - buffer_pos_);
  std::copy_n(buffer_.data() + buffer_pos_, n, ptr);
  buffer_pos_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t DeadlineSocketStream::write(const char* ptr, size_t size) {
  if (!WaitFor(POLLOUT, write_timeout_, false)) return -1;
  ssize_t n;
  do {
    n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n;
}

void DeadlineSocketStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) AddressOf(addr, ip, port);
}

void DeadlineSocketStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) AddressOf(addr, ip, port);
}

}  // namespace cds::app
