// Feedback over real HTTP, counted in the SQLite file.
#include "tests/integration/http_protocol_support.h"

namespace cds::testing {
namespace {

struct IssuedCard {
  std::string hook_instance, card_uuid, suggestion_uuid, rule_id;
};

class FeedbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer();
    ASSERT_NE(server_, nullptr);
  }

  // A hook call that issues the hbv-serology-missing card (rituximab selected, no serology).
  IssuedCard IssueCard(const std::string& hook_instance) {
    IssuedCard out;
    out.hook_instance = hook_instance;
    HookResponse r = CallHook(*server_, kSelect,
                              RequestBuilder("order-select")
                                  .HookInstance(hook_instance)
                                  .DraftOrder(RituximabDraft())
                                  .Build(PrefetchKeys(*server_, kSelect)));
    EXPECT_EQ(r.status, 200) << r.body;
    const rapidjson::Value* card = r.OnlyCard("hbv-serology-missing");
    if (card == nullptr) return out;
    out.rule_id = "hbv-serology-missing";
    out.card_uuid = (*card)["uuid"].GetString();
    EXPECT_TRUE(card->HasMember("suggestions")) << r.body;
    if (card->HasMember("suggestions"))
      out.suggestion_uuid = (*card)["suggestions"][0]["uuid"].GetString();
    return out;
  }

  httplib::Result PostFeedback(const std::string& body, const std::string& service = kSelect) {
    return Send(*server_, "POST", "/cds-services/" + service + "/feedback", body);
  }

  static std::string Accepted(const IssuedCard& c,
                              const std::string& when = "2026-11-25T12:05:00Z") {
    return R"({"feedback":[{"card":)" + JsonQuote(c.card_uuid) +
           R"(,"outcome":"accepted","acceptedSuggestions":[{"id":)" + JsonQuote(c.suggestion_uuid) +
           R"(}],"outcomeTimestamp":)" + JsonQuote(when) + "}]}";
  }
  static std::string Overridden(const std::string& card, const std::string& when,
                                const std::string& extra = "") {
    return R"({"feedback":[{"card":)" + JsonQuote(card) +
           R"(,"outcome":"overridden","outcomeTimestamp":)" + JsonQuote(when) + extra + "}]}";
  }

  void ExpectOk(const httplib::Result& res, const std::string& what) {
    ASSERT_TRUE(res) << what;
    EXPECT_EQ(res->status, 200) << what << ": " << res->body;
    EXPECT_THAT(res->get_header_value("Content-Type"), ::testing::StartsWith("application/json"))
        << what;
    rapidjson::Document d;
    d.Parse(res->body.c_str());
    EXPECT_TRUE(!d.HasParseError() && d.IsObject()) << what << ": " << res->body;
  }

  std::unique_ptr<TestServer> server_;
};

TEST_F(FeedbackTest, AcceptedFeedbackIsStoredWithTheCardsOrigin) {
  IssuedCard card = IssueCard("8f0e7e39-5f0e-4d43-9a1c-feedback0001");
  ASSERT_FALSE(card.card_uuid.empty());
  ExpectOk(PostFeedback(Accepted(card)), "accepted feedback");
  Db db(server_->db_path());
  auto rows = db.Query(
      "SELECT service_id, card_uuid, outcome, outcome_timestamp, accepted_suggestions, card_known, "
      "hook_instance, "
      "card_service_id, rule_id FROM feedback");
  ASSERT_EQ(rows.size(), 1u);
  auto& row = rows[0];
  EXPECT_EQ(row["service_id"], kSelect);
  EXPECT_EQ(row["card_uuid"], card.card_uuid);
  EXPECT_EQ(row["outcome"], "accepted");
  EXPECT_EQ(row["outcome_timestamp"], "2026-11-25T12:05:00Z");
  ASSERT_TRUE(row["accepted_suggestions"].has_value());
  EXPECT_THAT(*row["accepted_suggestions"], HasSubstr(card.suggestion_uuid));
  EXPECT_EQ(row["card_known"], "1");
  EXPECT_EQ(row["hook_instance"], card.hook_instance);
  EXPECT_EQ(row["card_service_id"], kSelect);
  EXPECT_EQ(row["rule_id"], "hbv-serology-missing");
}

TEST_F(FeedbackTest, OverrideReasonAndCommentAreStored) {
  IssuedCard card = IssueCard("8f0e7e39-5f0e-4d43-9a1c-feedback0002");
  ASSERT_FALSE(card.card_uuid.empty());
  ExpectOk(PostFeedback(Overridden(
               card.card_uuid, "2026-11-25T12:06:00Z",
               R"(,"overrideReason":{"reason":{"system":"urn:neuro-cds:override-reason",)"
               R"("code":"already-ordered","display":"Already ordered; awaiting result"},)"
               R"("userComment":"drawn this morning"})")),
           "overridden feedback");
  Db db(server_->db_path());
  auto rows = db.Query(
      "SELECT outcome, override_system, override_code, override_display, user_comment, rule_id "
      "FROM feedback");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["outcome"], "overridden");
  EXPECT_EQ(rows[0]["override_system"], "urn:neuro-cds:override-reason");
  EXPECT_EQ(rows[0]["override_code"], "already-ordered");
  EXPECT_EQ(rows[0]["override_display"], "Already ordered; awaiting result");
  EXPECT_EQ(rows[0]["user_comment"], "drawn this morning");
  EXPECT_EQ(rows[0]["rule_id"], "hbv-serology-missing");
}

TEST_F(FeedbackTest, SameFeedbackTwiceIsOneRowEvenWithTheTimestampWrittenDifferently) {
  IssuedCard card = IssueCard("8f0e7e39-5f0e-4d43-9a1c-feedback0003");
  ASSERT_FALSE(card.card_uuid.empty());
  ExpectOk(PostFeedback(Accepted(card, "2026-11-25T12:05:00Z")), "first");
  ExpectOk(PostFeedback(Accepted(card, "2026-11-25T12:05:00Z")), "verbatim repeat");
  ExpectOk(PostFeedback(Accepted(card, "2026-11-25T12:05:00.000Z")), "with milliseconds");
  ExpectOk(PostFeedback(Accepted(card, "2026-11-25T13:05:00+01:00")), "with an offset");
  Db db(server_->db_path());
  EXPECT_EQ(db.Count(), 1);
  EXPECT_EQ(db.Count("card_uuid = ?", {card.card_uuid}), 1);
}

TEST_F(FeedbackTest, DifferentOutcomeOrTimestampIsAnotherRow) {
  IssuedCard card = IssueCard("8f0e7e39-5f0e-4d43-9a1c-feedback0004");
  ASSERT_FALSE(card.card_uuid.empty());
  ExpectOk(PostFeedback(Accepted(card, "2026-11-25T12:05:00Z")), "accepted");
  ExpectOk(PostFeedback(Overridden(card.card_uuid, "2026-11-25T12:05:00Z")),
           "overridden, same time");
  ExpectOk(PostFeedback(Accepted(card, "2026-11-25T12:05:01Z")), "accepted, a second later");
  Db db(server_->db_path());
  EXPECT_EQ(db.Count(), 3);
  EXPECT_EQ(db.Count("outcome = 'accepted'"), 2);
  EXPECT_EQ(db.Count("outcome = 'overridden'"), 1);
}

TEST_F(FeedbackTest, FeedbackForACardNeverIssuedIsStoredAsUnknown) {
  const std::string uuid = "00000000-0000-4000-8000-00000000dead";
  ExpectOk(PostFeedback(Overridden(uuid, "2026-11-25T12:00:00Z")), "unknown card");
  Db db(server_->db_path());
  auto rows = db.Query(
      "SELECT card_known, hook_instance, rule_id, service_id FROM feedback WHERE card_uuid = ?",
      {uuid});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["card_known"], "0");
  EXPECT_EQ(rows[0]["hook_instance"], std::nullopt);
  EXPECT_EQ(rows[0]["rule_id"], std::nullopt);
  EXPECT_EQ(rows[0]["service_id"], kSelect);
}

TEST_F(FeedbackTest, FeedbackThroughAnotherServiceOfTheSameCardKeepsTheIssuingService) {
  IssuedCard card = IssueCard("8f0e7e39-5f0e-4d43-9a1c-feedback0005");
  ASSERT_FALSE(card.card_uuid.empty());
  ExpectOk(PostFeedback(Overridden(card.card_uuid, "2026-11-25T12:00:00Z"), kSign),
           "via order-sign");
  Db db(server_->db_path());
  auto rows = db.Query("SELECT service_id, card_service_id, hook_instance FROM feedback");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["service_id"], kSign);
  EXPECT_EQ(rows[0]["card_service_id"], kSelect);
  EXPECT_EQ(rows[0]["hook_instance"], card.hook_instance);
}

struct BadFeedback {
  BadFeedback(std::string n, std::string b, std::string d)
      : name(std::move(n)), body(std::move(b)), diagnostics{std::move(d)} {}
  BadFeedback(std::string n, std::string b, std::vector<std::string> d)
      : name(std::move(n)), body(std::move(b)), diagnostics(std::move(d)) {}
  std::string name;
  std::string body;
  std::vector<std::string> diagnostics;  // each must appear
};

TEST_F(FeedbackTest, InvalidShapesAre400NamingTheProblemAndStoreNothing) {
  const std::string ts = R"("outcomeTimestamp":"2026-11-25T12:00:00Z")";
  const std::vector<BadFeedback> cases = {
      {"MissingCard", R"({"feedback":[{"outcome":"overridden",)" + ts + "}]}",
       "feedback[0].card is required"},
      {"CardNotAString", R"({"feedback":[{"card":7,"outcome":"overridden",)" + ts + "}]}",
       "feedback[0].card must be a non-empty string"},
      {"BadOutcome", R"({"feedback":[{"card":"c1","outcome":"ignored",)" + ts + "}]}",
       "feedback[0].outcome must be \"accepted\" or \"overridden\""},
      {"MissingOutcome", R"({"feedback":[{"card":"c1",)" + ts + "}]}",
       "feedback[0].outcome is required"},
      {"AcceptedWithoutSuggestions",
       R"({"feedback":[{"card":"c1","outcome":"accepted",)" + ts + "}]}",
       "feedback[0].acceptedSuggestions is required when outcome is accepted"},
      {"AcceptedWithEmptySuggestions",
       R"({"feedback":[{"card":"c1","outcome":"accepted","acceptedSuggestions":[],)" + ts + "}]}",
       "feedback[0].acceptedSuggestions must be a non-empty array"},
      {"BadTimestamp",
       R"({"feedback":[{"card":"c1","outcome":"overridden","outcomeTimestamp":"yesterday"}]})",
       "feedback[0].outcomeTimestamp must be an RFC 3339 date-time"},
      {"DateOnlyTimestamp",
       R"({"feedback":[{"card":"c1","outcome":"overridden","outcomeTimestamp":"2026-11-25"}]})",
       "feedback[0].outcomeTimestamp must be an RFC 3339 date-time"},
      {"MissingTimestamp", R"({"feedback":[{"card":"c1","outcome":"overridden"}]})",
       "feedback[0].outcomeTimestamp is required"},
      {"OverrideReasonNotAnObject",
       R"({"feedback":[{"card":"c1","outcome":"overridden","overrideReason":"x",)" + ts + "}]}",
       "feedback[0].overrideReason must be an object"},
      {"EmptyFeedbackArray", R"({"feedback":[]})", "feedback must be a non-empty array"},
      {"FeedbackNotAnArray", R"({"feedback":{}})", "feedback must be a non-empty array"},
      {"NoFeedbackMember", R"({"card":"c1"})", "feedback is required"},
      {"BodyNotAnObject", R"([{"card":"c1"}])", "feedback body must be a JSON object"},
      {"ItemNotAnObject", R"({"feedback":["c1"]})", "feedback[0] must be an object"},
      {"InvalidJson", R"({"feedback":[)", "invalid JSON"},
  };
  for (const BadFeedback& c : cases) {
    auto res = PostFeedback(c.body);
    ASSERT_TRUE(IsOperationOutcome(res, 400, "invalid")) << c.name;
    for (const std::string& want : c.diagnostics)
      EXPECT_THAT(DiagnosticsOf(res->body), HasSubstr(want)) << c.name;
  }
  Db db(server_->db_path());
  EXPECT_EQ(db.Count(), 0);
  ExpectStillServing(*server_, "bad feedback");
}

TEST_F(FeedbackTest, ABatchWithOneBadItemStoresNothing) {
  IssuedCard card = IssueCard("8f0e7e39-5f0e-4d43-9a1c-feedback0006");
  ASSERT_FALSE(card.card_uuid.empty());
  std::string body =
      R"({"feedback":[{"card":)" + JsonQuote(card.card_uuid) +
      R"(,"outcome":"overridden","outcomeTimestamp":"2026-11-25T12:00:00Z"},)"
      R"({"card":"c2","outcome":"accepted","outcomeTimestamp":"2026-11-25T12:00:00Z"}]})";
  ASSERT_TRUE(
      IsOperationOutcome(PostFeedback(body), 400, "invalid", {"feedback[1].acceptedSuggestions"}));
  Db db(server_->db_path());
  EXPECT_EQ(db.Count(), 0);
  // The good item alone is then stored.
  ExpectOk(PostFeedback(Overridden(card.card_uuid, "2026-11-25T12:00:00Z")), "good item alone");
  EXPECT_EQ(db.Count(), 1);
}

TEST_F(FeedbackTest, UnknownServiceIs404AndStoresNothing) {
  auto res = PostFeedback(Overridden("c1", "2026-11-25T12:00:00Z"), "no-such-service");
  ASSERT_TRUE(IsOperationOutcome(res, 404, "not-found", {"no CDS service"}));
  Db db(server_->db_path());
  EXPECT_EQ(db.Count(), 0);
}

}  // namespace
}  // namespace cds::testing
