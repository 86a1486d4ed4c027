// FakeJwksFetcher: serves JWK Set documents from memory and records every URL asked for,
// so tests can assert what the verifier fetched and how often. Unknown URLs fail with
// kUnavailable, like an unreachable server. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "auth/jwks_fetcher.h"

namespace cds::auth::testing {

class FakeJwksFetcher final : public JwksFetcher {
 public:
  StatusOr<std::string> Fetch(const std::string& url) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(url);
    auto it = documents_.find(url);
    if (it == documents_.end()) {
      return UnavailableError("HTTP 503 from " + url);
    }
    return it->second;
  }

  void Serve(const std::string& url, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    documents_[url] = std::move(body);
  }
  void Fail(const std::string& url) {
    std::lock_guard<std::mutex> lock(mu_);
    documents_.erase(url);
  }
  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> documents_;
  std::vector<std::string> calls_;
};

}  // namespace cds::auth::testing
