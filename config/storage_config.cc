#include "config/storage_config.h"

#include <cstdint>

#include "base/status_macros.h"

namespace cds::config {
namespace {

Status IntInRange(const Node& n, std::string_view key, int64_t low, int64_t high, int* out) {
  CDS_ASSIGN_OR_RETURN(int64_t v, n.IntOr(key, *out));
  if (v < low || v > high) {
    return n.ErrorAt(key, "must be " + std::to_string(low) + "-" + std::to_string(high));
  }
  *out = static_cast<int>(v);
  return OkStatus();
}

}  // namespace

Status ParseStorageConfig(const Node& n, StorageConfig* out) {
  CDS_RETURN_IF_ERROR(n.CheckKnownKeys({"backend", "postgresql"}));
  CDS_ASSIGN_OR_RETURN(std::string backend, n.StringOr("backend", "sqlite"));
  if (backend == "sqlite") {
    out->backend = StorageBackend::kSqlite;
  } else if (backend == "postgresql") {
    out->backend = StorageBackend::kPostgresql;
  } else {
    return n.ErrorAt("backend", "must be \"sqlite\" or \"postgresql\"");
  }
  if (auto pg = n.OptionalChild("postgresql")) {
    PostgresqlConfig& p = out->postgresql;
    CDS_RETURN_IF_ERROR(pg->CheckKnownKeys(
        {"url", "passfile", "pool_size", "statement_timeout_ms", "connect_timeout_s"}));
    CDS_ASSIGN_OR_RETURN(p.url, pg->StringOr("url", p.url));
    CDS_ASSIGN_OR_RETURN(p.passfile, pg->StringOr("passfile", p.passfile));
    CDS_RETURN_IF_ERROR(IntInRange(*pg, "pool_size", 1, 1000, &p.pool_size));
    CDS_RETURN_IF_ERROR(
        IntInRange(*pg, "statement_timeout_ms", 1, 600'000, &p.statement_timeout_ms));
    CDS_RETURN_IF_ERROR(IntInRange(*pg, "connect_timeout_s", 2, 600, &p.connect_timeout_s));
  }
  return OkStatus();
}

}  // namespace cds::config
