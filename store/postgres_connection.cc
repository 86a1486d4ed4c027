#include "store/postgres_connection.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <map>
#include <utility>

#include "base/status_macros.h"

#include <poll.h>

namespace cds::store {
namespace {

// Server notices (e.g. "relation already exists, skipping") and libpq's own complaints about
// a dead idle connection would otherwise go to stderr, outside the JSON log.
void IgnoreNotice(void*, const char*) {}

std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) out += (c == '\n' || c == '\r') ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool LosesConnection(std::string_view sqlstate) {
  // Connection exceptions and server shutdown end the session; a read-only transaction
  // error means we reached a standby (e.g. after fail-over), which a new connection may fix.
  return sqlstate.substr(0, 2) == "08" || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03" || sqlstate == "25006";
}

}  // namespace

void Redactor::Add(std::string secret) {
  if (!secret.empty()) secrets_.push_back(std::move(secret));
}

std::string Redactor::Apply(std::string_view text) const {
  std::string out(text);
  for (const std::string& secret : secrets_) {
    for (size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 3)) {
      out.replace(at, secret.size(), "***");
    }
  }
  return out;
}

StatusOr<PgConnectSpec> PgConnectSpec::Make(const PostgresOptions& options) {
  PgConnectSpec spec;
  spec.options = options;
  if (const char* env_password = std::getenv("PGPASSWORD")) spec.redactor.Add(env_password);
  std::string description;
  if (!options.url.empty()) {
    char* error = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(options.url.c_str(), &error);
    // libpq's message may quote the string, password included: never pass it on.
    if (error != nullptr) PQfreemem(error);
    if (parsed == nullptr) {
      return InvalidArgumentError(
          "storage.postgresql.url is not a libpq connection URI or key=value string");
    }
    std::map<std::string_view, std::string> described;
    for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
      if (o->val == nullptr || *o->val == '\0') continue;
      const std::string_view key(o->keyword);
      if (key == "password") {
        spec.redactor.Add(o->val);
      } else {
        described[key] = o->val;
      }
    }
    for (std::string_view key : {"host", "hostaddr", "port", "dbname", "user"}) {
      auto it = described.find(key);
      if (it == described.end()) continue;
      if (!description.empty()) description += ' ';
      description += std::string(key) + "=" + it->second;
    }
    PQconninfoFree(parsed);
  }
  spec.description = description.empty() ? "(PG* environment)" : spec.redactor.Apply(description);
  return spec;
}

StatusCode CodeForSqlState(std::string_view state) {
  const std::string_view cls = state.substr(0, 2);
  if (cls == "08" || cls == "53" || cls == "57" || cls == "40" || cls == "58" || state == "55P03" ||
      state == "25006") {
    return StatusCode::kUnavailable;
  }
  if (cls == "23" || cls == "22") return StatusCode::kInvalidArgument;
  if (cls == "28" || cls == "3D" || cls == "3F" || state == "42501" || state == "XX001" ||
      state == "XX002") {
    return StatusCode::kFailedPrecondition;
  }
  return StatusCode::kInternal;
}

StatusCode CodeForConnectFailure(std::string_view message) {
  const std::string text = Lower(message);
  static constexpr std::array<std::string_view, 10> kUnusable = {
      "password authentication failed",
      "no password supplied",
      "authentication failed",
      "does not exist",
      "no pg_hba.conf entry",
      "permission denied",
      "certificate",
      "sslmode",
      "invalid connection option",
      "server does not support ssl",
  };
  for (std::string_view marker : kUnusable) {
    if (text.find(marker) != std::string::npos) return StatusCode::kFailedPrecondition;
  }
  return StatusCode::kUnavailable;
}

std::string PostgresPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote re-enters at once: still correct
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '$';
      continue;
    }
    out += c;
  }
  return out;
}

StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(const PgConnectSpec& spec) {
  const PostgresOptions& o = spec.options;
  const std::string connect_timeout = std::to_string(std::max(2, o.connect_timeout_s));
  // Bounds how long a write to a vanished server (no RST, e.g. a network partition) blocks;
  // the server-side statement timeout cannot help there.
  const std::string tcp_user_timeout =
      std::to_string(std::max(10000, 2 * std::max(o.statement_timeout_ms, o.report_timeout_ms)));
  // Entries before "dbname" are defaults the URL may override; entries after it win.
  std::vector<const char*> keys = {
      "application_name", "keepalives",       "keepalives_idle", "keepalives_interval",
      "keepalives_count", "tcp_user_timeout", "dbname",          "connect_timeout",
      "client_encoding"};
  std::vector<const char*> values = {
      "cds-hooks-server",      "1",   "10", "5", "3", tcp_user_timeout.c_str(), o.url.c_str(),
      connect_timeout.c_str(), "UTF8"};
  if (!o.passfile.empty()) {
    keys.push_back("passfile");
    values.push_back(o.passfile.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) return UnavailableError("connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = spec.redactor.Apply(OneLine(PQerrorMessage(conn)));
    PQfinish(conn);
    return Status(CodeForConnectFailure(message), "connect to PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  std::unique_ptr<PgConnection> c(new PgConnection(conn, &spec.redactor));
  CDS_RETURN_IF_ERROR(c->Configure(/*synchronous_commit=*/true, o.statement_timeout_ms));
  return c;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Status PgConnection::LostStatus(std::string_view what) {
  broken_ = true;
  return UnavailableError(std::string(what) + ": " +
                          redactor_->Apply(OneLine(PQerrorMessage(conn_))));
}

Status PgConnection::ResultStatus(PGresult* result, std::string_view what) {
  if (result == nullptr) return LostStatus(what);
  const ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    PQclear(result);
    return OkStatus();
  }
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  // The primary message only: DETAIL and CONTEXT may quote the row's values.
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = OneLine(primary != nullptr ? primary : PQresultErrorMessage(result));
  StatusCode code = StatusCode::kUnavailable;  // no SQLSTATE: libpq lost the server
  if (state != nullptr) {
    code = CodeForSqlState(state);
    if (LosesConnection(state)) broken_ = true;
    message += std::string(" (SQLSTATE ") + state + ")";
  }
  PQclear(result);
  if (PQstatus(conn_) != CONNECTION_OK) {
    broken_ = true;
    code = StatusCode::kUnavailable;
  }
  return Status(code, std::string(what) + ": " + redactor_->Apply(message));
}

StatusOr<SqlResult> PgConnection::Execute(const char* sql, std::initializer_list<SqlParam> params) {
  if (broken_) return UnavailableError("PostgreSQL connection lost");
  auto it = prepared_.find(std::string_view(sql));
  if (it == prepared_.end()) {
    std::string name = "cds_" + std::to_string(prepared_.size() + 1);
    const std::string text = PostgresPlaceholders(sql);
    CDS_RETURN_IF_ERROR(
        ResultStatus(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr), "prepare"));
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  // Reserved up front: the pointers handed to libpq must stay valid while it is filled.
  std::vector<std::string> storage;
  storage.reserve(params.size());
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const SqlParam& param : params) {
    if (const auto* text = std::get_if<std::string_view>(&param)) {
      if (text->find('\0') != std::string_view::npos) {
        return InvalidArgumentError("text with a NUL character cannot be stored in PostgreSQL");
      }
      values.push_back(storage.emplace_back(*text).c_str());
    } else if (const auto* number = std::get_if<int64_t>(&param)) {
      values.push_back(storage.emplace_back(std::to_string(*number)).c_str());
    } else {
      values.push_back(nullptr);
    }
  }
  PGresult* result = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                                    values.data(), nullptr, nullptr, /*resultFormat=*/0);
  if (result == nullptr) return LostStatus("execute");
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return ResultStatus(result, "execute");
  }
  SqlResult out;
  const int rows = PQntuples(result);
  const int columns = PQnfields(result);
  out.rows.reserve(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    std::vector<std::optional<std::string>>& row = out.rows.emplace_back();
    row.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result, r, c)) {
        row.emplace_back();
      } else {
        row.emplace_back(
            std::string(PQgetvalue(result, r, c), static_cast<size_t>(PQgetlength(result, r, c))));
      }
    }
  }
  const std::string_view affected = PQcmdTuples(result);
  if (!affected.empty()) {
    std::from_chars(affected.data(), affected.data() + affected.size(), out.affected_rows);
  }
  PQclear(result);
  return out;
}

StatusOr<std::string> PgConnection::Run(const std::string& sql) {
  if (broken_) return UnavailableError("PostgreSQL connection lost");
  PGresult* result = PQexec(conn_, sql.c_str());
  if (result == nullptr) return LostStatus("run");
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return ResultStatus(result, "run");
  }
  std::string tag = PQcmdStatus(result);
  PQclear(result);
  return tag;
}

Status PgConnection::Configure(bool synchronous_commit, int statement_timeout_ms) {
  std::string sql;
  if (synchronous_commit_ != (synchronous_commit ? 1 : 0)) {
    sql += synchronous_commit ? "SET synchronous_commit = on;" : "SET synchronous_commit = off;";
  }
  if (statement_timeout_ms_ != statement_timeout_ms) {
    // Also bounds lock waits; our own integer, never caller text.
    sql += "SET statement_timeout = " + std::to_string(statement_timeout_ms) + ";";
  }
  if (sql.empty()) return OkStatus();
  synchronous_commit_ = -1;  // unknown until the SET is confirmed
  statement_timeout_ms_ = -1;
  StatusOr<std::string> done = Run(sql);
  if (!done.ok()) return done.status().WithContext("configure session");
  synchronous_commit_ = synchronous_commit ? 1 : 0;
  statement_timeout_ms_ = statement_timeout_ms;
  return OkStatus();
}

bool PgConnection::InTransaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

bool PgConnection::LooksAlive() {
  if (broken_ || PQstatus(conn_) != CONNECTION_OK || InTransaction()) return false;
  // An idle connection has nothing to read. If it has, the server either sent a notice or
  // closed the session (shutdown, restart, idle timeout): reading tells which. A closing
  // server sends its FATAL message and then EOF, which may take a second read to see.
  for (int round = 0; round < 4; ++round) {
    pollfd pfd{PQsocket(conn_), POLLIN, 0};
    const int ready = poll(&pfd, 1, 0);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return ready == 0 && PQstatus(conn_) == CONNECTION_OK;
    if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) {
      broken_ = true;
      return false;
    }
    while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
  }
  return PQstatus(conn_) == CONNECTION_OK;
}

std::string PgConnection::Describe() const {
  auto value = [](const char* v) { return std::string(v != nullptr ? v : ""); };
  return "host=" + value(PQhost(conn_)) + " port=" + value(PQport(conn_)) +
         " dbname=" + value(PQdb(conn_)) + " user=" + value(PQuser(conn_));
}

}  // namespace cds::store
