#include "app/runtime.h"

#include <iostream>
#include <thread>

#include "base/log.h"

#include "fhir/http_fhir_client.h"

#include "app/http_server.h"
#include "app/jwt_authenticator.h"
#include "app/settings.h"
#include <signal.h>

namespace cds::app {

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
  ServiceOptions options{settings, config_dir, record_cards};
  return CdsHooksService::Create(std::move(options), clock, std::move(client));
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
    auto a = JwtAuthenticator::Create(*settings, clock);
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
