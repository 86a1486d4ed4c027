// hooks::Engine with scripted rules and a fake FhirClient (the interaction is the point):
// needs collected per round and fetched in one FetchAll call, re-evaluation, max rounds,
// why fetching is impossible, the 412-vs-info-card policy, and degraded mode when a rule
// throws (412 when needed data cannot be obtained; degraded mode: a rule's failure never
// hides the other rules' cards).
#include "hooks/engine.h"

#include <map>
#include <stdexcept>

#include "base/log.h"
#include "base/uuid.h"

#include "cards/json.h"
#include "config/knowledge.h"

#include "tests/config/temp_knowledge.h"
#include "tests/support/cds_response_validator.h"
#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::CdsResponseViolations;
using ::cds::testing::IsOk;
using ::cds::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kServer[] = "https://ehr.example/fhir";
constexpr char kLabsUrl[] = "Observation?patient=p1&code=1-8";
constexpr char kMedsUrl[] = "MedicationRequest?patient=p1";

// A rule whose Evaluate is a test-supplied function; counts its evaluations.
class ScriptedRule final : public Rule {
 public:
  using Script = std::function<void(const RuleContext&, RuleOutcome&, int evaluation)>;
  ScriptedRule(const std::string& id, Script script) : Rule(Info(id)), script_(std::move(script)) {}
  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override {
    script_(ctx, out, ++evaluations_);
  }
  int evaluations() const { return evaluations_; }

 private:
  static RuleInfo Info(const std::string& id) {
    RuleInfo info;
    info.id = id;
    info.title = "Check " + id;
    info.hooks = {Hook::kPatientView, Hook::kOrderSelect, Hook::kOrderSign};
    return info;
  }
  Script script_;
  mutable int evaluations_ = 0;
};

cards::Card CardOf(const std::string& rule, const std::string& summary) {
  cards::Card c;
  c.uuid = NewUuid();
  c.summary = summary;
  c.indicator = cards::Indicator::kWarning;
  c.source.label = "Test guideline";
  c.source.topic = cards::Coding{"urn:test:rule", rule, ""};
  return c;
}

// Fires once every key is known, with the resource counts in the summary.
ScriptedRule::Script FiresWith(std::vector<std::string> keys) {
  return [keys](const RuleContext& ctx, RuleOutcome& out, int) {
    std::string summary = "counts";
    bool all = true;
    for (const std::string& k : keys) {
      const auto* r = ctx.Require(k, out);  // every key asked for in the same round
      if (r == nullptr) {
        all = false;
      } else {
        summary += " " + k + "=" + std::to_string(r->size());
      }
    }
    if (all) out.AddCard(CardOf("r", summary));
  };
}

class FakeFhirClient final : public fhir::FhirClient {
 public:
  struct Reply {
    StatusCode code = StatusCode::kOk;
    std::vector<std::string> pages;
    bool truncated = false;
  };
  struct Call {
    fhir::FhirServerAccess access;
    std::vector<std::string> urls;
    fhir::Deadline deadline;
  };

  std::vector<fhir::FhirResponse> FetchAll(const fhir::FhirServerAccess& server,
                                           const std::vector<std::string>& urls,
                                           fhir::Deadline deadline) override {
    calls.push_back({server, urls, deadline});
    std::vector<fhir::FhirResponse> out;
    for (const std::string& url : urls) {
      fhir::FhirResponse r;
      auto it = replies.find(url);
      if (it == replies.end()) {
        r.status = UnavailableError("fake: nothing scripted");
      } else {
        r.status = it->second.code == StatusCode::kOk
                       ? OkStatus()
                       : Status(it->second.code, "fake: HTTP trouble");
        for (const std::string& p : it->second.pages) {
          r.pages.push_back(std::move(json::ParseJson(p, json::JsonLimits{})).value());
        }
        r.truncated = it->second.truncated;
      }
      out.push_back(std::move(r));
    }
    return out;
  }
  bool IsAllowed(const std::string& base_url) const override {
    return std::find(allowed.begin(), allowed.end(), base_url) != allowed.end();
  }

  std::map<std::string, Reply> replies;
  std::vector<std::string> allowed = {kServer};
  std::vector<Call> calls;
};

std::string Obs(const std::string& id, const std::string& patient = "p1",
                const std::string& extra = "") {
  return R"({"resourceType":"Observation","id":")" + id + R"(","subject":{"reference":"Patient/)" +
         patient + R"("})" + extra + "}";
}

std::string Searchset(const std::vector<std::string>& resources, const std::string& extra = "") {
  std::string s = R"({"resourceType":"Bundle","type":"searchset")" + extra + R"(,"entry":[)";
  for (size_t i = 0; i < resources.size(); ++i)
    s += (i ? ",{\"resource\":" : "{\"resource\":") + resources[i] + "}";
  return s + "]}";
}

struct RequestSpec {
  std::string prefetch = "{}";
  bool server = true;
  bool token = true;
  std::string server_url = kServer;
  std::string context = R"("patientId":"p1","userId":"Practitioner/u1")";
};

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : clock_(1'800'000'000'000) {
    auto k = config::LoadKnowledge(knowledge_dir_.path());
    EXPECT_THAT(k, IsOk());
    auto reg = ServiceRegistry::Build(std::move(k).value(), {});
    EXPECT_THAT(reg, IsOk());
    registry_ = std::move(reg).value();
    def_.id = "svc";
    def_.hook = "patient-view";
    for (auto [key, query] :
         {std::pair{"labs", "Observation?patient={{context.patientId}}&code=1-8"},
          {"meds", "MedicationRequest?patient={{context.patientId}}"},
          {"patient", "Patient/{{context.patientId}}"},
          {"encounter", "Encounter/{{context.encounterId}}"}}) {
      auto t = PrefetchTemplate::Parse(query);
      EXPECT_THAT(t, IsOk());
      service_.prefetch.push_back({key, std::move(t).value()});
    }
    service_.def = &def_;
    service_.hook = Hook::kPatientView;
  }

  const ScriptedRule* AddRule(const std::string& id, ScriptedRule::Script script) {
    rules_.push_back(std::make_unique<ScriptedRule>(id, std::move(script)));
    service_.rules.push_back(rules_.back().get());
    return rules_.back().get();
  }

  CdsRequest Request(const RequestSpec& spec = {}) {
    std::string text = R"({"hook":"patient-view","hookInstance":"hi-1",)";
    if (spec.server) text += R"("fhirServer":")" + spec.server_url + R"(",)";
    if (spec.token) {
      text +=
          R"("fhirAuthorization":{"access_token":"secret-token","token_type":"Bearer","expires_in":300,
                  "scope":"patient/*.read","subject":"cds"},)";
    }
    text += R"("context":{)" + spec.context + R"(},"prefetch":)" + spec.prefetch + "}";
    auto doc = json::ParseJson(text, json::JsonLimits{});
    EXPECT_THAT(doc, IsOk()) << text;
    auto r = CdsRequest::Parse(std::move(doc).value(), Hook::kPatientView);
    EXPECT_THAT(r, IsOk()) << text;
    return std::move(r).value();
  }

  StatusOr<HookResult> Run(const RequestSpec& spec = {}, fhir::FhirClient* client = nullptr,
                           bool no_client = false) {
    Engine engine(no_client ? nullptr : (client != nullptr ? client : &client_), clock_, options_);
    request_ = std::make_unique<CdsRequest>(Request(spec));
    return engine.Evaluate(*registry_, service_, *request_);
  }

  // The response as the EHR would receive it has no violations.
  static void ExpectValidResponse(const HookResult& r) {
    EXPECT_THAT(cards::Validate(r.Response()), IsOk());
    std::string body = cards::ToJson(r.Response());
    EXPECT_EQ(CdsResponseViolations(body), "") << body;
  }

  cds::testing::KnowledgeDir knowledge_dir_;
  std::shared_ptr<const ServiceRegistry> registry_;
  config::ServiceDef def_;
  CdsService service_;
  std::vector<std::unique_ptr<ScriptedRule>> rules_;
  FakeFhirClient client_;
  FixedClock clock_;
  EngineOptions options_;
  std::unique_ptr<CdsRequest> request_;
};

TEST_F(EngineTest, NoRulesNoCards) {
  auto r = Run();
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->cards, IsEmpty());
  EXPECT_EQ(cards::ToJson(r->Response()), R"({"cards":[]})");
}

TEST_F(EngineTest, NoPatientInContextAnswersNoCardsWithoutEvaluating) {
  const ScriptedRule* a = AddRule("a", FiresWith({}));
  RequestSpec spec;
  spec.context = R"("userId":"Practitioner/u1")";
  auto r = Run(spec);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->cards, IsEmpty());
  EXPECT_EQ(a->evaluations(), 0);
}

TEST_F(EngineTest, PrefetchedDataNeedsNoFetch) {
  const ScriptedRule* a = AddRule("a", FiresWith({"labs", "meds"}));
  RequestSpec spec;
  spec.prefetch = R"({"labs":)" + Searchset({Obs("o1"), Obs("o2")}) + R"(,"meds":null})";
  auto r = Run(spec);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->cards.size(), 1u);
  EXPECT_EQ(r->cards[0].card.summary, "counts labs=2 meds=0");
  EXPECT_THAT(r->RuleIds(), ElementsAre("a"));
  ASSERT_EQ(r->runs.size(), 1u);
  EXPECT_EQ(r->runs[0].kind, RuleOutcome::Kind::kFired);
  EXPECT_EQ(r->runs[0].cards, 1u);
  EXPECT_THAT(client_.calls, IsEmpty());
  EXPECT_EQ(r->fhir_queries, 0u);
  EXPECT_EQ(a->evaluations(), 1);
}

TEST_F(EngineTest, NeedsOfAllRulesAreFetchedTogetherInOneCall) {
  const ScriptedRule* a = AddRule("a", FiresWith({"labs", "meds"}));
  const ScriptedRule* b = AddRule("b", FiresWith({"meds", "patient"}));
  client_.replies[kLabsUrl] = {StatusCode::kOk, {Searchset({Obs("o1")})}, false};
  client_.replies[kMedsUrl] = {StatusCode::kOk, {Searchset({})}, false};
  client_.replies["Patient/p1"] = {
      StatusCode::kOk, {R"({"resourceType":"Patient","id":"p1"})"}, false};
  auto r = Run();
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(client_.calls.size(), 1u);  // one round, one concurrent FetchAll
  EXPECT_THAT(client_.calls[0].urls, ElementsAre(kLabsUrl, kMedsUrl, "Patient/p1"));  // "meds" once
  EXPECT_EQ(client_.calls[0].access.base_url, kServer);
  EXPECT_EQ(client_.calls[0].access.bearer_token, "secret-token");
  EXPECT_EQ(r->fhir_queries, 3u);
  EXPECT_EQ(a->evaluations(), 2);  // again once the data came back
  EXPECT_EQ(b->evaluations(), 2);
  ASSERT_EQ(r->cards.size(), 2u);
  EXPECT_EQ(r->cards[0].card.summary, "counts labs=1 meds=0");
  EXPECT_EQ(r->cards[1].card.summary, "counts meds=0 patient=1");
  EXPECT_THAT(r->RuleIds(), ElementsAre("a", "b"));
  ExpectValidResponse(*r);
}

TEST_F(EngineTest, OnlyPendingRulesAreEvaluatedAgain) {
  const ScriptedRule* done = AddRule("done", FiresWith({}));
  const ScriptedRule* waits = AddRule("waits", FiresWith({"labs"}));
  client_.replies[kLabsUrl] = {StatusCode::kOk, {Searchset({})}, false};
  auto r = Run();
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(done->evaluations(), 1);
  EXPECT_EQ(waits->evaluations(), 2);
  EXPECT_EQ(r->cards.size(), 2u);
}

TEST_F(EngineTest, FetchDeadlineIsTheConfiguredBudget) {
  AddRule("a", FiresWith({"labs"}));
  client_.replies[kLabsUrl] = {StatusCode::kOk, {Searchset({})}, false};
  options_.fhir_deadline_ms = 1234;
  auto before = std::chrono::steady_clock::now();
  auto r = Run();
  auto after = std::chrono::steady_clock::now();
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(client_.calls.size(), 1u);
  EXPECT_GE(client_.calls[0].deadline, before + std::chrono::milliseconds(1234));
  EXPECT_LE(client_.calls[0].deadline, after + std::chrono::milliseconds(1234));
}

// A rule that learns what to read from what it read: Observation -> its Medication.
TEST_F(EngineTest, ReEvaluatesUntilEveryReadIsDone) {
  AddRule("a", [](const RuleContext& ctx, RuleOutcome& out, int) {
    const auto* labs = ctx.Require("labs", out);
    if (labs == nullptr) return;
    ASSERT_EQ(labs->size(), 1u);
    Resolved med = ctx.Resolve(*labs->front(), "Medication/m1", out);
    if (med.resolution == Resolution::kFound) out.AddCard(CardOf("a", "found the medication"));
  });
  client_.replies[kLabsUrl] = {StatusCode::kOk, {Searchset({Obs("o1")})}, false};
  client_.replies["Medication/m1"] = {
      StatusCode::kOk, {R"({"resourceType":"Medication","id":"m1"})"}, false};
  auto r = Run();
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(client_.calls.size(), 2u);
  EXPECT_THAT(client_.calls[1].urls, ElementsAre("Medication/m1"));
  ASSERT_EQ(r->cards.size(), 1u);
  EXPECT_EQ(r->cards[0].card.summary, "found the medication");
}

ScriptedRule::Script AlwaysNeedsMore() {
  return [](const RuleContext& ctx, RuleOutcome& out, int evaluation) {
    ctx.Require("Medication/m" + std::to_string(evaluation), out);
  };
}

TEST_F(EngineTest, MaxRoundsBoundsTheFetching) {
  const ScriptedRule* a = AddRule("a", AlwaysNeedsMore());
  for (int i = 1; i < 9; ++i) {
    client_.replies["Medication/m" + std::to_string(i)] = {
        StatusCode::kOk, {R"({"resourceType":"Medication"})"}, false};
  }
  options_.max_rounds = 3;
  auto r = Run();
  EXPECT_EQ(a->evaluations(), 3);
  EXPECT_EQ(client_.calls.size(), 2u);  // between evaluations, never after the last
  EXPECT_THAT(r, StatusIs(StatusCode::kFailedPrecondition,
                          HasSubstr("Check a: data still missing after 2 rounds")));
}

TEST_F(EngineTest, OneRoundNeverFetches) {
  const ScriptedRule* a = AddRule("a", AlwaysNeedsMore());
  options_.max_rounds = 1;
  options_.on_data_unavailable = config::DataUnavailablePolicy::kCard;
  auto r = Run();
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(a->evaluations(), 1);
  EXPECT_THAT(client_.calls, IsEmpty());
  ASSERT_EQ(r->runs.size(), 1u);
  EXPECT_EQ(r->runs[0].kind, RuleOutcome::Kind::kNeedsData);
  EXPECT_EQ(OutcomeKindName(r->runs[0].kind), "needs_data");
}

struct CannotFetchCase {
  std::string name;
  RequestSpec spec;
  bool no_client;
  bool fetch_without_token;
  std::string reason;
};
void PrintTo(const CannotFetchCase& c, std::ostream* os) { *os << c.name; }

class EngineCannotFetch : public EngineTest,
                          public ::testing::WithParamInterface<CannotFetchCase> {};

TEST_P(EngineCannotFetch, IsUnavailableWithTheReason) {
  const CannotFetchCase& c = GetParam();
  AddRule("a", FiresWith({"labs"}));
  options_.fetch_without_token = c.fetch_without_token;
  auto r = Run(c.spec, nullptr, c.no_client);
  EXPECT_THAT(client_.calls, IsEmpty());
  // Needed data absent from prefetch and not fetchable -> 412.
  EXPECT_THAT(
      r,
      StatusIs(StatusCode::kFailedPrecondition,
               "data the rules need could not be obtained; Check a: labs: not in prefetch, and " +
                   c.reason));
}

RequestSpec Spec(bool server, bool token, std::string url = kServer) {
  RequestSpec s;
  s.server = server;
  s.token = token;
  s.server_url = std::move(url);
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    Reasons, EngineCannotFetch,
    ::testing::Values(CannotFetchCase{"NoClient", Spec(true, true), true, false,
                                      "this service is not configured to call FHIR servers"},
                      CannotFetchCase{"NoFhirServer", Spec(false, false), false, false,
                                      "the request has no fhirServer"},
                      CannotFetchCase{"NoFhirServerEvenWithoutTokenAllowed", Spec(false, false),
                                      false, true, "the request has no fhirServer"},
                      CannotFetchCase{"NotAllowListed",
                                      Spec(true, true, "https://other.example/fhir"), false, false,
                                      "the request's fhirServer is not on the allow-list"},
                      CannotFetchCase{"NoToken", Spec(true, false), false, false,
                                      "the request has no fhirAuthorization"}),
    [](const auto& row) { return row.param.name; });

TEST_F(EngineTest, FetchWithoutTokenWhenConfigured) {
  AddRule("a", FiresWith({"labs"}));
  client_.replies[kLabsUrl] = {StatusCode::kOk, {Searchset({})}, false};
  options_.fetch_without_token = true;
  auto r = Run(Spec(true, false));
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(client_.calls.size(), 1u);
  EXPECT_EQ(client_.calls[0].access.bearer_token, "");
  EXPECT_EQ(r->cards.size(), 1u);
}

struct FetchFailure {
  std::string name;
  FakeFhirClient::Reply reply;
  std::string reason;
};
void PrintTo(const FetchFailure& c, std::ostream* os) { *os << c.name; }

class EngineFetchFails : public EngineTest, public ::testing::WithParamInterface<FetchFailure> {};

TEST_P(EngineFetchFails, IsUnavailableNeverNoData) {
  const ScriptedRule* a = AddRule("a", FiresWith({"labs"}));
  client_.replies[kLabsUrl] = GetParam().reply;
  auto r = Run();
  EXPECT_THAT(r, StatusIs(StatusCode::kFailedPrecondition,
                          HasSubstr("Check a: labs: " + GetParam().reason)));
  EXPECT_EQ(a->evaluations(), 2);
}

INSTANTIATE_TEST_SUITE_P(
    Failures, EngineFetchFails,
    ::testing::Values(
        FetchFailure{"Unavailable", {StatusCode::kUnavailable, {}, false}, "fake: HTTP trouble"},
        FetchFailure{"Deadline", {StatusCode::kDeadlineExceeded, {}, false}, "fake: HTTP trouble"},
        FetchFailure{"Forbidden", {StatusCode::kPermissionDenied, {}, false}, "fake: HTTP trouble"},
        FetchFailure{"SearchNotFound", {StatusCode::kNotFound, {}, false}, "fake: HTTP trouble"},
        FetchFailure{"Truncated",
                     {StatusCode::kOk, {Searchset({Obs("o1")})}, true},
                     "the FHIR search had more pages than the configured page cap"},
        FetchFailure{
            "ErrorOutcomeInPage",
            {StatusCode::kOk,
             {Searchset({R"({"resourceType":"OperationOutcome","issue":[{"severity":"error",
                                        "code":"too-costly"}]})"})},
             false},
            "the search result carries an error OperationOutcome"}),
    [](const auto& row) { return row.param.name; });

TEST_F(EngineTest, ReadNotFoundIsNoData) {
  AddRule("a", FiresWith({"patient"}));
  client_.replies["Patient/p1"] = {StatusCode::kNotFound, {}, false};
  auto r = Run();
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->cards.size(), 1u);
  EXPECT_EQ(r->cards[0].card.summary, "counts patient=0");
}

TEST_F(EngineTest, PrefetchNextPageIsFollowed) {
  AddRule("a", FiresWith({"labs"}));
  std::string next = std::string(kServer) + "/Observation?patient=p1&page=2";
  RequestSpec spec;
  spec.prefetch =
      R"({"labs":)" +
      Searchset({Obs("o1")}, R"(,"link":[{"relation":"next","url":")" + next + R"("}])") + "}";
  client_.replies[next] = {StatusCode::kOk, {Searchset({Obs("o2"), Obs("o3")})}, false};
  auto r = Run(spec);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(client_.calls.size(), 1u);
  EXPECT_THAT(client_.calls[0].urls, ElementsAre(next));
  ASSERT_EQ(r->cards.size(), 1u);
  EXPECT_EQ(r->cards[0].card.summary, "counts labs=3");
}

TEST_F(EngineTest, PrefetchOperationOutcomeIsUnavailableAndNotRefetched) {
  AddRule("a", FiresWith({"labs"}));
  RequestSpec spec;
  spec.prefetch =
      R"({"labs":{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]}})";
  auto r = Run(spec);
  EXPECT_THAT(client_.calls, IsEmpty());
  EXPECT_THAT(
      r,
      StatusIs(
          StatusCode::kFailedPrecondition,
          HasSubstr(
              "Check a: labs: the EHR sent an OperationOutcome instead of data (error/timeout)")));
}

TEST_F(EngineTest, KeyWithoutQueryAndQueryThatCannotBeBuilt) {
  AddRule("a", FiresWith({"encounter", "vitals"}));
  auto r = Run();
  EXPECT_THAT(client_.calls, IsEmpty());
  EXPECT_THAT(r,
              StatusIs(StatusCode::kFailedPrecondition,
                       HasSubstr("encounter: cannot build its query: the request has no value for "
                                 "{{context.encounterId}}")));
  EXPECT_THAT(r, StatusIs(StatusCode::kFailedPrecondition,
                          HasSubstr("vitals: no query is defined for this data key")));
}

TEST_F(EngineTest, UnavailableDataWithAnotherRulesCardGivesCardsPlusInfoCard) {
  AddRule("a", FiresWith({"labs"}));
  AddRule("b", FiresWith({"meds"}));
  RequestSpec spec = Spec(false, false);
  spec.prefetch = R"({"labs":null})";
  auto r = Run(spec);  // policy "fail", but withholding a's card would be worse
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->cards.size(), 2u);
  EXPECT_EQ(r->cards[0].card.summary, "counts labs=0");
  EXPECT_THAT(r->RuleIds(), ElementsAre("a", "data-unavailable"));
  const cards::Card& info = r->cards[1].card;
  EXPECT_EQ(info.indicator, cards::Indicator::kInfo);
  EXPECT_EQ(info.summary, "Some checks could not be completed");
  EXPECT_EQ(info.source.label, "Test CDS");
  ASSERT_TRUE(info.source.topic.has_value());
  EXPECT_EQ(info.source.topic->system, "urn:test:rule");
  EXPECT_EQ(info.source.topic->code, "data-unavailable");
  EXPECT_THAT(info.detail, StartsWith("Data was **unavailable**.\n\n"));
  EXPECT_THAT(info.detail,
              HasSubstr("- Check b: meds: not in prefetch, and the request has no fhirServer\n"));
  EXPECT_THAT(info.detail, Not(HasSubstr("Check a")));
  ASSERT_EQ(r->runs.size(), 2u);
  EXPECT_EQ(r->runs[1].kind, RuleOutcome::Kind::kDataUnavailable);
  ExpectValidResponse(*r);
}

TEST_F(EngineTest, PolicyCardAnswersWithTheInfoCardAlone) {
  AddRule("a", FiresWith({"labs"}));
  options_.on_data_unavailable = config::DataUnavailablePolicy::kCard;
  auto r = Run(Spec(false, false));
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->cards.size(), 1u);
  EXPECT_THAT(r->RuleIds(), ElementsAre("data-unavailable"));
  EXPECT_THAT(r->cards[0].card.detail, HasSubstr("- Check a: labs: not in prefetch"));
  ExpectValidResponse(*r);
}

TEST_F(EngineTest, NotApplicableRulesNeedNoInfoCard) {
  AddRule("quiet",
          [](const RuleContext&, RuleOutcome& out, int) { out.NoteInsufficient("no unit"); });
  options_.on_data_unavailable = config::DataUnavailablePolicy::kCard;
  auto r = Run();
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->cards, IsEmpty());
  EXPECT_EQ(r->runs[0].kind, RuleOutcome::Kind::kInsufficientData);
  EXPECT_THAT(r->runs[0].notes, ElementsAre("no unit"));
}

TEST_F(EngineTest, InfoCardEscapesWhatItQuotes) {
  AddRule("a", [](const RuleContext&, RuleOutcome& out, int) {
    out.MarkUnavailable("x", "*bold* [link](u)");
  });
  options_.on_data_unavailable = config::DataUnavailablePolicy::kCard;
  auto r = Run();
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->cards[0].card.detail, HasSubstr("- Check a: x: \\*bold\\* \\[link\\](u)\n"));
}

struct ThrowCase {
  std::string name;
  std::function<void()> thrower;
};
void PrintTo(const ThrowCase& c, std::ostream* os) { *os << c.name; }

class EngineDegradedMode : public EngineTest, public ::testing::WithParamInterface<ThrowCase> {};

// Degraded mode: a rule's internal failure never hides the other rules' cards, is never
// silently "no card", and is never a 5xx.
TEST_P(EngineDegradedMode, OtherCardsKeptAndTheFailedCheckNamed) {
  auto thrower = GetParam().thrower;
  AddRule("before", FiresWith({}));
  AddRule("boom", [thrower](const RuleContext&, RuleOutcome& out, int) {
    out.AddCard(CardOf("boom", "half-built card"));
    thrower();
  });
  AddRule("after", FiresWith({}));
  auto r = Run();
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->cards.size(), 3u);
  EXPECT_THAT(r->RuleIds(), ElementsAre("before", "after", "data-unavailable"));
  EXPECT_THAT(r->cards[2].card.detail,
              HasSubstr("- Check boom: the check failed internally and was not made"));
  for (const RuleCard& c : r->cards) EXPECT_NE(c.card.summary, "half-built card");
  ASSERT_EQ(r->runs.size(), 3u);
  EXPECT_EQ(r->runs[1].rule_id, "boom");
  EXPECT_EQ(r->runs[1].cards, 0u);
  ExpectValidResponse(*r);
}

TEST_P(EngineDegradedMode, AloneIsAnInfoCardNotA412) {
  auto thrower = GetParam().thrower;
  AddRule("boom", [thrower](const RuleContext&, RuleOutcome&, int) { thrower(); });
  auto r = Run();  // policy "fail": still not 412, the failure is ours, not missing data
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->cards.size(), 1u);
  EXPECT_THAT(r->cards[0].card.detail, HasSubstr("Check boom: the check failed internally"));
}

INSTANTIATE_TEST_SUITE_P(
    Throws, EngineDegradedMode,
    ::testing::Values(
        ThrowCase{"RuntimeError", [] { throw std::runtime_error("bug"); }},
        ThrowCase{"OutOfRange", [] { (void)std::vector<int>().at(3); }},
        // Regression: only std::exception was caught; anything else escaped the engine.
        ThrowCase{"NotAStdException", [] { throw 42; }}),
    [](const auto& row) { return row.param.name; });

TEST_F(EngineTest, RuleThrowingAfterAFetchKeepsOtherCards) {
  AddRule("a", FiresWith({"labs"}));
  AddRule("b", [](const RuleContext& ctx, RuleOutcome& out, int) {
    if (ctx.Require("labs", out) != nullptr) throw std::logic_error("second round");
  });
  client_.replies[kLabsUrl] = {StatusCode::kOk, {Searchset({})}, false};
  auto r = Run();
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->RuleIds(), ElementsAre("a", "data-unavailable"));
}

TEST_F(EngineTest, ForeignResourcesAreDroppedAndCounted) {
  AddRule("a", FiresWith({"labs"}));
  RequestSpec spec;
  spec.prefetch = R"({"labs":)" + Searchset({Obs("o1"), Obs("o2", "someone-else")}) + "}";
  auto r = Run(spec);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->foreign_resources_dropped, 1u);
  EXPECT_EQ(r->cards[0].card.summary, "counts labs=1");
}

TEST_F(EngineTest, TooManyResourcesInTheRequestIsResourceExhausted) {
  AddRule("a", FiresWith({"labs"}));
  options_.max_resources = 2;
  RequestSpec spec;
  spec.prefetch = R"({"labs":)" + Searchset({Obs("o1"), Obs("o2"), Obs("o3")}) + "}";
  EXPECT_THAT(Run(spec),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("more than 2 FHIR resources")));
}

// A fetched answer over the resource limit makes that key unavailable; evaluation goes
// on, and what was indexed before the limit stays readable (regression: it was freed).
TEST_F(EngineTest, TooManyFetchedResourcesMakeTheKeyUnavailable) {
  AddRule("a", FiresWith({"labs"}));
  AddRule("b", [](const RuleContext& ctx, RuleOutcome& out, int evaluation) {
    if (evaluation == 1) {
      ctx.Require("labs", out);
      return;
    }
    json::Value from(rapidjson::kObjectType);
    Resolved o1 = ctx.Resolve(from, "Observation/o1", out);
    if (o1.resolution == Resolution::kFound && json::GetString(*o1.resource, "id") == "o1") {
      out.AddCard(CardOf("b", "o1 still readable"));
    }
  });
  options_.max_resources = 2;
  client_.replies[kLabsUrl] = {
      StatusCode::kOk, {Searchset({Obs("o1"), Obs("o2"), Obs("o3")})}, false};
  auto r = Run();
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->cards.size(), 2u);
  EXPECT_EQ(r->cards[0].card.summary, "o1 still readable");
  EXPECT_THAT(r->cards[1].card.detail,
              HasSubstr("Check a: labs: request carries more than 2 FHIR resources"));
}

// A rule that declares its data keys as a ClinicalRule does: reading any other fails it.
class DeclaringRule final : public Rule {
 public:
  DeclaringRule(std::vector<std::string> keys, std::vector<std::string> pv_keys,
                std::function<void(const RuleContext&, RuleOutcome&)> script)
      : Rule(Info(std::move(keys), std::move(pv_keys))), script_(std::move(script)) {}
  void Evaluate(const RuleContext& ctx, RuleOutcome& out) const override { script_(ctx, out); }

 private:
  static RuleInfo Info(std::vector<std::string> keys, std::vector<std::string> pv_keys) {
    RuleInfo info;
    info.id = "declaring";
    info.title = "Check declaring";
    info.hooks = {Hook::kPatientView, Hook::kOrderSelect, Hook::kOrderSign};
    info.data_keys = std::move(keys);
    info.patient_view_data_keys = std::move(pv_keys);
    info.reads_only_declared_keys = true;
    return info;
  }
  std::function<void(const RuleContext&, RuleOutcome&)> script_;
};

class EngineDeclaredKeysTest : public EngineTest {
 protected:
  void Use(std::vector<std::string> keys, std::vector<std::string> pv_keys,
           std::function<void(const RuleContext&, RuleOutcome&)> script) {
    declaring_ =
        std::make_unique<DeclaringRule>(std::move(keys), std::move(pv_keys), std::move(script));
    service_.rules.push_back(declaring_.get());
  }
  std::unique_ptr<DeclaringRule> declaring_;
};

TEST_F(EngineDeclaredKeysTest, ReadingDeclaredKeysAndFhirReadsIsFine) {
  Use({"labs"}, {"meds"}, [](const RuleContext& ctx, RuleOutcome& out) {
    if (ctx.Require("labs", out) == nullptr || ctx.Require("meds", out) == nullptr) return;
    json::Value from(rapidjson::kObjectType);
    ctx.Resolve(from, "Medication/m1", out);  // a FHIR read of a reference
  });
  RequestSpec spec;
  spec.prefetch = R"({"labs":null,"meds":null})";
  client_.replies["Medication/m1"] = {
      StatusCode::kOk, {R"({"resourceType":"Medication","id":"m1"})"}, false};
  auto r = Run(spec);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->runs.size(), 1u);
  EXPECT_EQ(r->runs[0].kind, RuleOutcome::Kind::kNotApplicable);
}

// Its services do not prefetch an undeclared key: a bug in the rule, named `failed`, logged,
// and shown as a check not made -- never read as "no data", never a 412.
TEST_F(EngineDeclaredKeysTest, ReadingAnUndeclaredKeyFailsTheRule) {
  std::vector<std::string> lines;
  SetLogSink([&lines](std::string_view l) { lines.emplace_back(l); });
  Use({"labs"}, {}, [](const RuleContext& ctx, RuleOutcome& out) {
    if (ctx.Require("labs", out) == nullptr) return;
    ctx.Require("meds", out);
  });
  RequestSpec spec;
  spec.prefetch = R"({"labs":null,"meds":null})";
  auto r = Run(spec);
  SetLogSink(nullptr);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->runs.size(), 1u);
  EXPECT_EQ(r->runs[0].kind, RuleOutcome::Kind::kFailed);
  EXPECT_EQ(OutcomeKindName(r->runs[0].kind), "failed");
  ASSERT_EQ(r->cards.size(), 1u);
  EXPECT_EQ(r->cards[0].rule_id, "data-unavailable");
  EXPECT_THAT(r->cards[0].card.detail, HasSubstr("Check declaring: the check failed internally"));
  bool logged = false;
  for (const std::string& l : lines) {
    logged = logged || (l.find("\"rule_failed\"") != std::string::npos &&
                        l.find("read undeclared data key meds") != std::string::npos);
  }
  EXPECT_TRUE(logged);
}

TEST_F(EngineDeclaredKeysTest, PatientViewKeysAreDeclaredOnPatientView) {
  Use({}, {"meds"}, [](const RuleContext& ctx, RuleOutcome& out) { ctx.Require("meds", out); });
  RequestSpec spec;
  spec.prefetch = R"({"meds":null})";
  auto r = Run(spec);  // patient-view: declared
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->runs[0].kind, RuleOutcome::Kind::kNotApplicable);
}

TEST_F(EngineTest, InsufficientDataNotesAreLoggedAtDebugAndKept) {
  std::vector<std::string> lines;
  LogLevel before = GetLogLevel();
  SetLogLevel(LogLevel::kDebug);
  SetLogSink([&lines](std::string_view l) { lines.emplace_back(l); });
  AddRule("unitless", [](const RuleContext&, RuleOutcome& out, int) {
    out.NoteInsufficient("latest IgM has no unit");
  });
  auto r = Run();
  SetLogSink(nullptr);
  SetLogLevel(before);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->runs[0].kind, RuleOutcome::Kind::kInsufficientData);
  EXPECT_EQ(OutcomeKindName(r->runs[0].kind), "insufficient_data");
  EXPECT_THAT(r->runs[0].notes, ElementsAre("latest IgM has no unit"));
  bool logged = false;
  for (const std::string& l : lines) {
    logged = logged || (l.find("\"rule_insufficient_data\"") != std::string::npos &&
                        l.find("\"level\":\"debug\"") != std::string::npos &&
                        l.find("latest IgM has no unit") != std::string::npos);
  }
  EXPECT_TRUE(logged) << "no debug line for the note";
}

TEST_F(EngineTest, AThrowingRuleIsNamedFailedNotNotApplicable) {
  AddRule("boom", [](const RuleContext&, RuleOutcome&, int) { throw std::runtime_error("bug"); });
  auto r = Run();
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->runs[0].kind, RuleOutcome::Kind::kFailed);
}

}  // namespace
}  // namespace cds::hooks
