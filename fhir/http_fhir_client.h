// HttpFhirClient: the FhirClient over HTTP(S), using cpp-httplib for each exchange and a
// Boost.Asio thread pool to run a request's fetches concurrently.
//
// Safety properties, each enforced here rather than trusted to callers:
//  - only base URLs on the allow-list are called (scheme, host, port, path prefix);
//    `next` links and absolute URLs must lie under the request's own fhirServer;
//  - redirects are never followed (a 3xx is an unavailable answer);
//  - TLS certificates and host names are verified unless explicitly disabled;
//  - connect and read time are bounded by the caller's deadline, response bodies by a
//    byte cap, search paging by a page cap;
//  - the bearer token is sent only to the fhirServer it came with and never logged.
//
// Thread-safe: FetchAll may be called from many request threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "base/json.h"

#include "fhir/fhir_client.h"

namespace cds::fhir {

struct HttpFhirClientOptions {
  std::vector<std::string> allowed_base_urls;
  int connect_timeout_ms = 1000;
  int max_pages = 10;
  size_t max_response_bytes = 16 << 20;
  bool verify_tls = true;
  std::string ca_file;  // empty: the system trust store
  size_t worker_threads = 8;
  json::JsonLimits json_limits;
};

class HttpFhirClient final : public FhirClient {
 public:
  explicit HttpFhirClient(HttpFhirClientOptions options);
  ~HttpFhirClient() override;
  HttpFhirClient(const HttpFhirClient&) = delete;
  HttpFhirClient& operator=(const HttpFhirClient&) = delete;

  std::vector<FhirResponse> FetchAll(const FhirServerAccess& server,
                                     const std::vector<std::string>& urls,
                                     Deadline deadline) override;
  bool IsAllowed(const std::string& base_url) const override;

 private:
  HttpFhirClientOptions options_;
  boost::asio::thread_pool pool_;
};

}  // namespace cds::fhir
