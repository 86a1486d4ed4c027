// Realistic order-select requests of a chosen size, for the benchmarks and the load test.
//
// A selected rituximab draft order with complete prefetch (negative recent HBV serology,
// an IgM result, medication orders), padded with the kind of history real EHRs send --
// Observations and MedicationRequests for the same patient -- until the body reaches the
// requested size. Every rituximab rule runs; nothing needs fetching.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace cds::bench {

// `null_keys`: further prefetch keys the service declares, sent as null ("no data").
std::string MakeOrderSelectRequest(size_t target_bytes,
                                   const std::vector<std::string>& null_keys = {});

}  // namespace cds::bench
