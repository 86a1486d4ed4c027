#include "fhir/http_fhir_client.h"

#include <atomic>
#include <condition_variable>
#include <mutex>

#include <boost/asio/post.hpp>
#include <httplib.h>

#include "base/log.h"
#include "base/url.h"

#include "fhir/bundle.h"
#include "fhir/reference.h"

namespace cds::fhir {
namespace {

using Clock = std::chrono::steady_clock;

// One URL's fetch, shared between the worker running it and FetchAll, which may cancel it.
struct Task {
  std::mutex mu;
  httplib::Client* active = nullptr;  // the client mid-request, so cancel can stop() it
  std::atomic<bool> cancelled{false};
  FhirResponse response;
};

// Everything a batch's workers need, owned jointly so it outlives FetchAll's stack frame
// in every interleaving.
struct Batch {
  std::mutex mu;
  std::condition_variable cv;
  size_t remaining = 0;
  std::vector<std::unique_ptr<Task>> tasks;
  FhirServerAccess access;
  Deadline deadline;
};

// What a URL asks for, for status messages and logs: the resource type right below the
// fhirServer base ("Observation?patient=1" -> "Observation", "Patient/123" -> "Patient").
// Never the id or the query, which name the patient; "FHIR request" when the first path
// segment is not a resource type.
std::string WhatOf(const Url& url, const Url& base) {
  std::string_view path = url.path;
  if (IsUnderBase(url, base)) path.remove_prefix(base.path.size());
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string_view first = path.substr(0, path.find('/'));
  return IsResourceTypeName(first) ? std::string(first) : std::string("FHIR request");
}

// Milliseconds until the deadline, rounded up: rounding down would end a socket timeout
// derived from it just before the deadline.
int64_t RemainingMs(Deadline deadline) {
  return std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
}

// Socket timeouts derived from the deadline run this much past it. The deadline itself is
// enforced by FetchAll, which stop()s calls still in flight when it passes; the slack makes
// sure a timeout that stands for the deadline fires after it, so the failure is reported as
// kDeadlineExceeded rather than as an unreachable server (kUnavailable).
constexpr int64_t kDeadlineSlackMs = 25;

Status StatusForHttp(int code, const std::string& what) {
  if (code == 401 || code == 403) {
    return PermissionDeniedError(what + ": FHIR server refused access (HTTP " +
                                 std::to_string(code) + ")");
  }
  if (code == 404 || code == 410) {
    return NotFoundError(what + ": not found (HTTP " + std::to_string(code) + ")");
  }
  if (code >= 300 && code < 400) {
    return UnavailableError(what +
                            ": FHIR server answered a redirect, which is not followed (HTTP " +
                            std::to_string(code) + ")");
  }
  return UnavailableError(what + ": FHIR server answered HTTP " + std::to_string(code));
}

class PageFetcher {
 public:
  PageFetcher(const HttpFhirClientOptions& options, Batch& batch, Task& task)
      : options_(options), batch_(batch), task_(task) {}

  void Run(const std::string& url) {
    task_.response.status = FetchAllPages(url);
    if (!task_.response.status.ok()) task_.response.pages.clear();
  }

 private:
  Status FetchAllPages(const std::string& url) {
    auto base = ParseUrl(batch_.access.base_url);
    if (!base) return PermissionDeniedError("fhirServer is not a valid http(s) URL");
    base_ = *base;
    auto target = Resolve(*base, url);
    if (!target) return PermissionDeniedError("URL is outside the request's fhirServer");
    Url current = *target;
    for (int page = 0;; ++page) {
      if (page >= options_.max_pages) {
        task_.response.truncated = true;
        return OkStatus();
      }
      std::unique_ptr<json::Document> doc;
      Status s = FetchOne(current, &doc);
      if (!s.ok()) return s;
      if (IsResourceOfType(*doc, "OperationOutcome")) {
        return UnavailableError(WhatOf(current, base_) +
                                ": FHIR server answered an OperationOutcome (" +
                                OperationOutcome(*doc).Summary() + ")");
      }
      std::optional<std::string> next;
      if (IsResourceOfType(*doc, "Bundle")) {
        if (auto n = Bundle(*doc).NextLink()) next = std::string(*n);
      }
      task_.response.pages.push_back(std::move(doc));
      if (!next) return OkStatus();
      auto next_url = ParseUrl(*next);
      if (!next_url || !IsUnderBase(*next_url, *base)) {
        return UnavailableError(WhatOf(current, base_) +
                                ": next link points outside the fhirServer");
      }
      current = *next_url;
    }
  }

  static std::optional<Url> Resolve(const Url& base, const std::string& url) {
    if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
      auto u = ParseUrl(url);
      if (!u || !IsUnderBase(*u, base)) return std::nullopt;
      return u;
    }
    std::string_view rel = url;
    while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
    return ParseUrl(base.scheme + "://" + base.host + ":" + std::to_string(base.port) + base.path +
                    "/" + std::string(rel));
  }

  void Configure(httplib::Client& c, int64_t remaining_ms) {
    const int64_t deadline_ms = remaining_ms + kDeadlineSlackMs;
    int64_t connect_ms = std::min<int64_t>(options_.connect_timeout_ms, deadline_ms);
    c.set_connection_timeout(std::chrono::milliseconds(connect_ms));
    c.set_read_timeout(std::chrono::milliseconds(deadline_ms));
    c.set_write_timeout(std::chrono::milliseconds(deadline_ms));
    c.set_follow_location(false);
    c.set_keep_alive(true);
    c.enable_server_certificate_verification(options_.verify_tls);
    if (!options_.ca_file.empty()) c.set_ca_cert_path(options_.ca_file);
  }

  Status FetchOne(const Url& url, std::unique_ptr<json::Document>* out) {
    const std::string what = WhatOf(url, base_);
    int64_t remaining = RemainingMs(batch_.deadline);
    if (remaining <= 0 || task_.cancelled) {
      return DeadlineExceededError(what + ": FHIR deadline passed");
    }
    if (!client_ || client_origin_ != url.Origin()) {
      client_ = std::make_unique<httplib::Client>(url.Origin());
      client_origin_ = url.Origin();
    }
    Configure(*client_, remaining);
    httplib::Headers headers = {{"Accept", "application/fhir+json, application/json"},
                                {"User-Agent", "cds-hooks-server"}};
    if (!batch_.access.bearer_token.empty()) {
      headers.emplace("Authorization", "Bearer " + batch_.access.bearer_token);
    }
    std::string body;
    bool too_big = false;
    {
      std::lock_guard<std::mutex> lock(task_.mu);
      if (task_.cancelled) return DeadlineExceededError(what + ": FHIR deadline passed");
      task_.active = client_.get();
    }
    auto result = client_->Get(
        url.PathAndQuery(), headers,
        [&](const char* data, size_t n) {
          if (body.size() + n > options_.max_response_bytes) {
            too_big = true;
            return false;
          }
          body.append(data, n);
          return true;
        },
        [&](uint64_t, uint64_t) { return !task_.cancelled && Clock::now() < batch_.deadline; });
    {
      std::lock_guard<std::mutex> lock(task_.mu);
      task_.active = nullptr;
    }
    if (task_.cancelled || Clock::now() >= batch_.deadline) {
      return DeadlineExceededError(what + ": FHIR deadline passed");
    }
    if (too_big) {
      return UnavailableError(what + ": FHIR response larger than " +
                              std::to_string(options_.max_response_bytes) + " bytes");
    }
    if (!result) {
      return UnavailableError(what + ": FHIR request failed (" +
                              httplib::to_string(result.error()) + ")");
    }
    if (result->status != 200) return StatusForHttp(result->status, what);
    auto doc = json::ParseJson(body, options_.json_limits);
    if (!doc.ok()) {
      return UnavailableError(what + ": FHIR response is not usable JSON (" +
                              doc.status().message() + ")");
    }
    *out = std::move(doc).value();
    return OkStatus();
  }

  const HttpFhirClientOptions& options_;
  Batch& batch_;
  Task& task_;
  Url base_;  // the request's fhirServer, parsed
  std::unique_ptr<httplib::Client> client_;
  std::string client_origin_;
};

}  // namespace

HttpFhirClient::HttpFhirClient(HttpFhirClientOptions options)
    : options_(std::move(options)), pool_(options_.worker_threads) {}

HttpFhirClient::~HttpFhirClient() { pool_.join(); }

bool HttpFhirClient::IsAllowed(const std::string& base_url) const {
  return IsAllowedUrl(base_url, options_.allowed_base_urls);
}

std::vector<FhirResponse> HttpFhirClient::FetchAll(const FhirServerAccess& server,
                                                   const std::vector<std::string>& urls,
                                                   Deadline deadline) {
  std::vector<FhirResponse> out(urls.size());
  if (urls.empty()) return out;
  if (!IsAllowed(server.base_url)) {
    for (auto& r : out) r.status = PermissionDeniedError("fhirServer is not on the allow-list");
    return out;
  }
  auto batch = std::make_shared<Batch>();
  batch->access = server;
  batch->deadline = deadline;
  batch->remaining = urls.size();
  for (size_t i = 0; i < urls.size(); ++i) batch->tasks.push_back(std::make_unique<Task>());
  for (size_t i = 0; i < urls.size(); ++i) {
    boost::asio::post(pool_, [this, batch, i, url = urls[i]] {
      PageFetcher(options_, *batch, *batch->tasks[i]).Run(url);
      std::lock_guard<std::mutex> lock(batch->mu);
      if (--batch->remaining == 0) batch->cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(batch->mu);
  if (!batch->cv.wait_until(lock, deadline, [&] { return batch->remaining == 0; })) {
    // Deadline: stop every call still in flight, then wait for the workers to let go of
    // the token. Their own timeouts are capped by the same deadline, so this is short.
    for (auto& t : batch->tasks) {
      std::lock_guard<std::mutex> tl(t->mu);
      t->cancelled = true;
      if (t->active != nullptr) t->active->stop();
    }
    batch->cv.wait(lock, [&] { return batch->remaining == 0; });
  }
  for (size_t i = 0; i < urls.size(); ++i) out[i] = std::move(batch->tasks[i]->response);
  return out;
}

}  // namespace cds::fhir
