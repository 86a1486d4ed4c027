// Rule neuropathy-opioid (warning): painful neuropathy and an opioid. One rule, two
// triggers, chosen by ctx.hook():
//   patient-view              an active/on-hold MedicationRequest or a current
//                             MedicationStatement for an opioid;
//   order-select / order-sign an opioid among the target draft orders (selected ones
//                             for order-select, all for order-sign).
// Opioids are the `opioids` value set: ATC N02A (prefix) and the opioid ingredients,
// matched inline or through medicationReference / Medication.ingredient.
//
// Painful neuropathy is either a current painful-neuropathy Condition, or any current
// neuropathy (`neuropathy`) while a neuropathic-pain drug (`neuropathic_pain_drugs`) is
// current or drafted in the same order session: the neuropathy is then being treated
// for pain. A neuropathy with neither is not assumed painful, so an opioid given for
// another pain (surgery, fracture) in a patient with painless neuropathy does not fire.
//
// Order hooks: each triggering draft order with an id gets a suggestion to delete it
// (selectionBehavior any). Never fires on data it could not read.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeNeuropathyOpioid(const RuleBuildContext& ctx);

}  // namespace cds::hooks
