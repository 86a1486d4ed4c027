// The built cds-hooks-server binary, run as a knowledge author would: `eval` prints the same
// cards as the HTTP server returns for the same request, `--help` documents every flag,
// `rules --markdown` matches the committed docs/rules.md, and `check-config` rejects broken
// knowledge naming the file and the JSON path.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "app/cds_hooks_service.h"
#include "tests/support/cds_response_validator.h"
#include "tests/support/hook_harness.h"
#include "tests/support/test_server.h"
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cds::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kNow[] = "2026-11-25T12:00:00Z";
constexpr char kSelect[] = "rituximab-safety-order-select";

struct ProcessRun {
  int exit_code = -1;
  std::string out, err;
};

// A temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/cds-eval-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::string path_;
};

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// Runs the server binary with `args`; stdout and stderr captured separately.
ProcessRun RunServer(const std::vector<std::string>& args) {
  TempDir tmp;
  std::string err_file = tmp.path() + "/stderr";
  std::string cmd = ShellQuote(CDS_SERVER_BINARY);
  for (const std::string& a : args) cmd += " " + ShellQuote(a);
  cmd += " 2>" + ShellQuote(err_file) + " </dev/null";
  ProcessRun r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    ADD_FAILURE() << "popen failed: " << cmd;
    return r;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file, std::ios::binary);
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

// The response with every "uuid" member removed (fresh per evaluation), re-serialised.
std::string WithoutUuids(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError()) return "unparseable: " + body;
  std::function<void(rapidjson::Value&)> strip = [&](rapidjson::Value& v) {
    if (v.IsObject()) {
      v.RemoveMember("uuid");
      for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) strip(it->value);
    } else if (v.IsArray()) {
      for (auto& e : v.GetArray()) strip(e);
    }
  };
  strip(d);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  d.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

struct CardSummary {
  std::string rule, indicator, summary;
  bool operator==(const CardSummary&) const = default;
};
std::ostream& operator<<(std::ostream& os, const CardSummary& c) {
  return os << "{" << c.rule << ", " << c.indicator << ", " << c.summary << "}";
}

std::vector<CardSummary> Summaries(const std::string& body) {
  std::vector<CardSummary> out;
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (!d.IsObject() || !d.HasMember("cards")) return out;
  for (const auto& c : d["cards"].GetArray()) {
    out.push_back({c["source"]["topic"]["code"].GetString(), c["indicator"].GetString(),
                   c["summary"].GetString()});
  }
  return out;
}

// The prefetch keys of a service in the bundled knowledge.
std::vector<std::string> ServicePrefetchKeys(std::string_view service_id) {
  auto registry = app::LoadRegistry(std::string(CDS_SOURCE_DIR "/config"));
  EXPECT_TRUE(registry.ok()) << registry.status().message();
  if (!registry.ok()) return {};
  const hooks::CdsService* s = (*registry)->Find(service_id);
  EXPECT_NE(s, nullptr) << service_id;
  return s == nullptr ? std::vector<std::string>{} : s->PrefetchKeys();
}

// A request that fires all three rituximab rules' interesting paths: rituximab selected,
// anti-HBc positive with no antiviral (critical), IgM 5 g/dL (flare risk).
std::string FiringRequest() {
  return RequestBuilder("order-select")
      .HookInstance("3f1f0c1e-eval-4c1b-9d0a-000000000001")
      .DraftOrder(RxMedicationRequest(
          "rx1", "2105831", "draft", "",
          R"("dosageInstruction":[{"doseAndRate":[{"doseQuantity":{"value":1000,)"
          R"("unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}])"))
      .Prefetch("hbvSerology",
                {LoincObservation("hbc", "16933-4", "2024-03-01", SnomedValue("10828004")),
                 LoincObservation("hbs", "5196-1", "2026-06-01", SnomedValue("260385009"))})
      .Prefetch("igm", {LoincObservation("igm", "2472-9", "2026-10-01", Quantity(5, "g/dL"))})
      .Build(ServicePrefetchKeys(kSelect));  // every other key: null ("no data")
}

TEST(EvalCliTest, EvalPrintsTheSameCardsAsTheHttpServer) {
  TempDir tmp;
  const std::string request = FiringRequest();
  std::string file = tmp.Write("request.json", request);

  ProcessRun eval = RunServer({"eval", "--service", kSelect, "--now", kNow, file});
  ASSERT_EQ(eval.exit_code, 0) << eval.err << eval.out;
  EXPECT_THAT(eval.err, HasSubstr("HTTP 200"));
  EXPECT_EQ(CdsResponseViolations(eval.out), "") << eval.out;

  TestServerOptions o;
  o.now = kNow;
  auto server = TestServer::Start(std::move(o));
  ASSERT_NE(server, nullptr);
  auto res = server->Client().Post((std::string("/cds-services/") + kSelect).c_str(), request,
                                   "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(CdsResponseViolations(res->body), "") << res->body;

  std::vector<CardSummary> cli = Summaries(eval.out), http = Summaries(res->body);
  ASSERT_GE(cli.size(), 2u) << eval.out;
  EXPECT_EQ(cli, http);
  std::set<std::string> rules;
  for (const CardSummary& c : cli) rules.insert(c.rule);
  EXPECT_TRUE(rules.count("hbv-prophylaxis-missing")) << eval.out;
  EXPECT_TRUE(rules.count("igm-flare-risk")) << eval.out;
  EXPECT_FALSE(rules.count("hbv-serology-missing")) << eval.out;
  for (const CardSummary& c : cli) {
    if (c.rule == "hbv-prophylaxis-missing") {
      EXPECT_EQ(c.indicator, "critical");
    }
    if (c.rule == "igm-flare-risk") {
      EXPECT_EQ(c.indicator, "warning");
    }
  }
  // Everything but the per-evaluation uuids is identical: detail, suggestions, links, reasons.
  EXPECT_EQ(WithoutUuids(eval.out), WithoutUuids(res->body));
}

TEST(EvalCliTest, EvalOfABadRequestPrintsTheOperationOutcomeAndFails) {
  TempDir tmp;
  std::string file =
      tmp.Write("bad.json", R"({"hook":"patient-view","hookInstance":"x","context":{}})");
  ProcessRun r = RunServer({"eval", "--service", kSelect, "--now", kNow, file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("HTTP 400"));
  EXPECT_THAT(r.out, HasSubstr("OperationOutcome"));
  EXPECT_THAT(r.out, HasSubstr("does not match this service"));

  ProcessRun unknown = RunServer({"eval", "--service", "no-such-service", "--now", kNow, file});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("HTTP 404"));

  ProcessRun missing =
      RunServer({"eval", "--service", kSelect, tmp.path() + "/does-not-exist.json"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("does-not-exist.json"));

  ProcessRun no_service = RunServer({"eval", file});
  EXPECT_EQ(no_service.exit_code, 2);
  EXPECT_THAT(no_service.err, HasSubstr("--service"));
}

TEST(EvalCliTest, HelpListsEveryFlag) {
  ProcessRun r = RunServer({"--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Every flag the parser knows (read from its source, so a new flag without help fails here).
  std::string cli = ReadFileOrFail(std::string(CDS_SOURCE_DIR "/app/cli.cc"));
  size_t help_end = cli.find("StatusOr<CommandLine> ParseCommandLine");
  ASSERT_NE(help_end, std::string::npos);
  std::string parser = cli.substr(help_end);
  std::set<std::string> flags;
  std::regex flag_re("\"(--[a-z][a-z-]*)\"");
  for (std::sregex_iterator it(parser.begin(), parser.end(), flag_re), end; it != end; ++it)
    flags.insert((*it)[1]);
  for (const char* required : {"--listen", "--config", "--data-dir", "--allow-fhir-server",
                               "--service", "--now", "--markdown", "--help"}) {
    EXPECT_TRUE(flags.count(required)) << required << " is not parsed by app/cli.cc";
  }
  ASSERT_GE(flags.size(), 8u);
  for (const std::string& f : flags)
    EXPECT_THAT(r.out, HasSubstr(f)) << "--help does not mention " << f;
  for (const char* command : {"eval", "rules", "check-config"})
    EXPECT_THAT(r.out, HasSubstr(command));

  ProcessRun bad = RunServer({"--no-such-flag"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--no-such-flag"));
}

TEST(EvalCliTest, RulesMarkdownEqualsTheCommittedDocs) {
  const std::string docs = std::string(CDS_SOURCE_DIR "/docs/rules.md");
  if (!fs::exists(docs)) GTEST_SKIP() << docs << " is not committed yet";
  ProcessRun r = RunServer({"rules", "--markdown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, ReadFileOrFail(docs))
      << "docs/rules.md is stale: regenerate with `cds-hooks-server rules --markdown`";
}

TEST(EvalCliTest, RulesMarkdownListsEveryRule) {
  ProcessRun r = RunServer({"rules", "--markdown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* rule : {"hbv-serology-missing", "hbv-prophylaxis-missing", "igm-flare-risk"}) {
    EXPECT_THAT(r.out, HasSubstr(rule));
  }
}

TEST(EvalCliTest, CheckConfigAcceptsTheBundledConfigAndRejectsABrokenThreshold) {
  TempDir tmp;
  const std::string copy = tmp.path() + "/config";
  fs::copy(std::string(CDS_SOURCE_DIR "/config"), copy, fs::copy_options::recursive);

  ProcessRun good = RunServer({"check-config", "--config", copy});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_THAT(good.out, HasSubstr("configuration OK"));

  // igm-flare-risk threshold.value: a number in the bundled file; make it a string.
  const std::string rule = copy + "/knowledge/rules/igm-flare-risk.json";
  std::string text = ReadFileOrFail(rule);
  rapidjson::Document d;
  d.Parse(text.c_str());
  ASSERT_TRUE(d.IsObject() && d.HasMember("threshold") && d["threshold"]["value"].IsNumber())
      << text;
  d["threshold"]["value"].SetString("four", d.GetAllocator());
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  d.Accept(w);
  std::ofstream(rule, std::ios::binary | std::ios::trunc) << buf.GetString();

  ProcessRun bad = RunServer({"check-config", "--config", copy});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.err, HasSubstr("igm-flare-risk.json")) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("threshold.value")) << bad.err;
  EXPECT_EQ(bad.out.find("configuration OK"), std::string::npos) << bad.out;
}

// check-config refuses what serve refuses, so a configuration it passes starts: a log level
// the logger does not know (in server.json or as a flag), and a trusted issuer whose key
// file cannot be read.
TEST(EvalCliTest, CheckConfigRefusesWhatServeRefuses) {
  TempDir tmp;
  const std::string copy = tmp.path() + "/config";
  fs::copy(std::string(CDS_SOURCE_DIR "/config"), copy, fs::copy_options::recursive);

  ProcessRun flag = RunServer({"check-config", "--config", copy, "--log-level", "loud"});
  EXPECT_NE(flag.exit_code, 0) << flag.out;
  EXPECT_THAT(flag.err, HasSubstr("log_level must be debug, info, warn or error")) << flag.err;

  std::ofstream(copy + "/server.json", std::ios::trunc) << R"({"log_level": "verbose"})";
  ProcessRun json = RunServer({"check-config", "--config", copy});
  EXPECT_NE(json.exit_code, 0) << json.out;
  EXPECT_THAT(json.err, HasSubstr("server.json: $.log_level: must be debug, info, warn or error"))
      << json.err;

  std::ofstream(copy + "/server.json", std::ios::trunc)
      << R"({"auth": {"issuers": [{"iss": "https://ehr.example", "jwks_file": ")" << tmp.path()
      << R"(/no-such-jwks.json"}]}})";
  ProcessRun keys = RunServer({"check-config", "--config", copy});
  EXPECT_NE(keys.exit_code, 0) << keys.out;
  EXPECT_THAT(keys.err, HasSubstr("no-such-jwks.json")) << keys.err;
  EXPECT_EQ(keys.out.find("configuration OK"), std::string::npos) << keys.out;
}

}  // namespace
}  // namespace cds::testing
