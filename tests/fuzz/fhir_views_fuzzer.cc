// libFuzzer target "fhir_views": see FuzzFhirViews in fuzz_entry_points.h.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_entry_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cds::fuzz::FuzzFhirViews(data, size);
  return 0;
}
