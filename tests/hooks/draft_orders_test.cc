// hooks::DraftOrders: order-select targets the selections, order-sign every draft
// (the hooks' context fields), patient-view none.
#include "hooks/draft_orders.h"

#include "tests/support/status_matchers.h"

namespace cds::hooks {
namespace {

using ::cds::testing::IsOk;
using ::testing::ElementsAre;

constexpr char kOrders[] = R"({"resourceType":"Bundle","entry":[
  {"resource":{"resourceType":"MedicationRequest","id":"m1","subject":{"reference":"Patient/p1"}}},
  {"resource":{"resourceType":"ServiceRequest","id":"s1","subject":{"reference":"Patient/p1"}}},
  {"resource":{"resourceType":"MedicationRequest","subject":{"reference":"Patient/p1"}}},
  {"fullUrl":"urn:uuid:no-resource"},
  {"resource":"not an object"}]})";

CdsRequest Parse(const std::string& hook, const std::string& extra_context) {
  auto doc = json::ParseJson(R"({"hook":")" + hook +
                                 R"(","hookInstance":"h","context":{"patientId":"p1",)" +
                                 extra_context + "}}",
                             json::JsonLimits{});
  EXPECT_THAT(doc, IsOk());
  auto r = CdsRequest::Parse(std::move(doc).value(), *ParseHook(hook));
  EXPECT_THAT(r, IsOk());
  return std::move(r).value();
}

std::vector<std::string> Keys(const std::vector<const DraftOrder*>& orders) {
  std::vector<std::string> keys;
  for (const DraftOrder* o : orders) keys.push_back(o->key);
  return keys;
}

TEST(DraftOrders, OrderSelectTargetsOnlyTheSelections) {
  CdsRequest r =
      Parse("order-select",
            std::string(R"("selections":["ServiceRequest/s1","MedicationRequest/gone"],)") +
                R"("draftOrders":)" + kOrders);
  DraftOrders orders(r);
  ASSERT_EQ(orders.all().size(), 3u);  // entries without an object resource are skipped
  EXPECT_EQ(orders.all()[0].key, "MedicationRequest/m1");
  EXPECT_FALSE(orders.all()[0].selected);
  EXPECT_TRUE(orders.all()[1].selected);
  EXPECT_EQ(orders.all()[2].key, "MedicationRequest");  // no id: cannot be selected
  EXPECT_FALSE(orders.all()[2].selected);
  EXPECT_THAT(Keys(orders.Targets()), ElementsAre("ServiceRequest/s1"));  // "gone" matches nothing
  EXPECT_EQ(orders.Targets()[0]->resource, orders.all()[1].resource);
}

TEST(DraftOrders, OrderSelectWithNoSelectionsTargetsNothing) {
  CdsRequest r = Parse("order-select", std::string(R"("selections":[],"draftOrders":)") + kOrders);
  DraftOrders orders(r);
  EXPECT_EQ(orders.all().size(), 3u);
  EXPECT_TRUE(orders.Targets().empty());
}

TEST(DraftOrders, OrderSignTargetsEveryDraft) {
  CdsRequest r = Parse("order-sign", std::string(R"("draftOrders":)") + kOrders);
  DraftOrders orders(r);
  EXPECT_THAT(Keys(orders.Targets()),
              ElementsAre("MedicationRequest/m1", "ServiceRequest/s1", "MedicationRequest"));
}

TEST(DraftOrders, OrderSignIgnoresSelections) {
  // order-sign has no selections; a client that sends them anyway does not narrow the targets.
  CdsRequest r = Parse(
      "order-sign", std::string(R"("selections":["ServiceRequest/s1"],"draftOrders":)") + kOrders);
  DraftOrders orders(r);
  EXPECT_EQ(orders.Targets().size(), 3u);
}

TEST(DraftOrders, PatientViewHasNone) {
  CdsRequest r = Parse("patient-view", R"("userId":"Practitioner/u")");
  DraftOrders orders(r);
  EXPECT_TRUE(orders.all().empty());
  EXPECT_TRUE(orders.Targets().empty());
}

TEST(DraftOrders, EmptyBundle) {
  CdsRequest r = Parse("order-sign", R"("draftOrders":{"resourceType":"Bundle"})");
  DraftOrders orders(r);
  EXPECT_TRUE(orders.all().empty());
}

}  // namespace
}  // namespace cds::hooks
