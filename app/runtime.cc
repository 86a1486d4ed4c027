#include "app/runtime.h"

#include <filesystem>
#include <iostream>
#include <optional>
#include <system_error>
#include <thread>

#include "base/log.h"
#include "base/status_macros.h"

#include "fhir/http_fhir_client.h"
#include "store/postgres_store.h"
#include "store/retention_sweeper.h"
#include "store/sqlite_store.h"

#include "app/http_server.h"
#include "app/jwt_authenticator.h"
#include "app/settings.h"
#include <signal.h>

namespace cds::app {
namespace {

std::string SqlitePath(const config::ServerConfig& settings) {
  return settings.data_dir + "/cds-hooks.sqlite3";
}

store::PostgresOptions PostgresOptionsFor(const config::PostgresqlConfig& c) {
  store::PostgresOptions o;
  o.url = c.url;
  o.passfile = c.passfile;
  o.pool_size = c.pool_size;
  o.statement_timeout_ms = c.statement_timeout_ms;
  o.connect_timeout_s = c.connect_timeout_s;
  return o;
}

std::string DescribeVersion(int version) {
  std::string text = "schema version " + std::to_string(version);
  if (version == store::kSchemaVersion) return text + " (current)";
  return text + "; start-up or `cds-hooks-server migrate` brings it to " +
         std::to_string(store::kSchemaVersion);
}

}  // namespace

StatusOr<std::unique_ptr<store::Store>> OpenStore(const config::ServerConfig& settings,
                                                  store::SchemaMode mode) {
  if (settings.storage.backend == config::StorageBackend::kPostgresql) {
    CDS_ASSIGN_OR_RETURN(
        auto pg, store::PostgresStore::Open(PostgresOptionsFor(settings.storage.postgresql), mode));
    return std::unique_ptr<store::Store>(std::move(pg));
  }
  std::error_code ec;
  std::filesystem::create_directories(settings.data_dir, ec);
  if (ec) {
    return FailedPreconditionError("cannot create data_dir '" + settings.data_dir +
                                   "': " + ec.message());
  }
  CDS_ASSIGN_OR_RETURN(auto sqlite, store::SqliteStore::Open(SqlitePath(settings), {}, mode));
  return std::unique_ptr<store::Store>(std::move(sqlite));
}

StatusOr<std::string> CheckStorage(const config::ServerConfig& settings) {
  int version = 0;
  std::string where;
  if (settings.storage.backend == config::StorageBackend::kPostgresql) {
    CDS_ASSIGN_OR_RETURN(
        version, store::InspectPostgresSchema(PostgresOptionsFor(settings.storage.postgresql)));
    where = "postgresql";
  } else {
    const std::string path = SqlitePath(settings);
    CDS_ASSIGN_OR_RETURN(std::optional<int> found, store::InspectSqliteSchema(path));
    if (!found) return "storage: sqlite " + path + " (created at start-up)";
    version = *found;
    where = "sqlite " + path;
  }
  if (version > store::kSchemaVersion) {
    return FailedPreconditionError("storage: schema version " + std::to_string(version) +
                                   " is newer than this binary supports (" +
                                   std::to_string(store::kSchemaVersion) + ")");
  }
  return "storage: " + where + ", " + DescribeVersion(version);
}

int Migrate(const CommandLine& cl) {
  auto settings = LoadSettings(cl);
  if (!settings.ok()) {
    std::cerr << "cds-hooks-server: " << settings.status().message() << "\n";
    return 2;
  }
  auto store = OpenStore(*settings, store::SchemaMode::kMigrate);
  if (!store.ok()) {
    std::cerr << "cds-hooks-server: " << store.status().message() << "\n";
    return 2;
  }
  auto version = (*store)->SchemaVersion();
  if (!version.ok()) {
    std::cerr << "cds-hooks-server: " << version.status().message() << "\n";
    return 2;
  }
  std::cout << "storage: " << (*store)->backend() << ", " << DescribeVersion(*version) << "\n";
  return 0;
}

StatusOr<std::unique_ptr<CdsHooksService>> CreateService(const config::ServerConfig& settings,
                                                         const std::string& config_dir,
                                                         const Clock& clock, bool record_cards) {
  std::unique_ptr<fhir::FhirClient> client;
  if (!settings.fhir.allowed_servers.empty()) {
    fhir::HttpFhirClientOptions o;
    o.allowed_base_urls = settings.fhir.allowed_servers;
    o.connect_timeout_ms = settings.fhir.connect_timeout_ms;
    o.max_pages = settings.fhir.max_pages;
    o.max_response_bytes = settings.fhir.max_response_bytes;
    o.verify_tls = settings.fhir.verify_tls;
    o.ca_file = settings.fhir.ca_file;
    o.worker_threads = static_cast<size_t>(settings.fhir.worker_threads);
    o.json_limits = settings.limits.json;
    client = std::make_unique<fhir::HttpFhirClient>(std::move(o));
  }
  std::unique_ptr<store::Store> store;
  if (record_cards) {
    CDS_ASSIGN_OR_RETURN(store, OpenStore(settings, store::SchemaMode::kMigrate));
  }
  ServiceOptions options{settings, config_dir, record_cards};
  return CdsHooksService::Create(std::move(options), clock, std::move(client), std::move(store));
}

int Serve(const CommandLine& cl) {
  auto settings = LoadSettings(cl);
  if (!settings.ok()) {
    std::cerr << "cds-hooks-server: " << settings.status().message() << "\n";
    return 2;
  }
  LogLevel level;
  if (!ParseLogLevel(settings->log_level, &level)) {
    std::cerr << "cds-hooks-server: log_level must be debug, info, warn or error\n";
    return 2;
  }
  SetLogLevel(level);
  // Block the signals in every thread; one thread waits for them synchronously.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  SystemClock clock;
  auto service = CreateService(*settings, ConfigDirFor(cl), clock, /*record_cards=*/true);
  if (!service.ok()) {
    std::cerr << "cds-hooks-server: " << service.status().message() << "\n";
    return 2;
  }
  std::unique_ptr<JwtAuthenticator> auth;
  if (!settings->auth.issuers.empty()) {
    // The jti replay check goes through the store: shared by instances, kept across restarts.
    auto a = JwtAuthenticator::Create(*settings, clock, (*service)->store());
    if (!a.ok()) {
      std::cerr << "cds-hooks-server: " << a.status().message() << "\n";
      return 2;
    }
    auth = std::move(a).value();
  } else if (settings->auth.insecure_no_auth && !config::IsLoopbackHost(settings->listen_host)) {
    CDS_LOG(kError, "insecure_no_auth")
        .Field("listen", settings->listen_host)
        .Field("warning", "serving WITHOUT caller authentication on a non-loopback address");
  } else {
    CDS_LOG(kWarn, "auth_disabled")
        .Field("reason", "no trusted issuers configured; loopback development mode");
  }
  store::RetentionSweeper sweeper(
      *(*service)->store(), clock,
      store::RetentionPolicy{
          .issued_card_retention_ms = int64_t{settings->issued_card_retention_days} * 86'400'000,
          .audit_retention_ms = int64_t{settings->issued_card_retention_days} * 86'400'000});
  HttpServer server(**service, *settings, auth.get());
  auto port = server.Bind();
  if (!port.ok()) {
    std::cerr << "cds-hooks-server: " << port.status().message() << "\n";
    return 2;
  }
  CDS_LOG(kInfo, "listening")
      .Field("address", settings->listen_host)
      .Field("port", *port)
      .Field("base_url", settings->BaseUrl())
      .Field("knowledge", (*service)->registry()->knowledge().version)
      .Field("services", (*service)->registry()->services().size())
      .Field("fhir_servers_allowed", settings->fhir.allowed_servers.size())
      .Field("auth", auth != nullptr)
      .Field("tls", settings->tls.enabled());
  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        (void)(*service)->ReloadKnowledge();
        continue;
      }
      CDS_LOG(kInfo, "stopping").Field("signal", sig);
      server.Stop();
      return;
    }
  });
  bool ok = server.Listen();
  if (signal_thread.joinable()) {
    if (server.IsRunning() || !ok) pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
  }
  return ok ? 0 : 1;
}

}  // namespace cds::app
