// Connection handling beneath cpp-httplib: a bounded worker pool and a socket stream
// with a per-request deadline.
//
// cpp-httplib 0.11.4 (Debian) serves each connection on a pool thread and times out
// each read separately, so a client that sends one byte every few seconds ("slowloris")
// can hold a thread indefinitely, and the pool's queue grows without bound. Here:
//  - ConnectionPool caps connections in service plus waiting; beyond the cap a new
//    connection is answered 503 at once and closed;
//  - DeadlineSocketStream bounds each read by the read timeout *and* by the time left
//    until the request's deadline, so a request must arrive in full within
//    request_timeout_ms however it is trickled.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cds::app {

// True on the thread running a connection the pool decided to refuse.
bool ConnectionRefusedByPool();

class ConnectionPool final : public httplib::TaskQueue {
 public:
  ConnectionPool(size_t threads, size_t max_connections);
  ~ConnectionPool() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  size_t refused() const { return refused_.load(); }

 private:
  void Work();

  const size_t max_connections_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  size_t active_ = 0;
  bool shutting_down_ = false;
  std::atomic<size_t> refused_{0};
  std::vector<std::thread> threads_;
};

class DeadlineSocketStream final : public httplib::Stream {
 public:
  using Clock = std::chrono::steady_clock;
  // One stream per connection, so bytes of a pipelined next request stay buffered.
  DeadlineSocketStream(int sock, std::chrono::milliseconds read_timeout, std::chrono::milliseconds write_timeout);

  // Every read from now on must complete before `deadline` (the request's arrival
  // budget). Writes are bounded by the write timeout alone.
  void StartRequest(Clock::time_point deadline) { deadline_ = deadline; }
  bool HasBufferedData() const { return buffer_pos_ < buffer_len_; }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return sock_; }


 private:
  bool WaitFor(short events, std::chrono::milliseconds timeout, bool use_deadline) const;

  int sock_;
  std::chrono::milliseconds read_timeout_;
  std::chrono::milliseconds write_timeout_;
  Clock::time_point deadline_ = Clock::time_point::max();
  std::vector<char> buffer_;
  size_t buffer_pos_ = 0;
  size_t buffer_len_ = 0;
};

// Waits up to `timeout` for `sock` to become readable (the next keep-alive request).
bool WaitReadable(int sock, std::chrono::milliseconds timeout);

}  // namespace cds::app
