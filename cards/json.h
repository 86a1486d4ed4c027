// Serialisation of the response model to CDS Hooks JSON.
//
// Optional members with no value are omitted, never written as null or empty
// ("links": [] and "systemActions": [] do not appear); `cards` is always present.
// Action resources are spliced in as raw JSON (they were serialised when built).
#pragma once

#include <string>

#include "cards/card.h"

namespace cds::cards {

std::string ToJson(const Response& response);
std::string ToJson(const Card& card);

}  // namespace cds::cards
