// Connection handling beneath cpp-httplib: a bounded worker pool and a socket stream
// with a per-request deadline, a bounded header read and a per-request byte budget.
//
// cpp-httplib 0.11.4 (Debian) serves each connection on a pool thread and times out
// each read separately, so a client that sends one byte every few seconds ("slowloris")
// can hold a thread indefinitely, and the pool's queue grows without bound. Here:
//  - ConnectionPool caps connections in service plus waiting; beyond the cap a new
//    connection is answered 503 at once and closed;
//  - DeadlineSocketStream bounds each read by the read timeout *and* by the time left
//    until the request's deadline, so a request must arrive in full within
//    request_timeout_ms however it is trickled;
//  - ReadHead() reads a request's whole header block, at most max_header_bytes, before
//    cpp-httplib sees it (the bytes are then replayed to cpp-httplib unchanged), so the
//    block can be checked (request_head.h) and refused without parsing it;
//  - a byte budget per request caps what cpp-httplib may read (head plus body), so a
//    chunked body cannot grow past the limits.
// The stream runs over a plain socket or, when given an SSL*, over TLS on a non-blocking
// socket (SSL_read/SSL_write with poll under the same deadlines).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <openssl/ssl.h>

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

// Why the current request's reads were cut short, for the error handler on the same
// thread (cpp-httplib only reports "read failed" as 400): the read timeout or the request
// deadline passed, or the request exceeded its byte budget.
enum class StreamFault { kNone, kTimeout, kBudget };
StreamFault CurrentStreamFault();

class DeadlineSocketStream final : public httplib::Stream {
 public:
  using Clock = std::chrono::steady_clock;

  enum class HeadResult {
    kComplete,   // head() holds the block
    kIdleClose,  // the client closed or went quiet before sending a byte
    kTimeout,    // part of a head arrived, the rest not before the deadline
    kTooLarge,   // no end of block within max_bytes, or more than max_lines lines
    kTruncated,  // the client closed mid-head
  };

  // One stream per connection, so bytes of a pipelined next request stay buffered.
  // `ssl` (nullable, borrowed) is an accepted TLS session on `sock`.
  DeadlineSocketStream(int sock, SSL* ssl, std::chrono::milliseconds read_timeout,
                       std::chrono::milliseconds write_timeout);
  ~DeadlineSocketStream() override;

  // Starts a request: every read from now on must complete before `deadline`, and the
  // budget is unlimited until SetBudget(). Writes are bounded by the write timeout alone.
  void StartRequest(Clock::time_point deadline);
  // Reads until the buffer holds a whole header block (see FindHeadEnd).
  HeadResult ReadHead(size_t max_bytes, size_t max_lines);
  // The block ReadHead found (valid until the next read).
  std::string_view head() const;
  // Adds a field line to the buffered head, before its final empty line.
  void AppendHeaderField(std::string_view line);
  // cpp-httplib may read at most this many bytes of this request, head included.
  void SetBudget(size_t bytes) { budget_ = bytes; }
  // Bytes of this request cpp-httplib has read so far.
  size_t consumed() const { return consumed_; }
  bool HasBufferedData() const;
  // Waits up to `timeout` for the next request's first byte.
  bool WaitReadable(std::chrono::milliseconds timeout) const;
  // Writes all of `data` (bounded by the write timeout per wait). False on failure.
  bool WriteAll(std::string_view data);
  // Closes politely: TLS close_notify, then FIN, then reads and discards what the client
  // is still sending for up to `linger` or `max_bytes`, so the client gets to read our
  // last response instead of a reset. Does not close the descriptor.
  void ShutdownAndDrain(std::chrono::milliseconds linger, size_t max_bytes);

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return sock_; }

 private:
  bool WaitFor(short events, std::chrono::milliseconds timeout, bool use_deadline) const;
  // Appends up to one chunk from the connection to buffer_: >0 bytes, 0 closed, -1 timeout
  // or error.
  ssize_t Fill(std::chrono::milliseconds timeout, bool use_deadline);
  void Compact();

  int sock_;
  SSL* ssl_;
  std::chrono::milliseconds read_timeout_;
  std::chrono::milliseconds write_timeout_;
  Clock::time_point deadline_ = Clock::time_point::max();
  std::string buffer_;  // received, not yet handed to cpp-httplib: buffer_[pos_..]
  size_t pos_ = 0;
  size_t head_len_ = 0;
  size_t budget_ = SIZE_MAX;
  size_t consumed_ = 0;
};

}  // namespace cds::app
