// libFuzzer target "feedback": see FuzzFeedback in fuzz_entry_points.h.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_entry_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cds::fuzz::FuzzFeedback(data, size);
  return 0;
}
