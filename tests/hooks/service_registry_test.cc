// hooks::ServiceRegistry::Build on small fixture knowledge with fake rule implementations:
// services and their rules in order, prefetch per hook, discovery, and every build error.
#include "hooks/service_registry.h"

#include <map>

#include "base/status_macros.h"

#include "config/knowledge.h"

#include "tests/config/temp_knowledge.h"
#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::IsOk;
using ::cds::testing::KnowledgeDir;
using ::cds::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FakeRule final : public Rule {
 public:
  explicit FakeRule(RuleInfo info) : Rule(std::move(info)) {}
  void Evaluate(const RuleContext&, RuleOutcome&) const override {}
};

// A rule whose hooks and data keys come from its knowledge file.
StatusOr<std::unique_ptr<Rule>> MakeFake(const RuleBuildContext& ctx) {
  CDS_RETURN_IF_ERROR(ctx.CheckKeys({"hooks", "data_keys", "patient_view_data_keys", "fail"}));
  const config::Node& n = ctx.section();
  if (n.Has("fail")) return n.ErrorAt("fail", "this fake rule refuses its settings");
  RuleInfo info;
  info.id = ctx.basics().id;
  info.title = ctx.basics().title;
  CDS_ASSIGN_OR_RETURN(std::vector<std::string> hooks, n.StringListOr("hooks"));
  if (hooks.empty()) hooks = {"patient-view", "order-select", "order-sign"};
  for (const std::string& h : hooks) info.hooks.push_back(*ParseHook(h));
  CDS_ASSIGN_OR_RETURN(info.data_keys, n.StringListOr("data_keys"));
  CDS_ASSIGN_OR_RETURN(info.patient_view_data_keys, n.StringListOr("patient_view_data_keys"));
  info.citation_id = ctx.basics().citation->id;
  return std::unique_ptr<Rule>(new FakeRule(std::move(info)));
}

const std::vector<RuleRegistration>& Fakes() {
  static const std::vector<RuleRegistration> fakes = {{"rule-a", &MakeFake},
                                                      {"rule-b", &MakeFake},
                                                      {"rule-pv", &MakeFake},
                                                      {"rule-off", &MakeFake}};
  return fakes;
}

using Files = std::map<std::string, std::string>;

Files BaseFiles() {
  return {
      {"citations/c.json", R"({"cite": {"label": "Cite", "reference": "Ref"}})"},
      {"valuesets/v.json",
       R"({"hbv": {"description": "d", "codes": [{"system": "loinc", "code": "5196-1", "display": "HBsAg", "source": "s"}]}})"},
      {"prefetch/p.json", R"({
        "labs": {"query": "Observation?patient={{context.patientId}}&code=${codes:hbv}", "description": "d"},
        "meds": {"query": "MedicationRequest?patient={{context.patientId}}", "description": "d"},
        "patient": {"query": "Patient/{{context.patientId}}", "description": "d"},
        "unused": {"query": "Encounter/{{context.encounterId}}", "description": "d"}})"},
      {"rules/rule-a.json",
       R"({"id": "rule-a", "title": "A", "description": "d", "citation": "cite", "data_keys": ["labs", "meds"]})"},
      {"rules/rule-b.json",
       R"({"id": "rule-b", "title": "B", "description": "d", "citation": "cite",
                               "data_keys": ["meds"], "patient_view_data_keys": ["patient"]})"},
      {"rules/rule-pv.json",
       R"({"id": "rule-pv", "title": "PV", "description": "d", "citation": "cite", "hooks": ["patient-view"]})"},
      {"rules/rule-off.json",
       R"({"id": "rule-off", "title": "Off", "description": "d", "citation": "cite",
                                 "enabled": false, "hooks": ["patient-view"], "data_keys": ["nowhere"]})"},
      {"services/s.json", R"({"services": [
        {"id": "svc-view", "hook": "patient-view", "title": "View", "description": "Chart open",
         "usageRequirements": "Send prefetch", "rules": ["rule-a", "rule-b", "rule-pv", "rule-off"]},
        {"id": "svc-sign", "hook": "order-sign", "title": "Sign", "description": "Signing",
         "rules": ["rule-b", "rule-a", "rule-off"]}]})"},
  };
}

StatusOr<std::shared_ptr<const ServiceRegistry>> Build(
    const Files& changes, const std::vector<RuleRegistration>& impls = Fakes()) {
  Files files = BaseFiles();
  for (const auto& [name, content] : changes) files[name] = content;
  KnowledgeDir dir(files);
  auto k = config::LoadKnowledge(dir.path());
  if (!k.ok()) return k.status();
  return ServiceRegistry::Build(std::move(k).value(), impls);
}

std::vector<std::string> RuleIds(const CdsService& s) {
  std::vector<std::string> ids;
  for (const Rule* r : s.rules) ids.push_back(r->info().id);
  return ids;
}

TEST(ServiceRegistry, BuildsServicesInOrderWithPrefetchPerHook) {
  auto reg = Build({});
  ASSERT_THAT(reg, IsOk());
  const ServiceRegistry& r = **reg;
  ASSERT_EQ(r.services().size(), 2u);
  const CdsService* view = r.Find("svc-view");
  ASSERT_NE(view, nullptr);
  EXPECT_EQ(view->id(), "svc-view");
  EXPECT_EQ(view->hook, Hook::kPatientView);
  EXPECT_THAT(RuleIds(*view),
              ElementsAre("rule-a", "rule-b", "rule-pv"));  // disabled rule-off left out
  EXPECT_THAT(view->PrefetchKeys(), ElementsAre("labs", "meds", "patient"));
  ASSERT_NE(view->FindPrefetch("labs"), nullptr);
  EXPECT_EQ(view->FindPrefetch("labs")->query.text(),
            "Observation?patient={{context.patientId}}&code=http://loinc.org|5196-1");
  EXPECT_EQ(view->FindPrefetch("unused"), nullptr);
  const CdsService* sign = r.Find("svc-sign");
  ASSERT_NE(sign, nullptr);
  EXPECT_THAT(RuleIds(*sign), ElementsAre("rule-b", "rule-a"));
  EXPECT_THAT(sign->PrefetchKeys(),
              ElementsAre("meds", "labs"));  // patient-view-only keys not here
  EXPECT_EQ(r.Find("nope"), nullptr);
  EXPECT_EQ(r.rules().size(), 3u);
  EXPECT_NE(r.FindRule("rule-pv"), nullptr);
  EXPECT_EQ(r.FindRule("rule-off"), nullptr);
  EXPECT_EQ(r.knowledge().publisher, "Test CDS");
}

TEST(ServiceRegistry, DiscoveryDocument) {
  auto reg = Build({});
  ASSERT_THAT(reg, IsOk());
  auto doc = json::ParseJson((*reg)->discovery_json(), json::JsonLimits{});
  ASSERT_THAT(doc, IsOk());
  const json::Value& services = (**doc)["services"];
  ASSERT_EQ(services.Size(), 2u);
  const json::Value& view = services[0];
  EXPECT_EQ(json::GetString(view, "id"), "svc-view");
  EXPECT_EQ(json::GetString(view, "hook"), "patient-view");
  EXPECT_EQ(json::GetString(view, "title"), "View");
  EXPECT_EQ(json::GetString(view, "description"), "Chart open");
  EXPECT_EQ(json::GetString(view, "usageRequirements"), "Send prefetch");
  const json::Value* prefetch = json::GetObject(view, "prefetch");
  ASSERT_NE(prefetch, nullptr);
  EXPECT_EQ(prefetch->MemberCount(), 3u);
  EXPECT_EQ(json::GetString(*prefetch, "patient"), "Patient/{{context.patientId}}");
  // An optional member with no value is omitted, never null or empty.
  EXPECT_FALSE(services[1].HasMember("usageRequirements"));
}

TEST(ServiceRegistry, ServiceWithoutRulesHasNoPrefetch) {
  auto reg = Build(
      {{"services/s.json", R"({"services": [{"id": "empty", "hook": "order-select", "title": "E",
                                          "description": "No rules yet", "rules": []}]})"}});
  ASSERT_THAT(reg, IsOk());
  EXPECT_TRUE((*reg)->Find("empty")->rules.empty());
  EXPECT_EQ((*reg)->discovery_json().find("prefetch"), std::string::npos);  // no "prefetch": {}
}

TEST(ServiceRegistry, DefaultBuildUsesTheRealRuleList) {
  KnowledgeDir dir(BaseFiles());
  auto k = config::LoadKnowledge(dir.path());
  ASSERT_THAT(k, IsOk());
  EXPECT_THAT(ServiceRegistry::Build(*k),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("no rule implementation is named 'rule-a'")));
}

struct BuildError {
  std::string name;
  Files changes;
  std::string message;
};
void PrintTo(const BuildError& c, std::ostream* os) { *os << c.name; }

class ServiceRegistryRejects : public ::testing::TestWithParam<BuildError> {};

TEST_P(ServiceRegistryRejects, NamingTheProblem) {
  EXPECT_THAT(Build(GetParam().changes),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ServiceRegistryRejects,
    ::testing::Values(
        BuildError{
            "RuleDoesNotRunOnTheHook",
            {{"services/s.json",
              R"({"services": [{"id": "svc-sign", "hook": "order-sign", "title": "S",
                       "description": "d", "rules": ["rule-a", "rule-pv"]}]})"}},
            "knowledge/services: service 'svc-sign': rule 'rule-pv' does not run on order-sign"},
        BuildError{
            "DataKeyWithoutPrefetchTemplate",
            {{"rules/rule-a.json",
              R"({"id": "rule-a", "title": "A", "description": "d", "citation": "cite",
                       "data_keys": ["labs", "vitals"]})"}},
            "knowledge/services: service 'svc-view': its rules read data key 'vitals', which no "
            "knowledge/prefetch/*.json defines"},
        BuildError{"PatientViewDataKeyWithoutPrefetchTemplate",
                   {{"rules/rule-b.json",
                     R"({"id": "rule-b", "title": "B", "description": "d", "citation": "cite",
                       "patient_view_data_keys": ["exposure"]})"}},
                   "service 'svc-view': its rules read data key 'exposure'"},
        BuildError{
            "UnknownHook",
            {{"services/s.json", R"({"services": [{"id": "x", "hook": "patient-open", "title": "X",
                       "description": "d", "rules": []}]})"}},
            "knowledge/services: service 'x': hook 'patient-open' is not patient-view, "
            "order-select or order-sign"},
        BuildError{"RuleWithoutImplementation",
                   {{"rules/rule-x.json", R"({"id": "rule-x"})"}},
                   "knowledge/rules/rule-x.json: no rule implementation is named 'rule-x'"},
        BuildError{"RuleBasicsError",
                   {{"rules/rule-a.json",
                     R"({"id": "rule-a", "title": "A", "description": "d", "citation": "nope"})"}},
                   "knowledge/rules/rule-a.json: $.citation: unknown citation 'nope'"},
        BuildError{
            "RuleFactoryError",
            {{"rules/rule-a.json",
              R"({"id": "rule-a", "title": "A", "description": "d", "citation": "cite", "fail": true})"}},
            "knowledge/rules/rule-a.json: $.fail: this fake rule refuses its settings"},
        BuildError{
            "RuleMisspeltKey",
            {{"rules/rule-a.json",
              R"({"id": "rule-a", "title": "A", "description": "d", "citation": "cite", "data_key": []})"}},
            "knowledge/rules/rule-a.json: $.data_key: unknown setting for this rule (misspelt?)"},
        BuildError{
            "DisabledRuleIsStillValidated",
            {{"rules/rule-off.json", R"({"id": "rule-off", "title": "Off", "description": "d",
                       "citation": "cite", "enabled": false, "fail": true})"}},
            "knowledge/rules/rule-off.json: $.fail"},
        BuildError{"AbsolutePrefetchTemplate",
                   {{"prefetch/p.json", R"({
                      "labs": {"query": "https://ehr.example/fhir/Observation?patient={{context.patientId}}", "description": "d"},
                      "meds": {"query": "MedicationRequest?patient={{context.patientId}}", "description": "d"},
                      "patient": {"query": "Patient/{{context.patientId}}", "description": "d"}})"}},
                   "knowledge/prefetch: labs: prefetch template must be a relative FHIR URL"},
        BuildError{"PrefetchTokenNotAllowed",
                   {{"prefetch/p.json", R"({
                      "labs": {"query": "Observation?patient={{context.patientId}}", "description": "d"},
                      "meds": {"query": "MedicationRequest?context={{context.medication}}", "description": "d"},
                      "patient": {"query": "Patient/{{context.patientId}}", "description": "d"}})"}},
                   "knowledge/prefetch: meds: prefetch token {{context.medication}} is not one the "
                   "hooks provide"}),
    [](const auto& row) { return row.param.name; });

}  // namespace
}  // namespace cds::hooks
