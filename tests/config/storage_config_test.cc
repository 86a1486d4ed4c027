// config::ParseStorageConfig: defaults, every key, and errors that name file and JSON path,
// also as part of server.json.
#include "config/storage_config.h"

#include "config/server_config.h"

#include "tests/support/status_matchers.h"

namespace cds::config {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

StatusOr<ServerConfig> ParseText(std::string_view text) {
  auto doc = json::ParseJson(text, json::JsonLimits{});
  if (!doc.ok()) return doc.status();
  return ParseServerConfig(Node(**doc, "server.json", "$"));
}

TEST(ParseStorageConfig, DefaultsToSqlite) {
  auto c = ParseText("{}");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->storage.backend, StorageBackend::kSqlite);
  const PostgresqlConfig defaults;
  EXPECT_EQ(c->storage.postgresql.pool_size, defaults.pool_size);
  EXPECT_EQ(c->storage.postgresql.url, "");
}

TEST(ParseStorageConfig, ReadsEveryKey) {
  auto c = ParseText(R"({"storage": {"backend": "postgresql", "postgresql": {
      "url": "postgresql://cds@db.example/cds?sslmode=verify-full",
      "passfile": "/etc/cds-hooks/pgpass", "pool_size": 16, "statement_timeout_ms": 2500,
      "connect_timeout_s": 3}}})");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->storage.backend, StorageBackend::kPostgresql);
  EXPECT_EQ(c->storage.postgresql.url, "postgresql://cds@db.example/cds?sslmode=verify-full");
  EXPECT_EQ(c->storage.postgresql.passfile, "/etc/cds-hooks/pgpass");
  EXPECT_EQ(c->storage.postgresql.pool_size, 16);
  EXPECT_EQ(c->storage.postgresql.statement_timeout_ms, 2500);
  EXPECT_EQ(c->storage.postgresql.connect_timeout_s, 3);
}

TEST(ParseStorageConfig, RefusesWhatCannotWorkNamingThePath) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"storage": {"backend": "mysql"}})", "$.storage.backend"},
      {R"({"storage": {"backend": 1}})", "$.storage.backend"},
      {R"({"storage": {"sqlite": {}}})", "sqlite"},
      {R"({"storage": {"postgresql": {"pool_size": 0}}})", "$.storage.postgresql.pool_size"},
      {R"({"storage": {"postgresql": {"pool_size": 4294967297}}})", "pool_size"},
      {R"({"storage": {"postgresql": {"statement_timeout_ms": -1}}})", "statement_timeout_ms"},
      {R"({"storage": {"postgresql": {"connect_timeout_s": 1}}})", "connect_timeout_s"},
      {R"({"storage": {"postgresql": {"password": "x"}}})", "password"},
      {R"({"storage": {"postgresql": {"url": 5}}})", "$.storage.postgresql.url"},
  };
  for (const auto& [text, path] : cases) {
    EXPECT_THAT(ParseText(text), StatusIs(StatusCode::kInvalidArgument,
                                          AllOf(HasSubstr("server.json"), HasSubstr(path))))
        << text;
  }
}

}  // namespace
}  // namespace cds::config
