// Draft orders that a card's suggestions create: ServiceRequests for tests and
// procedures, MedicationRequests for drugs, built from knowledge-file specs.
//
// Every resource is a draft (status "draft", intent "order") for the request's patient,
// with the encounter and the requesting user when the context names them, so the
// clinician reviews and signs it in the EHR as any other order.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

#include "cards/card.h"
#include "config/binder.h"
#include "config/knowledge.h"
#include "config/node.h"

#include "hooks/request.h"
#include "hooks/rule_kit/rule_basics.h"

namespace cds::hooks {

struct OrderSpec {
  std::string label;  // short name shown in text ("HBsAg")
  config::CodeEntry code;
};

struct DoseSpec {
  double value = 0;
  std::string unit;  // UCUM
};

struct FrequencySpec {
  int count = 1;            // times ...
  double period = 1;        // ... per period
  std::string period_unit;  // UCUM time unit: h, d, wk, mo
};

struct MedicationSpec {
  std::string label;  // suggestion button text
  config::CodeEntry medication;
  DoseSpec dose;
  std::optional<config::CodeEntry> route;
  FrequencySpec frequency;
  std::string text;  // the full instruction, as a clinician writes it
};

// {"label": "...", "code": {code entry}}
const config::Schema<OrderSpec>& OrderSpecSchema();
// {"label", "medication", "dose": {"value","unit"}, "route"?, "frequency":
// {"count","period","period_unit"}, "text"}
const config::Schema<MedicationSpec>& MedicationSpecSchema();
StatusOr<OrderSpec> ParseOrderSpec(const RuleBuildContext& ctx, const config::Node& n);
StatusOr<MedicationSpec> ParseMedicationSpec(const RuleBuildContext& ctx, const config::Node& n);

std::string ServiceRequestJson(const CdsRequest& request, const config::CodeEntry& code);
std::string MedicationRequestJson(const CdsRequest& request, const MedicationSpec& spec);

cards::Action CreateAction(std::string description, std::string resource_json);

// A suggestion (with a fresh uuid) that creates the MedicationRequest of `spec`.
cards::Suggestion MedicationSuggestion(const CdsRequest& request, const MedicationSpec& spec,
                                       bool recommended);
// A suggestion that creates one ServiceRequest per order; the actions apply together.
cards::Suggestion OrdersSuggestion(const CdsRequest& request, std::string label,
                                   const std::vector<const OrderSpec*>& orders, bool recommended);
// OrdersSuggestion for one order, labelled "Order <label>".
cards::Suggestion ServiceRequestSuggestion(const CdsRequest& request, const OrderSpec& spec,
                                           bool recommended);

}  // namespace cds::hooks
