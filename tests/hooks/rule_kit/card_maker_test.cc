// hooks::CardMaker and its helpers: every card carries a fresh uuid, the rule's topic,
// source, override reasons and links; summaries are cut at a code-point boundary with an
// ellipsis; text from the EHR is Markdown-escaped.
#include "hooks/rule_kit/card_maker.h"

#include "base/uuid.h"

#include "cards/json.h"

#include "tests/support/cds_response_validator.h"
#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::CdsResponseViolations;
using ::cds::testing::IsOk;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kEllipsis[] = "\xE2\x80\xA6";

class CardMakerTest : public ::testing::Test {
 protected:
  CardMakerTest() {
    knowledge_.rule_system = "urn:test:rule";
    knowledge_.override_system = "urn:test:override";
    citation_ = {"aasld", "AASLD 2018", "https://www.aasld.org/", "Terrault NA et al."};
    basics_.id = "hbv-serology-missing";
    basics_.title = "HBV serology before rituximab";
    basics_.citation = &citation_;
    basics_.override_reasons = {{"urn:test:override", "tested-elsewhere", "Tested elsewhere"}};
    basics_.links = {
        {"Guideline", "https://www.aasld.org/guideline", cards::LinkType::kAbsolute, "", {}}};
  }

  config::Knowledge knowledge_;
  config::Citation citation_;
  RuleBasics basics_;
};

TEST_F(CardMakerTest, EveryCardCarriesTheRuleIdentity) {
  CardMaker maker(basics_, knowledge_);
  EXPECT_EQ(maker.rule_id(), "hbv-serology-missing");
  cards::Card c = maker.Make(cards::Indicator::kWarning, "HBsAg missing", "Order **HBsAg**.", {});
  EXPECT_TRUE(IsUuid(c.uuid)) << c.uuid;
  EXPECT_EQ(c.summary, "HBsAg missing");
  EXPECT_EQ(c.indicator, cards::Indicator::kWarning);
  EXPECT_EQ(c.source.label, "AASLD 2018");
  EXPECT_EQ(c.source.url, "https://www.aasld.org/");
  ASSERT_TRUE(c.source.topic.has_value());
  EXPECT_EQ(c.source.topic->system, "urn:test:rule");
  EXPECT_EQ(c.source.topic->code, "hbv-serology-missing");
  EXPECT_EQ(c.source.topic->display, "HBV serology before rituximab");
  ASSERT_EQ(c.override_reasons.size(), 1u);
  EXPECT_EQ(c.override_reasons[0].display, "Tested elsewhere");
  ASSERT_EQ(c.links.size(), 1u);
  EXPECT_EQ(c.links[0].url, "https://www.aasld.org/guideline");
  EXPECT_THAT(c.detail, StartsWith("Order **HBsAg**."));
  EXPECT_THAT(c.detail, Not(HasSubstr("Based on")));
  EXPECT_THAT(c.detail, EndsWith("_Rule `hbv-serology-missing` \xC2\xB7 AASLD 2018_"));
  EXPECT_THAT(cards::Validate(c), IsOk());
}

TEST_F(CardMakerTest, UuidsAreFreshPerCard) {
  CardMaker maker(basics_, knowledge_);
  cards::Card a = maker.Make(cards::Indicator::kInfo, "a", "", {});
  cards::Card b = maker.Make(cards::Indicator::kInfo, "b", "", {});
  EXPECT_NE(a.uuid, b.uuid);
}

TEST_F(CardMakerTest, CitationWithoutUrlLeavesSourceUrlOut) {
  citation_.url.clear();
  basics_.override_reasons.clear();
  basics_.links.clear();
  CardMaker maker(basics_, knowledge_);
  cards::Response r;
  r.cards.push_back(maker.Make(cards::Indicator::kInfo, "Summary", "Body", {}));
  EXPECT_TRUE(r.cards[0].source.url.empty());
  std::string body = cards::ToJson(r);
  EXPECT_EQ(CdsResponseViolations(body), "") << body;
  EXPECT_EQ(body.find("\"url\""), std::string::npos);
}

TEST_F(CardMakerTest, EvidenceIsListedAndTheCardIsAValidResponse) {
  CardMaker maker(basics_, knowledge_);
  auto when = fhir::ParseFhirDateTime("2026-01-02");
  ASSERT_THAT(when, IsOk());
  std::vector<Evidence> evidence = {
      {"MedicationRequest/mr1", "Rituximab *ordered*", *when, ""},
      {"", "No HBsAg on file", std::nullopt, "looked back 12 months"},
  };
  cards::Response r;
  r.cards.push_back(maker.Make(cards::Indicator::kWarning, "HBsAg missing", "Order it.", evidence));
  EXPECT_THAT(r.cards[0].detail,
              HasSubstr("Order it.\n\n**Based on**\n"
                        "- `MedicationRequest/mr1`: Rituximab \\*ordered\\* (2026-01-02)\n"
                        "- No HBsAg on file, looked back 12 months\n"));
  std::string body = cards::ToJson(r);
  EXPECT_EQ(CdsResponseViolations(body), "") << body;
}

TEST_F(CardMakerTest, LongSummaryIsCutNotDropped) {
  CardMaker maker(basics_, knowledge_);
  std::string summary;
  for (int i = 0; i < 150; ++i) summary += "\xC3\xA9";  // é, two bytes each
  cards::Card c = maker.Make(cards::Indicator::kInfo, summary, "", {});
  EXPECT_EQ(cards::Utf8CodePoints(c.summary), cards::kMaxSummaryChars);
  EXPECT_THAT(c.summary, EndsWith(kEllipsis));
  EXPECT_THAT(cards::Validate(c), IsOk());
}

struct TruncateCase {
  std::string name;
  std::string in;
  size_t max;
  std::string out;
};
void PrintTo(const TruncateCase& c, std::ostream* os) { *os << c.name; }

class Truncate : public ::testing::TestWithParam<TruncateCase> {};

TEST_P(Truncate, AtCodePointBoundary) {
  EXPECT_EQ(TruncateChars(GetParam().in, GetParam().max), GetParam().out);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Truncate,
    ::testing::Values(TruncateCase{"Empty", "", 3, ""}, TruncateCase{"Shorter", "ab", 3, "ab"},
                      TruncateCase{"Exact", "abc", 3, "abc"},
                      TruncateCase{"OneOver", "abcd", 3, std::string("ab") + kEllipsis},
                      TruncateCase{"ExactMultibyte", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 3,
                                   "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"},
                      // Cut after the 2nd code point, never inside the 4-byte emoji.
                      TruncateCase{"MultibyteOver", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z", 3,
                                   std::string("\xC3\xA9\xE2\x82\xAC") + kEllipsis},
                      TruncateCase{"EmojiAtCut",
                                   "a\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 3,
                                   std::string("a\xF0\x9F\x98\x80") + kEllipsis},
                      TruncateCase{"OneChar", "abc", 1, kEllipsis}),
    [](const auto& row) { return row.param.name; });

struct EscapeCase {
  std::string name;
  std::string in;
  std::string out;
};
void PrintTo(const EscapeCase& c, std::ostream* os) { *os << c.name; }

class Escape : public ::testing::TestWithParam<EscapeCase> {};

TEST_P(Escape, MarkdownControlCharacters) {
  EXPECT_EQ(EscapeMarkdown(GetParam().in), GetParam().out);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Escape,
    ::testing::Values(
        EscapeCase{"Plain", "HBsAg negative 0.5 IU/mL", "HBsAg negative 0.5 IU/mL"},
        EscapeCase{"Emphasis", "*bold* _it_", "\\*bold\\* \\_it\\_"},
        EscapeCase{"Link", "[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))"},
        EscapeCase{"Html", "<script>x</script>", "\\<script\\>x\\</script\\>"},
        EscapeCase{"Heading", "# Heading", "\\# Heading"},
        EscapeCase{"Code", "`rm -rf`", "\\`rm -rf\\`"}, EscapeCase{"Table", "a|b", "a\\|b"},
        EscapeCase{"Backslash", "a\\b", "a\\\\b"},
        // A newline would start a new Markdown block (list, heading, quote).
        EscapeCase{"Newlines", "line1\n# line2\r\n- x", "line1 \\# line2  - x"},
        EscapeCase{"Utf8Kept", "\xC2\xB5g/L \xE2\x89\xA5 5", "\xC2\xB5g/L \xE2\x89\xA5 5"}),
    [](const auto& row) { return row.param.name; });

TEST(EvidenceMarkdown, Shapes) {
  auto when = fhir::ParseFhirDateTime("2025-11");
  ASSERT_THAT(when, IsOk());
  EXPECT_EQ(
      (Evidence{"Observation/o1", "Serum IgM 5 g/dL", *when, "at or above 4 g/dL"}.ToMarkdown()),
      "- `Observation/o1`: Serum IgM 5 g/dL (2025-11), at or above 4 g/dL");
  EXPECT_EQ((Evidence{"", "No HBsAg on file", std::nullopt, ""}.ToMarkdown()),
            "- No HBsAg on file");
  EXPECT_EQ((Evidence{"", "a_b", std::nullopt, "<i>"}.ToMarkdown()), "- a\\_b, \\<i\\>");
}

// Regression: the reference went into a code span as written by the EHR; a backtick in
// an id ended the span and let the rest render as live Markdown (a link, here).
TEST(EvidenceMarkdown, ReferenceCannotBreakOutOfItsCodeSpan) {
  Evidence e{"Observation/x` [click](https://evil.example) `", "IgM", std::nullopt, ""};
  std::string md = e.ToMarkdown();
  EXPECT_THAT(md, Not(HasSubstr("[click]")));
  EXPECT_THAT(md, HasSubstr("\\[click\\]"));
  Evidence newline{"Observation/x\n# Heading", "IgM", std::nullopt, ""};
  EXPECT_THAT(newline.ToMarkdown(), Not(HasSubstr("\n")));
}

}  // namespace
}  // namespace cds::hooks
