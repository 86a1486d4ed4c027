// Google Benchmark of one hook call below HTTP: parse -> validate -> rules -> serialise,
// through CdsHooksService::Call with the bundled knowledge, for requests of ~5 KB,
// 100 KB and 1 MB. Counters report bytes/s and heap allocations per call (counted by
// replacing global operator new in this binary), so "the request is parsed once and
// rules allocate little" is a measured claim.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

#include <benchmark/benchmark.h>

#include "base/json.h"
#include "base/log.h"

#include "cards/json.h"

#include "hooks/request.h"

#include "app/cds_hooks_service.h"
#include "bench/request_factory.h"

namespace {

std::atomic<size_t> g_allocs{0};
std::atomic<size_t> g_alloc_bytes{0};

}  // namespace

void* operator new(size_t n) {
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  g_alloc_bytes.fetch_add(n, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace cds::bench {
namespace {

class Fixture {
 public:
  Fixture() : clock_(1795608000000) {  // 2026-11-25T12:00:00Z
    SetLogLevel(LogLevel::kError);
    app::ServiceOptions o;
    o.config_dir = std::string(CDS_SOURCE_DIR "/config");
    o.record_cards = false;
    auto s = app::CdsHooksService::Create(std::move(o), clock_, nullptr);
    if (!s.ok()) {
      std::fprintf(stderr, "service did not start: %s\n", s.status().message().c_str());
      std::exit(1);
    }
    service_ = std::move(s).value();
  }
  app::CdsHooksService& service() { return *service_; }
  std::vector<std::string> Keys() const {
    return service_->registry()->Find("rituximab-safety-order-select")->PrefetchKeys();
  }

 private:
  FixedClock clock_;
  std::unique_ptr<app::CdsHooksService> service_;
};

Fixture& Shared() {
  static Fixture f;
  return f;
}

void Count(benchmark::State& state, size_t bytes, size_t allocs0, size_t alloc_bytes0) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  double n = static_cast<double>(state.iterations());
  state.counters["allocs/call"] = (g_allocs.load() - allocs0) / n;
  state.counters["heapKB/call"] = (g_alloc_bytes.load() - alloc_bytes0) / n / 1024.0;
  state.counters["requestKB"] = bytes / 1024.0;
}

// The whole hook call: what the HTTP handler does between reading the body and writing it.
void BM_HookCall(benchmark::State& state) {
  auto& service = Shared().service();
  std::string body = MakeOrderSelectRequest(static_cast<size_t>(state.range(0)), Shared().Keys());
  if (service.Call("rituximab-safety-order-select", body).status != 200) {
    state.SkipWithError("request was not answered 200");
    return;
  }
  size_t a0 = g_allocs.load(), b0 = g_alloc_bytes.load();
  for (auto _ : state) {
    app::Reply r = service.Call("rituximab-safety-order-select", body);
    benchmark::DoNotOptimize(r.body.data());
  }
  Count(state, body.size(), a0, b0);
}
BENCHMARK(BM_HookCall)->Arg(5 << 10)->Arg(100 << 10)->Arg(1 << 20)->Unit(benchmark::kMicrosecond);

// Parsing alone (RapidJSON into one Document, with the service's limits): the floor.
void BM_ParseOnly(benchmark::State& state) {
  std::string body = MakeOrderSelectRequest(static_cast<size_t>(state.range(0)));
  json::JsonLimits limits;
  size_t a0 = g_allocs.load(), b0 = g_alloc_bytes.load();
  for (auto _ : state) {
    auto doc = json::ParseJson(body, limits);
    benchmark::DoNotOptimize(doc.ok());
  }
  Count(state, body.size(), a0, b0);
}
BENCHMARK(BM_ParseOnly)->Arg(5 << 10)->Arg(100 << 10)->Arg(1 << 20)->Unit(benchmark::kMicrosecond);

// Discovery: a precomputed document, so this measures the dispatch overhead.
void BM_Discovery(benchmark::State& state) {
  auto& service = Shared().service();
  for (auto _ : state) benchmark::DoNotOptimize(service.Discovery().body.size());
}
BENCHMARK(BM_Discovery);

}  // namespace
}  // namespace cds::bench

BENCHMARK_MAIN();
