// What the HTTP protocol tests share: app::HttpServer in-process on 127.0.0.1 (ephemeral
// port) with the bundled knowledge, driven by httplib::Client; request builders; a read-only
// view of the feedback database. Every 200 answer to a hook call is checked by
// ValidateCdsResponse (cds_response_validator.h). The tests, by area: http_discovery_test,
// http_errors_test, http_cors_test, http_feedback_test, http_spec_examples_test,
// http_samples_test and http_slow_client_test (.cc).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sqlite3.h>

#include "base/ascii.h"

#include "tests/support/cds_response_validator.h"
#include "tests/support/hook_harness.h"
#include "tests/support/test_server.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cds::testing {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

inline constexpr char kOrigin[] = "https://ehr.example.org";
inline constexpr char kView[] = "rituximab-safety-patient-view";
inline constexpr char kSelect[] = "rituximab-safety-order-select";
inline constexpr char kSign[] = "rituximab-safety-order-sign";
inline constexpr char kSelectPath[] = "/cds-services/rituximab-safety-order-select";
inline constexpr char kTruxima[] = "2105831";     // RxNorm SBD: rituximab-abbs [Truxima]
inline constexpr char kAmoxicillin[] = "617993";  // RxNorm: amoxicillin/clavulanate suspension
inline constexpr size_t kBodyLimit = 64 * 1024;

// A draft rituximab order at the fixed 1000 mg regimen, so the dose check needs no height or
// weight and only the data-driven rules speak.
inline std::string RituximabDraft(std::string_view id = "rx1") {
  return RxMedicationRequest(
      id, kTruxima, "draft", "",
      R"("dosageInstruction":[{"text":"1000 mg IV day 1 and day 15","doseAndRate":[{"doseQuantity":)"
      R"({"value":1000,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}])");
}

inline config::ServerConfig ProtocolConfig() {
  config::ServerConfig c;
  c.limits.max_body_bytes = kBodyLimit;
  c.cors_allowed_origins = {kOrigin};
  c.http_threads = 4;
  return c;
}

inline std::unique_ptr<TestServer> StartServer(config::ServerConfig config = ProtocolConfig(),
                                               app::CallerAuthenticator* auth = nullptr) {
  TestServerOptions o;
  o.config = std::move(config);
  o.auth = auth;
  return TestServer::Start(std::move(o));
}

inline std::vector<std::string> PrefetchKeys(TestServer& s, std::string_view service_id) {
  const hooks::CdsService* svc = s.service().registry()->Find(service_id);
  EXPECT_NE(svc, nullptr) << service_id;
  return svc == nullptr ? std::vector<std::string>{} : svc->PrefetchKeys();
}

inline httplib::Result Send(TestServer& s, const std::string& method, const std::string& path,
                            const std::string& body = "",
                            const std::string& content_type = "application/json",
                            const httplib::Headers& headers = {}) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.headers = headers;
  req.body = body;
  if (!content_type.empty()) req.set_header("Content-Type", content_type);
  if (method == "POST" || method == "PUT" || method == "PATCH") {
    req.set_header("Content-Length", std::to_string(body.size()));
  }
  return s.Client().send(req);
}

// POSTs a hook call; a 200 must be application/json and pass the response validator.
inline HookResponse CallHook(TestServer& s, std::string_view service_id, const std::string& body,
                             const httplib::Headers& headers = {}) {
  HookResponse r;
  auto res = Send(s, "POST", "/cds-services/" + std::string(service_id), body, "application/json",
                  headers);
  if (!res) {
    ADD_FAILURE() << "no answer from " << service_id << ": " << httplib::to_string(res.error());
    return r;
  }
  r.status = res->status;
  r.body = res->body;
  r.doc.Parse(r.body.c_str(), r.body.size());
  if (r.status == 200) {
    EXPECT_THAT(res->get_header_value("Content-Type"), ::testing::StartsWith("application/json"))
        << service_id;
    EXPECT_EQ(CdsResponseViolations(r.body), "") << service_id << ": " << r.body;
  }
  return r;
}

inline std::string RituximabOrderSelect(
    std::string hook_instance = "5c5b3c2e-8f2a-4bfe-9d7c-000000000001") {
  return RequestBuilder("order-select")
      .HookInstance(std::move(hook_instance))
      .DraftOrder(RituximabDraft())
      .Build();
}

// A valid order-select call that names no rituximab: 200 with no cards whatever the data.
inline std::string HarmlessOrderSelect() {
  return RequestBuilder("order-select")
      .DraftOrder(RxMedicationRequest("a1", kAmoxicillin, "draft"))
      .Build();
}

// The server is still serving normally: a valid hook call gets 200 {"cards": []}.
inline void ExpectStillServing(TestServer& s, const std::string& after) {
  HookResponse r = CallHook(s, kSelect, HarmlessOrderSelect());
  EXPECT_EQ(r.status, 200) << "after " << after << ": " << r.body;
  EXPECT_EQ(r.CardCount(), 0u) << "after " << after << ": " << r.body;
  EXPECT_TRUE(r.doc.IsObject() && r.doc.HasMember("cards") && r.doc["cards"].IsArray()) << r.body;
}

// Parses `json`, applies `edit`, serialises again.
inline std::string Edit(const std::string& json,
                        const std::function<void(rapidjson::Document&)>& edit) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError()) {
    ADD_FAILURE() << "Edit: bad JSON " << json;
    return json;
  }
  edit(d);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  d.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

inline rapidjson::Value Str(std::string_view s, rapidjson::Document& d) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), d.GetAllocator());
}

// Read-only view of the service's SQLite file.
class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << (db_ ? sqlite3_errmsg(db_) : "?");
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  using Row = std::map<std::string, std::optional<std::string>>;
  std::vector<Row> Query(const std::string& sql, const std::vector<std::string>& args = {}) {
    std::vector<Row> rows;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return rows;
    }
    for (size_t i = 0; i < args.size(); ++i) {
      sqlite3_bind_text(st, static_cast<int>(i + 1), args[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      Row row;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const unsigned char* t = sqlite3_column_text(st, c);
        row[sqlite3_column_name(st, c)] =
            t == nullptr ? std::nullopt
                         : std::optional<std::string>(reinterpret_cast<const char*>(t));
      }
      rows.push_back(std::move(row));
    }
    EXPECT_EQ(rc, SQLITE_DONE) << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return rows;
  }
  int64_t Count(const std::string& where = "1", const std::vector<std::string>& args = {}) {
    auto rows = Query("SELECT COUNT(*) AS n FROM feedback WHERE " + where, args);
    return rows.size() == 1 && rows[0]["n"] ? std::stoll(*rows[0]["n"]) : -1;
  }

 private:
  sqlite3* db_ = nullptr;
};

inline int64_t CountRows(const std::string& db_path, const std::string& table) {
  Db db(db_path);
  auto rows = db.Query("SELECT COUNT(*) AS n FROM " + table);
  return rows.size() == 1 && rows[0]["n"] ? std::stoll(*rows[0]["n"]) : -1;
}

inline std::string SharedDir() { return CDS_SHARED_DIR; }

// Discovered service ids by hook.
inline std::map<std::string, std::vector<std::string>> ServicesByHook(TestServer& s) {
  std::map<std::string, std::vector<std::string>> out;
  for (const hooks::CdsService& svc : s.service().registry()->services())
    out[svc.def->hook].push_back(svc.id());
  return out;
}

// A full request around a `{"context": ...}` fragment.
inline std::string WrapContext(const std::string& fragment, const std::string& hook,
                               const std::string& hook_instance) {
  return Edit(fragment, [&](rapidjson::Document& d) {
    d.AddMember("hook", Str(hook, d), d.GetAllocator());
    d.AddMember("hookInstance", Str(hook_instance, d), d.GetAllocator());
  });
}

// The hook whose context a fragment carries: selections -> order-select, draftOrders ->
// order-sign, otherwise patient-view.
inline std::string HookForContext(const std::string& fragment) {
  rapidjson::Document d;
  d.Parse(fragment.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("context") || !d["context"].IsObject())
    return "";
  if (d["context"].HasMember("selections")) return "order-select";
  if (d["context"].HasMember("draftOrders")) return "order-sign";
  return "patient-view";
}

}  // namespace cds::testing
