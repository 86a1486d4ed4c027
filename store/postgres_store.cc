#include "store/postgres_store.h"

#include <utility>

#include "base/log.h"
#include "base/status_macros.h"

#include "store/postgres_pool.h"
#include "store/postgres_schema.h"

namespace cds::store {
namespace {

const SqlDialect kPostgresDialect = {
    .prune_issued_cards =
        "DELETE FROM issued_card WHERE card_uuid IN "
        "(SELECT card_uuid FROM issued_card WHERE issued_at < ?1 LIMIT ?2)",
    .suggestions_accepted =
        "SELECT c.rule_id, (c.issued_at + ?3) / 86400000 AS day, "
        "SUM(json_array_length(f.accepted_suggestions::json)) "
        "FROM issued_card c JOIN feedback f ON f.card_uuid = c.card_uuid "
        "WHERE f.outcome = 'accepted' AND c.issued_at >= ?1 AND c.issued_at < ?2 "
        "GROUP BY c.rule_id, day",
};

Status ValidateOptions(const PostgresOptions& o) {
  if (o.pool_size < 1 || o.pool_size > 1000) {
    return InvalidArgumentError("PostgreSQL store: pool_size must be 1-1000");
  }
  if (o.statement_timeout_ms < 1 || o.report_timeout_ms < 1 || o.connect_timeout_s < 1 ||
      o.migration_timeout_ms < 1) {
    return InvalidArgumentError("PostgreSQL store: timeouts must be > 0");
  }
  if (o.reconnect_backoff_ms < 0 || o.max_reconnect_backoff_ms < o.reconnect_backoff_ms) {
    return InvalidArgumentError("PostgreSQL store: reconnect back-off");
  }
  if (o.prune_batch_size <= 0) {
    return InvalidArgumentError("PostgreSQL store: prune_batch_size must be > 0");
  }
  return OkStatus();
}

// One borrowed connection, configured for its lane before any statement outside a
// transaction and before BEGIN (session settings changed inside a transaction would be
// undone by a rollback).
class PgSession final : public SqlSession {
 public:
  PgSession(PgPool::Lease lease, bool synchronous_commit, int statement_timeout_ms)
      : lease_(std::move(lease)),
        synchronous_commit_(synchronous_commit),
        statement_timeout_ms_(statement_timeout_ms) {}
  ~PgSession() override { Rollback(); }

  Status Begin() override {
    CDS_RETURN_IF_ERROR(lease_->Configure(synchronous_commit_, statement_timeout_ms_));
    CDS_RETURN_IF_ERROR(lease_->Run("BEGIN").status());
    in_transaction_ = true;
    return OkStatus();
  }

  Status Commit() override {
    in_transaction_ = false;
    CDS_ASSIGN_OR_RETURN(std::string tag, lease_->Run("COMMIT"));
    // COMMIT of a transaction that had failed answers ROLLBACK, without an error.
    if (tag != "COMMIT") return InternalError("the transaction had failed and was rolled back");
    return OkStatus();
  }

  void Rollback() override {
    if (!in_transaction_) return;
    in_transaction_ = false;
    // A failure leaves the connection inside the transaction; the pool then closes it.
    (void)lease_->Run("ROLLBACK");
  }

  StatusOr<SqlResult> Execute(const char* sql, std::initializer_list<SqlParam> params) override {
    if (!in_transaction_) {
      CDS_RETURN_IF_ERROR(lease_->Configure(synchronous_commit_, statement_timeout_ms_));
    }
    return lease_->Execute(sql, params);
  }

 private:
  PgPool::Lease lease_;
  const bool synchronous_commit_;
  const int statement_timeout_ms_;
  bool in_transaction_ = false;
};

}  // namespace

class PostgresLanes final : public SqlLanes {
 public:
  explicit PostgresLanes(PgConnectSpec spec) : pool_(std::move(spec)) {}

  StatusOr<std::unique_ptr<SqlSession>> Open(Lane lane) override {
    CDS_ASSIGN_OR_RETURN(PgPool::Lease lease, pool_.Acquire());
    const PostgresOptions& o = pool_.spec().options;
    const bool synchronous = lane != Lane::kRelaxed;
    const int timeout = lane == Lane::kReports ? o.report_timeout_ms : o.statement_timeout_ms;
    return std::unique_ptr<SqlSession>(
        std::make_unique<PgSession>(std::move(lease), synchronous, timeout));
  }

  const SqlDialect& dialect() const override { return kPostgresDialect; }
  std::string_view name() const override { return "postgresql"; }

  StatusOr<int> SchemaVersion() override {
    CDS_ASSIGN_OR_RETURN(PgPool::Lease lease, pool_.Acquire());
    return ReadPostgresSchemaVersion(*lease);
  }

  PgPool& pool() { return pool_; }

 private:
  PgPool pool_;
};

StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::Open(const PostgresOptions& options,
                                                             SchemaMode mode) {
  CDS_RETURN_IF_ERROR(ValidateOptions(options));
  CDS_ASSIGN_OR_RETURN(PgConnectSpec spec, PgConnectSpec::Make(options));
  const std::string configured = spec.description;
  auto lanes = std::make_unique<PostgresLanes>(std::move(spec));
  auto prepare = [&]() -> Status {
    CDS_ASSIGN_OR_RETURN(PgPool::Lease lease, lanes->pool().Acquire());
    if (mode == SchemaMode::kMigrate) {
      CDS_RETURN_IF_ERROR(MigratePostgresSchema(*lease, options.migration_timeout_ms));
    } else {
      CDS_RETURN_IF_ERROR(CheckPostgresSchemaVersion(*lease));
    }
    CDS_LOG(kInfo, "store_opened")
        .Field("backend", "postgresql")
        .Field("target", lease->Describe())
        .Field("pool_size", options.pool_size)
        .Field("statement_timeout_ms", options.statement_timeout_ms);
    return OkStatus();
  };
  Status ready = prepare();
  if (!ready.ok()) return ready.WithContext("open PostgreSQL store (" + configured + ")");
  return std::unique_ptr<PostgresStore>(
      new PostgresStore(std::move(lanes), options.prune_batch_size));
}

PostgresStore::PostgresStore(std::unique_ptr<PostgresLanes> lanes, int batch_size)
    : SqlStore(std::move(lanes), batch_size) {}

int PostgresStore::OpenConnectionsForTesting() {
  return static_cast<PostgresLanes&>(lanes()).pool().OpenConnectionsForTesting();
}

StatusOr<int> InspectPostgresSchema(const PostgresOptions& options) {
  CDS_RETURN_IF_ERROR(ValidateOptions(options));
  CDS_ASSIGN_OR_RETURN(PgConnectSpec spec, PgConnectSpec::Make(options));
  const std::string configured = spec.description;
  auto read = [&]() -> StatusOr<int> {
    CDS_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, PgConnection::Connect(spec));
    return ReadPostgresSchemaVersion(*conn);
  };
  auto version = read();
  if (!version.ok()) return version.status().WithContext("PostgreSQL (" + configured + ")");
  return version;
}

}  // namespace cds::store
