// DraftOrders: the unsigned orders of an order-select or order-sign call.
//
// order-select guidance focuses on the orders the clinician just selected
// (context.selections); the other drafts are context. order-sign covers every draft.
// A selection that matches no draft order is ignored. Views into the request.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"

#include "hooks/request.h"

namespace cds::hooks {

struct DraftOrder {
  const json::Value* resource;
  std::string key;  // "MedicationRequest/123"
  bool selected;    // order-select: in selections; order-sign: always true
};

class DraftOrders {
 public:
  explicit DraftOrders(const CdsRequest& request);

  // The orders guidance is about: selected ones for order-select, all for order-sign,
  // none for patient-view.
  std::vector<const DraftOrder*> Targets() const;
  // Every draft order, selected or not (e.g. an antiviral drafted alongside).
  const std::vector<DraftOrder>& all() const { return orders_; }

 private:
  std::vector<DraftOrder> orders_;
};

}  // namespace cds::hooks
