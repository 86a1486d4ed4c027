// PostgresTestServer: a private PostgreSQL server for one test (or one benchmark run),
// started from Debian's postgresql binaries and stopped at the end.
//
//   auto server = cds::testing::PostgresTestServer::Start();
//   if (!server.ok()) ...  // kNotFound: PostgreSQL is not installed (tests skip, see below)
//   store::PostgresStore::Open((*server)->StoreOptions());
//
// Start():
//   1. finds initdb and postgres ($CDS_POSTGRES_BINDIR, else the newest
//      /usr/lib/postgresql/<major>/bin, else PATH); kNotFound when absent;
//   2. makes a cluster template once per machine, user and major version
//      (<tmp>/cds-pgtest-<major>-<uid>-v1: `initdb --no-sync -A scram-sha-256` with a
//      random superuser password that starts with the log-scan marker "cdssec-pw-"), built
//      in a scratch folder and renamed into place, so concurrent tests never see half of it;
//   3. copies the template into a fresh 0700 folder (mkdtemp under $CDS_PG_TEST_DIR or
//      /tmp; short, because a Unix socket path is limited to 107 bytes) and starts
//      `postgres` there, listening only on a Unix socket in that folder (no TCP port), with
//      fsync off unless the options ask for it, and waits until it accepts connections.
// As root (CI runs as root; initdb and postgres refuse to), both run as `nobody` through
// `setpriv --reuid --regid --clear-groups`, and the folders are chowned to it. As any
// other user they run as that user. Either way they run through `setpriv --pdeathsig
// SIGKILL`, so the server dies with the thread that started it even if the test crashes
// (start it from the test's main thread).
//
// Stop() shuts the server down (fast mode) and keeps its data; StartAgain() restarts it on
// the same socket, for reconnection tests. The destructor stops it and removes the folder.
//
// Thread-safety: none; one thread drives a server. Errors: kNotFound (binaries absent),
// kUnavailable / kInternal with the server log's last lines otherwise.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"

#include "store/postgres_options.h"

#include <sys/types.h>

namespace cds::testing {

struct PostgresTestServerOptions {
  // Durable commits, for benchmarks; tests run faster without.
  bool fsync = false;
};

class PostgresTestServer {
 public:
  static StatusOr<std::unique_ptr<PostgresTestServer>> Start(
      PostgresTestServerOptions options = {});
  ~PostgresTestServer();
  PostgresTestServer(const PostgresTestServer&) = delete;
  PostgresTestServer& operator=(const PostgresTestServer&) = delete;

  // Shuts the server down (SIGINT, fast shutdown), waiting for it to exit.
  Status Stop();
  // Starts it again on the same data and socket; waits until it accepts connections.
  Status StartAgain();
  bool running() const { return pid_ > 0; }

  // libpq key=value connection strings to the `postgres` database as the superuser.
  std::string url() const;                   // with the password
  std::string url_without_password() const;  // for passfile and PGPASSWORD tests
  const std::string& socket_dir() const { return dir_; }
  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }
  int port() const { return 5432; }

  // Store options for this server: its url, short reconnect back-offs.
  store::PostgresOptions StoreOptions() const;

  // Runs `sql` on a fresh superuser connection; returns the first column of every row,
  // joined with '\n'. For setting up and inspecting tests.
  StatusOr<std::string> Query(const std::string& sql) const;

  // The last lines of the server's log, for failure messages.
  std::string LogTail() const;

 private:
  PostgresTestServer() = default;
  Status Launch();

  PostgresTestServerOptions options_;
  std::string bindir_;
  std::string dir_;  // socket directory; the cluster is dir_/data
  std::string user_;
  std::string password_;
  uid_t run_as_uid_ = 0;  // 0: run as ourselves
  gid_t run_as_gid_ = 0;
  pid_t pid_ = -1;
};

}  // namespace cds::testing
