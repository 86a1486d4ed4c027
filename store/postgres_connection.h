// PgConnection: one libpq connection with a Status-returning interface, statements prepared
// once per connection (cached by SQL text), and the mapping of PostgreSQL's errors to the
// project's vocabulary. Internal to store/ (PostgresStore is the public face).
//
// Parameters are sent as text; the SQL uses ?N placeholders, rewritten to $N when a
// statement is first prepared. Text containing a NUL byte is refused with kInvalidArgument:
// PostgreSQL's text type cannot hold it, and libpq would silently cut the value there.
//
// A connection that lost its server, or that was left in an unknown protocol state, is
// marked broken() and must be discarded (the pool does). Credentials never reach a Status:
// every message from libpq or the server passes through the connection's Redactor.
//
// Thread-safety: none; one thread uses a connection at a time (the pool lends it).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

#include "store/postgres_options.h"
#include "store/sql_session.h"

#include <libpq-fe.h>

namespace cds::store {

// Replaces every occurrence of the secrets it was given (passwords) with "***".
class Redactor {
 public:
  void Add(std::string secret);
  std::string Apply(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;
};

// What every connection of a pool is opened with. Built once by PgConnectSpec::Make.
struct PgConnectSpec {
  // Validates the URL (kInvalidArgument naming no part of it: it may hold a password) and
  // collects the passwords to redact (from the URL and PGPASSWORD).
  static StatusOr<PgConnectSpec> Make(const PostgresOptions& options);

  PostgresOptions options;
  Redactor redactor;
  // host, port, dbname and user as configured (never the password), for logs.
  std::string description;
};

// Maps SQLSTATE classes to the vocabulary (store.h):
//   08 connection, 53 resources, 57 operator intervention (shutdown, statement timeout),
//   40 rollback (serialization, deadlock), 55P03 lock timeout, 58 I/O, 25006 read-only
//   (a standby after fail-over)                                  -> kUnavailable
//   23 integrity constraint, 22 data exception                   -> kInvalidArgument
//   28 authorization, 3D no such database, 3F no such schema, 42501 insufficient privilege,
//   XX001/XX002 corrupt data                                     -> kFailedPrecondition
//   anything else                                                -> kInternal (our SQL)
StatusCode CodeForSqlState(std::string_view sqlstate);
// A connection attempt that failed has no SQLSTATE; its message decides. Refused
// credentials, an unknown database or role and TLS set-up errors are kFailedPrecondition
// (they will not heal by themselves); anything else (refused, timed out, server starting or
// shutting down, too many clients) is kUnavailable.
StatusCode CodeForConnectFailure(std::string_view message);

class PgConnection {
 public:
  static StatusOr<std::unique_ptr<PgConnection>> Connect(const PgConnectSpec& spec);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // A statement from a fixed set (cached by text), with bound parameters.
  StatusOr<SqlResult> Execute(const char* sql, std::initializer_list<SqlParam> params);
  // Fixed SQL without parameters (BEGIN, SET, DDL; several statements allowed). Returns the
  // command tag of the last statement (e.g. "COMMIT", or "ROLLBACK" for a failed transaction).
  StatusOr<std::string> Run(const std::string& sql);

  // Session settings, issued only when they differ from the connection's current ones.
  Status Configure(bool synchronous_commit, int statement_timeout_ms);

  // False once the server is gone or the protocol state is unknown.
  bool broken() const { return broken_; }
  // True when the connection is idle and still connected, as far as can be told without a
  // round trip (the server closes idle connections when it shuts down; this notices).
  bool LooksAlive();
  bool InTransaction() const;

  // Where the connection went (from libpq), without credentials.
  std::string Describe() const;

 private:
  PgConnection(PGconn* conn, const Redactor* redactor) : conn_(conn), redactor_(redactor) {}
  Status ResultStatus(PGresult* result, std::string_view what);
  Status LostStatus(std::string_view what);

  PGconn* conn_;
  const Redactor* redactor_;  // owned by the pool's spec, which outlives its connections
  bool broken_ = false;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL text -> statement name
  int synchronous_commit_ = -1;                               // -1 unknown, 0 off, 1 on
  int statement_timeout_ms_ = -1;
};

// ?N -> $N outside quoted literals and identifiers.
std::string PostgresPlaceholders(std::string_view sql);

}  // namespace cds::store
