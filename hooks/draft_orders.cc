#include "hooks/draft_orders.h"

#include <algorithm>

#include "fhir/bundle.h"
#include "fhir/resource.h"

namespace cds::hooks {

DraftOrders::DraftOrders(const CdsRequest& request) {
  if (request.draft_orders() == nullptr) return;
  const auto& selections = request.selections();
  bool sign = request.hook() == Hook::kOrderSign;
  fhir::Bundle(*request.draft_orders()).ForEachEntry([&](const json::Value& r, std::string_view) {
    std::string key = fhir::ResourceView(r).Key();
    bool selected =
        sign || std::find(selections.begin(), selections.end(), key) != selections.end();
    orders_.push_back(DraftOrder{&r, std::move(key), selected});
  });
}

std::vector<const DraftOrder*> DraftOrders::Targets() const {
  std::vector<const DraftOrder*> out;
  for (const DraftOrder& o : orders_) {
    if (o.selected) out.push_back(&o);
  }
  return out;
}

}  // namespace cds::hooks
