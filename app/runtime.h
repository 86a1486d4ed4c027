// Building and running the service from settings: shared by `serve`, `eval`, `migrate`,
// `check-config` and tests.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"

#include "config/server_config.h"
#include "store/store.h"

#include "app/cds_hooks_service.h"
#include "app/cli.h"

namespace cds::app {

// The service with a FHIR client when fhir.allowed_servers is not empty, and, when
// `record_cards`, the store the settings select (migrated to the current schema).
StatusOr<std::unique_ptr<CdsHooksService>> CreateService(const config::ServerConfig& settings,
                                                         const std::string& config_dir,
                                                         const Clock& clock, bool record_cards);

// The store `storage.backend` selects: SQLite in {data_dir}/cds-hooks.sqlite3 (data_dir is
// created if needed) or PostgreSQL per storage.postgresql. kMigrate applies pending
// migrations (safe when several instances start at once); kCheck only verifies the version.
StatusOr<std::unique_ptr<store::Store>> OpenStore(const config::ServerConfig& settings,
                                                  store::SchemaMode mode);

// For `check-config`: connects without changing anything and describes the storage and its
// schema version ("storage: postgresql (host=... dbname=...), schema version 2 (current)").
// An unreachable or unusable database, or a schema from a newer binary, is an error; an
// older or absent schema is not (start-up and `migrate` bring it up to date).
StatusOr<std::string> CheckStorage(const config::ServerConfig& settings);

// `migrate`: applies pending migrations and reports the version; the exit code.
int Migrate(const CommandLine& cl);

// `serve`: binds, logs the start-up facts, serves until SIGINT/SIGTERM; SIGHUP reloads.
int Serve(const CommandLine& cl);

}  // namespace cds::app
