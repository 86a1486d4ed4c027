// The built binary's storage commands: `migrate` applies the schema (also from two processes
// at once), and `check-config` connects to the configured storage and reports its schema
// version without changing anything, for SQLite and for a real PostgreSQL server.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store.h"

#include "tests/support/postgres_gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cds::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

struct ProcessRun {
  int exit_code = -1;
  std::string out, err;
};

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs the server binary with `args` (several at once: all start before any is awaited).
std::vector<ProcessRun> RunServers(const std::vector<std::vector<std::string>>& runs,
                                   const std::string& scratch) {
  std::vector<FILE*> pipes;
  for (size_t i = 0; i < runs.size(); ++i) {
    std::string cmd = ShellQuote(CDS_SERVER_BINARY);
    for (const std::string& a : runs[i]) cmd += " " + ShellQuote(a);
    cmd += " 2>" + ShellQuote(scratch + "/stderr-" + std::to_string(i)) + " </dev/null";
    pipes.push_back(::popen(cmd.c_str(), "r"));
  }
  std::vector<ProcessRun> results(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    if (pipes[i] == nullptr) {
      ADD_FAILURE() << "popen failed";
      continue;
    }
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), pipes[i])) > 0) results[i].out.append(buf, n);
    const int status = ::pclose(pipes[i]);
    results[i].exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    results[i].err = ReadFileOrFail(scratch + "/stderr-" + std::to_string(i));
  }
  return results;
}

class StorageCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cds-storage-cli-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    config_ = dir_ + "/config";
    fs::create_directories(config_);
    fs::copy(std::string(CDS_SOURCE_DIR "/config/knowledge"), config_ + "/knowledge",
             fs::copy_options::recursive);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void WriteServerJson(const std::string& storage_json) {
    std::ofstream(config_ + "/server.json") << "{\"storage\": " << storage_json << "}";
  }

  ProcessRun Run(std::vector<std::string> args) {
    args.insert(args.end(), {"--config", config_, "--data-dir", dir_ + "/data"});
    return RunServers({args}, dir_)[0];
  }

  std::string dir_, config_;
};

TEST_F(StorageCliTest, SqliteCheckConfigChangesNothingAndMigrateCreatesTheSchema) {
  WriteServerJson(R"({"backend": "sqlite"})");
  ProcessRun check = Run({"check-config"});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out, HasSubstr("created at start-up"));
  EXPECT_FALSE(fs::exists(dir_ + "/data/cds-hooks.sqlite3"));

  ProcessRun migrate = Run({"migrate"});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
  const std::string current =
      "schema version " + std::to_string(store::kSchemaVersion) + " (current)";
  EXPECT_THAT(migrate.out, AllOf(HasSubstr("sqlite"), HasSubstr(current)));
  EXPECT_TRUE(fs::exists(dir_ + "/data/cds-hooks.sqlite3"));
  check = Run({"check-config"});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out, AllOf(HasSubstr("configuration OK"), HasSubstr(current)));
}

TEST_F(StorageCliTest, PostgresqlCheckConfigMigrateAndAnUnreachableServer) {
  std::string skip;
  auto server = StartPostgresOrSkip(&skip);
  if (server == nullptr) GTEST_SKIP() << skip;
  // The password comes from a passfile named in server.json, not from the url.
  const std::string passfile = dir_ + "/pgpass";
  std::ofstream(passfile) << "*:*:*:" << server->user() << ":" << server->password() << "\n";
  ASSERT_EQ(::chmod(passfile.c_str(), 0600), 0);
  WriteServerJson(R"({"backend": "postgresql", "postgresql": {"url": )" +
                  JsonQuote(server->url_without_password()) + R"(, "passfile": )" +
                  JsonQuote(passfile) + "}}");

  ProcessRun check = Run({"check-config"});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out, AllOf(HasSubstr("storage: postgresql"), HasSubstr("schema version 0"),
                               HasSubstr("migrate")));
  EXPECT_EQ(*server->Query("SELECT to_regclass('cds_schema_migration') IS NULL"), "t");

  // Two instances migrating at once: both succeed, each version is applied once.
  const std::vector<std::string> args = {"migrate", "--config", config_};
  std::vector<ProcessRun> both = RunServers({args, args}, dir_);
  for (const ProcessRun& r : both) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("(current)"));
  }
  EXPECT_EQ(*server->Query("SELECT COUNT(*) FROM cds_schema_migration"),
            std::to_string(store::kSchemaVersion));

  check = Run({"check-config"});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out, HasSubstr("(current)"));

  ASSERT_OK(server->Stop());
  check = Run({"check-config"});
  EXPECT_NE(check.exit_code, 0);
  EXPECT_THAT(check.err, HasSubstr("connect to PostgreSQL"));
  for (const ProcessRun& r : {check, both[0], both[1]}) {
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(server->password())));
  }
}

}  // namespace
}  // namespace cds::testing
