// The diabetic-neuropathy rules over real-world-shaped records: Synthea-style patients
// generated here (years of encounters, claims, vital signs, labs, conditions of every
// status) and the real Synthea bundles of ../shared/fhir-samples/synthea (read at run
// time from $CDS_SHARED_DIR, never copied into the repository). Each bundle is turned
// into the service's prefetch the way a FHIR server would answer its queries: resources
// by type, Observations filtered by the query's codes. Every call must answer 200 with
// the right cards of the issue 3 diabetic rules.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "base/json.h"

#include "tests/hooks/rules/diabetic_neuropathy/diabetes_test_fixtures.h"
#include "tests/hooks/rules/diabetic_neuropathy/synthea_style_patients.h"
#include "tests/support/hook_harness.h"

namespace cds::testing::dpn {
namespace {

namespace fs = std::filesystem;

const std::set<std::string> kDiabeticRules = {
    "dpn-glycemic-control",    "dpn-pain-first-line",         "neuropathy-opioid",
    "dan-screening-due",       "dan-orthostatic-hypotension", "dan-gastroparesis-workup",
    "dan-resting-tachycardia", "neuropathy-reversible-causes"};

// ---- A patient record and its prefetch ---------------------------------------------------

struct Record {
  std::string patient_id;
  rapidjson::Document doc;  // {"entry":[{"fullUrl":..,"resource":..}]}
};

Record FromBundleText(const std::string& text) {
  Record r;
  r.doc.Parse(text.c_str(), text.size());
  if (r.doc.HasParseError() || !r.doc.IsObject() || !r.doc.HasMember("entry")) return r;
  for (const auto& e : r.doc["entry"].GetArray()) {
    const auto& res = e["resource"];
    if (Str(res, "resourceType") == "Patient") r.patient_id = Str(res, "id");
  }
  return r;
}

// The codes of a query's code= parameter ("system|code,system|code"); empty = no filter.
std::set<std::string> QueryCodes(const std::string& query) {
  std::set<std::string> codes;
  size_t p = query.find("code=");
  if (p == std::string::npos) return codes;
  std::string list = query.substr(p + 5, query.find('&', p) - (p + 5));
  std::stringstream s(list);
  for (std::string item; std::getline(s, item, ',');) codes.insert(item);
  return codes;
}

bool HasCode(const rapidjson::Value& res, const std::set<std::string>& codes) {
  if (codes.empty()) return true;
  if (!res.HasMember("code") || !res["code"].HasMember("coding")) return false;
  for (const auto& c : res["code"]["coding"].GetArray()) {
    if (codes.count(Str(c, "system") + "|" + Str(c, "code"))) return true;
  }
  return false;
}

// Every prefetch key of `service`, answered from the record. With `sloppy`, each search
// key gets every resource of the record (an EHR that ignores the query).
RequestBuilder PatientView(HookHarness& h, const Record& rec, bool sloppy = false) {
  RequestBuilder b("patient-view", rec.patient_id);
  const hooks::CdsService* svc = h.service().registry()->Find(kView);
  for (const hooks::PrefetchEntry& p : svc->prefetch) {
    const std::string& query = p.query.text();
    std::string type = query.substr(0, query.find_first_of("?/"));
    bool read = query.find('?') == std::string::npos;
    std::set<std::string> codes = QueryCodes(query);
    std::string bundle = R"({"resourceType":"Bundle","type":"searchset","entry":[)";
    std::string read_value = "null";
    bool first = true;
    for (const auto& e : rec.doc["entry"].GetArray()) {
      const auto& res = e["resource"];
      if (read) {
        if (Str(res, "resourceType") == type) read_value = json::Serialize(res);
        continue;
      }
      if (!sloppy && (Str(res, "resourceType") != type || !HasCode(res, codes))) continue;
      bundle += std::string(first ? "" : ",") + R"({"fullUrl":")" + Str(e, "fullUrl") +
                R"(","resource":)" + json::Serialize(res) + "}";
      first = false;
    }
    b.PrefetchRaw(p.key, read ? read_value : bundle + "]}");
  }
  return b;
}

std::set<std::string> DiabeticCards(const HookResponse& r) {
  std::set<std::string> ids;
  if (!r.doc.IsObject() || !r.doc.HasMember("cards")) return ids;
  for (const auto& c : r.doc["cards"].GetArray()) {
    std::string id = Str(c["source"]["topic"], "code");
    if (kDiabeticRules.count(id)) ids.insert(id);
  }
  return ids;
}

TEST(DiabeticNeuropathySyntheaStyleTest, ComplexPatientGetsEveryDueCard) {
  HookHarness& h = SharedHarness();
  Generator g = ComplexPatient();
  Record rec = FromBundleText(g.BundleText());
  ASSERT_EQ(rec.patient_id, g.id());
  ASSERT_GT(rec.doc["entry"].Size(), 600u);  // real-world size: hundreds of resources
  auto r = h.Call(kView, PatientView(h, rec));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 2000);
  EXPECT_EQ(
      DiabeticCards(r),
      (std::set<std::string>{"dpn-glycemic-control", "dpn-pain-first-line", "neuropathy-opioid",
                             "dan-orthostatic-hypotension", "dan-gastroparesis-workup",
                             "dan-resting-tachycardia", "neuropathy-reversible-causes"}));
  EXPECT_TRUE(
      Contains(Str(*r.OnlyCard("dpn-glycemic-control"), "summary"), "HbA1c 8.3 % on 2026-10-15"));
  EXPECT_TRUE(Contains(Str(*r.OnlyCard("dpn-pain-first-line"), "summary"), "depression"));
  EXPECT_TRUE(Contains(Str(*r.OnlyCard("dpn-pain-first-line"), "detail"), "earlier trial"));
  EXPECT_TRUE(Contains(Str(*r.OnlyCard("dan-resting-tachycardia"), "summary"), "104 /min"));
  EXPECT_EQ(
      Str(*r.OnlyCard("neuropathy-reversible-causes"), "summary"),
      "Neuropathy: reversible-cause tests not done in 12 months: TSH, Vitamin B6, Folate, SPEP");
}

TEST(DiabeticNeuropathySyntheaStyleTest, ManagedPatientOnlyNeedsScreening) {
  HookHarness& h = SharedHarness();
  Generator g = ManagedPatient();
  Record rec = FromBundleText(g.BundleText());
  auto r = h.Call(kView, PatientView(h, rec));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 2000);
  EXPECT_EQ(DiabeticCards(r), (std::set<std::string>{"dan-screening-due"}));
}

TEST(DiabeticNeuropathySyntheaStyleTest, EhrIgnoringTheQueriesChangesNothing) {
  // Every resource (claims, encounters, EOBs included) in every search key.
  for (Generator g : {ComplexPatient(), ManagedPatient()}) {
    HookHarness& h = SharedHarness();
    Record rec = FromBundleText(g.BundleText());
    auto tidy = h.Call(kView, PatientView(h, rec));
    auto sloppy = h.Call(kView, PatientView(h, rec, /*sloppy=*/true));
    ASSERT_EQ(sloppy.status, 200) << g.id();
    EXPECT_EQ(DiabeticCards(sloppy), DiabeticCards(tidy)) << g.id();
  }
}

// ---- The real Synthea bundles ------------------------------------------------------------

fs::path SyntheaDir() {
  const char* env = std::getenv("CDS_SHARED_DIR");
  return fs::path(env != nullptr ? env : CDS_SHARED_DIR) / "fhir-samples" / "synthea";
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<fs::path> FindBundle(std::string_view prefix) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(SyntheaDir(), ec)) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) return e.path();
  }
  return std::nullopt;
}

#define REQUIRE_SYNTHEA()                                                           \
  if (!fs::is_directory(SyntheaDir())) {                                            \
    GTEST_SKIP() << "Synthea samples not found at " << SyntheaDir()                 \
                 << " (set CDS_SHARED_DIR to the directory holding fhir-samples/)"; \
  }

struct RealCase {
  std::string prefix;
  std::string now;
  std::set<std::string> cards;
  std::string reversible_missing;
};

class RealSyntheaTable : public ::testing::TestWithParam<RealCase> {};

const std::set<std::string> kNoRecentCare = {"dpn-glycemic-control", "dan-screening-due",
                                             "neuropathy-reversible-causes"};
const std::string kAllSix = "HbA1c, Vitamin B12, TSH, Vitamin B6, Folate, SPEP";

TEST_P(RealSyntheaTable, NeuropathyDueToType2Diabetes) {
  REQUIRE_SYNTHEA();
  const RealCase& c = GetParam();
  auto path = FindBundle(c.prefix);
  ASSERT_TRUE(path.has_value()) << c.prefix << " not in " << SyntheaDir();
  Record rec = FromBundleText(ReadFile(*path));
  ASSERT_FALSE(rec.patient_id.empty()) << *path;
  HookHarness& h = SharedHarness(c.now);
  auto r = h.Call(kView, PatientView(h, rec));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 2000);
  EXPECT_EQ(DiabeticCards(r), c.cards);
  if (c.cards.count("dpn-glycemic-control")) {
    EXPECT_TRUE(Contains(Str(*r.OnlyCard("dpn-glycemic-control"), "summary"),
                         "no HbA1c in the last 6 months"));
  }
  const auto* reversible = r.OnlyCard("neuropathy-reversible-causes");
  ASSERT_NE(reversible, nullptr);
  EXPECT_EQ(Str(*reversible, "summary"),
            "Neuropathy: reversible-cause tests not done in 12 months: " + c.reversible_missing);
  EXPECT_TRUE(Contains(Str(*reversible, "detail"), "368581000119106") ||
              Contains(Str(*reversible, "detail"), "Neuropathy due to type 2 diabetes mellitus"));
}

INSTANTIATE_TEST_SUITE_P(
    Bundles, RealSyntheaTable,
    ::testing::Values(
        RealCase{"sod-Renato_Dare_", "2026-11-25T12:00:00Z", kNoRecentCare, kAllSix},
        RealCase{"sod-Dirk_Kuhlman_", "2026-11-25T12:00:00Z", kNoRecentCare, kAllSix},
        RealCase{"sod-Truman_Wiegand_", "2026-11-25T12:00:00Z", kNoRecentCare, kAllSix},
        RealCase{"sod-Stewart_Stanton_", "2026-11-25T12:00:00Z", kNoRecentCare, kAllSix},
        // A month after Dirk's last HbA1c (3.0 % on 2021-03-02): controlled and recent.
        RealCase{"sod-Dirk_Kuhlman_",
                 "2021-04-01T12:00:00Z",
                 {"dan-screening-due", "neuropathy-reversible-causes"},
                 "Vitamin B12, TSH, Vitamin B6, Folate, SPEP"}),
    [](const auto& row) {
      std::string name = row.param.prefix.substr(4, row.param.prefix.size() - 5) + "_" +
                         row.param.now.substr(0, 4);
      return name;
    });

TEST(RealSyntheaTest, EveryPatientBundleAnswers200) {
  REQUIRE_SYNTHEA();
  size_t patients = 0;
  for (const auto& e : fs::directory_iterator(SyntheaDir())) {
    if (e.path().extension() != ".json") continue;
    Record rec = FromBundleText(ReadFile(e.path()));
    if (rec.patient_id.empty()) continue;  // organisation / practitioner bundles
    ++patients;
    HookHarness& h = SharedHarness();
    auto r = h.Call(kView, PatientView(h, rec));
    EXPECT_EQ(r.status, 200) << e.path() << ": " << r.body.substr(0, 500);
    auto cards = DiabeticCards(r);
    bool diabetic_neuropathy = Contains(ReadFile(e.path()), "368581000119106");
    if (!diabetic_neuropathy) {
      for (const char* id : {"dpn-glycemic-control", "dpn-pain-first-line", "neuropathy-opioid",
                             "neuropathy-reversible-causes"}) {
        EXPECT_FALSE(cards.count(id)) << id << " for " << e.path();
      }
    }
  }
  EXPECT_GT(patients, 10u);
}

}  // namespace
}  // namespace cds::testing::dpn
