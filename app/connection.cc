#include "app/connection.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include <openssl/err.h>

#include "app/request_head.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cds::app {
namespace {

// One recv/SSL_read at most; also the most ReadHead can read past its limit.
constexpr size_t kChunkBytes = 16 * 1024;

thread_local bool t_refuse_connection = false;
thread_local StreamFault t_fault = StreamFault::kNone;

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

int PollOnce(int sock, short events, std::chrono::milliseconds timeout) {
  pollfd p{sock, events, 0};
  int r;
  do {
    r = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, timeout.count())));
  } while (r < 0 && errno == EINTR);
  if (r <= 0) return r;
  return (p.revents & (events | POLLHUP | POLLERR)) != 0 ? 1 : 0;
}

}  // namespace

bool ConnectionRefusedByPool() { return t_refuse_connection; }
StreamFault CurrentStreamFault() { return t_fault; }

ConnectionPool::ConnectionPool(size_t threads, size_t max_connections)
    : max_connections_(max_connections) {
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
  // OpenSSL writes with write(2), which raises SIGPIPE on a connection the peer reset;
  // blocked here, the write fails with EPIPE instead of killing an embedding process.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
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

DeadlineSocketStream::DeadlineSocketStream(int sock, SSL* ssl,
                                           std::chrono::milliseconds read_timeout,
                                           std::chrono::milliseconds write_timeout)
    : sock_(sock), ssl_(ssl), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

DeadlineSocketStream::~DeadlineSocketStream() { t_fault = StreamFault::kNone; }

void DeadlineSocketStream::StartRequest(Clock::time_point deadline) {
  deadline_ = deadline;
  budget_ = SIZE_MAX;
  consumed_ = 0;
  head_len_ = 0;
  t_fault = StreamFault::kNone;
}

bool DeadlineSocketStream::WaitFor(short events, std::chrono::milliseconds timeout,
                                   bool use_deadline) const {
  if (use_deadline && deadline_ != Clock::time_point::max()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) {
      t_fault = StreamFault::kTimeout;
      return false;
    }
    timeout = std::min(timeout, left);
  }
  int r = PollOnce(sock_, events, timeout);
  if (r == 0 && use_deadline) t_fault = StreamFault::kTimeout;
  return r > 0;
}

ssize_t DeadlineSocketStream::Fill(std::chrono::milliseconds timeout, bool use_deadline) {
  if (use_deadline && Clock::now() >= deadline_) {
    t_fault = StreamFault::kTimeout;
    return -1;
  }
  char chunk[kChunkBytes];
  for (;;) {
    ssize_t n;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int r = SSL_read(ssl_, chunk, static_cast<int>(sizeof(chunk)));
      if (r <= 0) {
        int e = SSL_get_error(ssl_, r);
        if (e == SSL_ERROR_ZERO_RETURN) return 0;
        short wait = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
        if (wait == 0 || !WaitFor(wait, timeout, use_deadline)) return -1;
        continue;
      }
      n = r;
    } else {
      n = ::recv(sock_, chunk, sizeof(chunk), MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!WaitFor(POLLIN, timeout, use_deadline)) return -1;
        continue;
      }
      if (n <= 0) return n;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return n;
  }
}

void DeadlineSocketStream::Compact() {
  if (pos_ == 0) return;
  buffer_.erase(0, pos_);
  pos_ = 0;
}

DeadlineSocketStream::HeadResult DeadlineSocketStream::ReadHead(size_t max_bytes,
                                                                size_t max_lines) {
  Compact();
  head_len_ = 0;
  size_t checked = 0;  // bytes already searched for the end of the block
  size_t lines = 0;
  for (;;) {
    size_t from = checked >= 3 ? checked - 3 : 0;
    size_t end = FindHeadEnd(std::string_view(buffer_).substr(from));
    size_t upto = end != 0 ? from + end : buffer_.size();
    lines += static_cast<size_t>(
        std::count(buffer_.begin() + static_cast<std::ptrdiff_t>(std::max(checked, from)),
                   buffer_.begin() + static_cast<std::ptrdiff_t>(std::max(upto, checked)), '\n'));
    if (end != 0) {
      head_len_ = from + end;
      // The request line and the empty line are not fields.
      return head_len_ > max_bytes || lines > max_lines + 2 ? HeadResult::kTooLarge
                                                            : HeadResult::kComplete;
    }
    checked = buffer_.size();
    if (checked > max_bytes || lines > max_lines + 1) return HeadResult::kTooLarge;
    ssize_t n = Fill(read_timeout_, true);
    if (n == 0) return buffer_.empty() ? HeadResult::kIdleClose : HeadResult::kTruncated;
    if (n < 0) return buffer_.empty() ? HeadResult::kIdleClose : HeadResult::kTimeout;
  }
}

std::string_view DeadlineSocketStream::head() const {
  return std::string_view(buffer_).substr(pos_, head_len_);
}

void DeadlineSocketStream::AppendHeaderField(std::string_view line) {
  std::string field = std::string(line) + "\r\n";
  buffer_.insert(pos_ + head_len_ - 2, field);
  head_len_ += field.size();
}

bool DeadlineSocketStream::HasBufferedData() const {
  return pos_ < buffer_.size() || (ssl_ != nullptr && SSL_pending(ssl_) > 0);
}

bool DeadlineSocketStream::WaitReadable(std::chrono::milliseconds timeout) const {
  return HasBufferedData() || WaitFor(POLLIN, timeout, false);
}

bool DeadlineSocketStream::is_readable() const {
  return HasBufferedData() || WaitFor(POLLIN, read_timeout_, true);
}

bool DeadlineSocketStream::is_writable() const { return WaitFor(POLLOUT, write_timeout_, false); }

ssize_t DeadlineSocketStream::read(char* ptr, size_t size) {
  if (consumed_ >= budget_) {
    t_fault = StreamFault::kBudget;
    return -1;
  }
  if (pos_ >= buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
    ssize_t n = Fill(read_timeout_, true);
    if (n <= 0) return n;
  }
  size_t n = std::min({size, buffer_.size() - pos_, budget_ - consumed_});
  std::memcpy(ptr, buffer_.data() + pos_, n);
  pos_ += n;
  consumed_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t DeadlineSocketStream::write(const char* ptr, size_t size) {
  for (;;) {
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int r = SSL_write(ssl_, ptr, static_cast<int>(std::min<size_t>(size, INT_MAX)));
      if (r > 0) return r;
      int e = SSL_get_error(ssl_, r);
      short wait = e == SSL_ERROR_WANT_WRITE ? POLLOUT : e == SSL_ERROR_WANT_READ ? POLLIN : 0;
      if (wait == 0 || !WaitFor(wait, write_timeout_, false)) return -1;
      continue;
    }
    ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if ((errno != EAGAIN && errno != EWOULDBLOCK) || !WaitFor(POLLOUT, write_timeout_, false)) {
      return -1;
    }
  }
}

bool DeadlineSocketStream::WriteAll(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(data.data(), data.size());
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void DeadlineSocketStream::ShutdownAndDrain(std::chrono::milliseconds linger, size_t max_bytes) {
  if (ssl_ != nullptr) {
    ERR_clear_error();
    (void)SSL_shutdown(ssl_);  // close_notify if the socket takes it now; no waiting
  }
  ::shutdown(sock_, SHUT_WR);
  auto until = Clock::now() + linger;
  size_t drained = 0;
  char sink[kChunkBytes];
  while (drained < max_bytes) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0 || PollOnce(sock_, POLLIN, left) <= 0) break;
    ssize_t n = ::recv(sock_, sink, sizeof(sink), MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n <= 0) break;
    drained += static_cast<size_t>(n);
  }
}

void DeadlineSocketStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    AddressOf(addr, ip, port);
  }
}

void DeadlineSocketStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    AddressOf(addr, ip, port);
  }
}

}  // namespace cds::app
