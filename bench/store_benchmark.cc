// Google Benchmark of the store's write paths on each backend, as the service uses them:
//   RecordIssuedCards  one hook answer's cards (3) in one relaxed commit
//   RecordFeedback     one feedback item in one durable commit (what a 200 waits for)
//   RecordJti          one authenticated request's replay check (relaxed insert-if-absent)
// with 1 and 8 threads (HTTP workers). SQLite writes a file under $TMPDIR; PostgreSQL runs
// on a private server started from Debian's binaries (tests/support/postgres_test_server.h)
// with fsync on, so durable commits really reach the disk on both. Without PostgreSQL
// installed its benchmarks report an error and the SQLite ones still run.
//
//   build/bench/store_benchmark [--benchmark_filter=Feedback] [--benchmark_min_time=2]
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "base/log.h"

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

#include "tests/support/postgres_test_server.h"
#include <unistd.h>

namespace cds::bench {
namespace {

std::atomic<int64_t> g_sequence{0};

std::string Unique(const char* prefix) {
  return std::string(prefix) + std::to_string(g_sequence.fetch_add(1)) + "-" +
         std::to_string(::getpid());
}

std::vector<store::IssuedCard> Cards() {
  std::vector<store::IssuedCard> cards(3);
  for (store::IssuedCard& c : cards) {
    c.card_uuid = Unique("card-");
    c.hook_instance = "5c5b3c2e-8f2a-4bfe-9d7c-000000000001";
    c.service_id = "rituximab-safety-order-select";
    c.rule_id = "hbv-serology-missing";
    c.indicator = "critical";
    c.issued_at = 1'795'608'000'000;
    c.suggestion_uuids = {"e56e1945-20b3-4393-8503-a1a20fd73152"};
    c.summary = "Rituximab ordered without hepatitis B serology";
    c.override_reasons = {{"urn:neuro-cds:override", "serology-elsewhere", "Done elsewhere"}};
  }
  return cards;
}

store::Feedback OneFeedback() {
  store::Feedback f;
  f.service_id = "rituximab-safety-order-select";
  f.card_uuid = Unique("card-");
  f.outcome = "overridden";
  f.outcome_time = 1'795'608'060'000;
  f.outcome_timestamp = "2026-11-25T12:01:00Z";
  f.override_system = "urn:neuro-cds:override";
  f.override_code = "serology-elsewhere";
  f.received_at = 1'795'608'061'000;
  return f;
}

void RecordIssuedCards(benchmark::State& state, store::Store* s) {
  for (auto _ : state) {
    if (!s->RecordIssuedCards(Cards()).ok()) state.SkipWithError("RecordIssuedCards failed");
  }
  state.SetItemsProcessed(state.iterations() * 3);
  state.counters["commits_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void RecordFeedback(benchmark::State& state, store::Store* s) {
  for (auto _ : state) {
    if (!s->RecordFeedback({OneFeedback()}).ok()) state.SkipWithError("RecordFeedback failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void RecordJti(benchmark::State& state, store::Store* s) {
  for (auto _ : state) {
    auto r = s->RecordJti("https://ehr.example.org/", Unique("jti-"), 1'795'611'600'000,
                          1'795'608'000'000);
    if (!r.ok()) state.SkipWithError("RecordJti failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void Register(const std::string& backend, store::Store* s) {
  using Fn = void (*)(benchmark::State&, store::Store*);
  for (auto [name, fn] : {std::pair<const char*, Fn>{"RecordIssuedCards", RecordIssuedCards},
                          {"RecordFeedback", RecordFeedback},
                          {"RecordJti", RecordJti}}) {
    benchmark::RegisterBenchmark((std::string(name) + "/" + backend).c_str(), fn, s)
        ->Threads(1)
        ->Threads(8)
        ->UseRealTime();
  }
}

}  // namespace
}  // namespace cds::bench

int main(int argc, char** argv) {
  using namespace cds;
  SetLogLevel(LogLevel::kError);
  benchmark::Initialize(&argc, argv);

  std::string dir = (std::filesystem::temp_directory_path() / "cds_store_bench_XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) return 1;
  auto sqlite = store::SqliteStore::Open(dir + "/bench.sqlite3");
  if (!sqlite.ok()) {
    std::fprintf(stderr, "SQLite: %s\n", sqlite.status().ToString().c_str());
    return 1;
  }
  bench::Register("sqlite", sqlite->get());

  auto server = testing::PostgresTestServer::Start({.fsync = true});
  std::unique_ptr<store::PostgresStore> postgres;
  if (server.ok()) {
    store::PostgresOptions options = (*server)->StoreOptions();
    options.pool_size = 8;
    auto opened = store::PostgresStore::Open(options);
    if (opened.ok()) postgres = std::move(opened).value();
    if (!opened.ok()) std::fprintf(stderr, "PostgreSQL: %s\n", opened.status().ToString().c_str());
  } else {
    std::fprintf(stderr, "PostgreSQL benchmarks skipped: %s\n", server.status().ToString().c_str());
  }
  if (postgres != nullptr) bench::Register("postgresql", postgres.get());

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  postgres.reset();
  sqlite->reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
