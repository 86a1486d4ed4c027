// Replays every committed fuzz input -- the seed corpora (corpus/<target>/) and the inputs
// that once crashed a target (regressions/<target>/) -- through the entry points the
// libFuzzer targets use, so a fixed crash stays fixed in every ordinary test run, with
// any compiler and without libFuzzer. A crash or a broken invariant aborts the test
// binary; the last "replaying" line on stderr names the input.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/fuzz/fuzz_entry_points.h"

namespace cds::fuzz {
namespace {

namespace fs = std::filesystem;

const fs::path kFuzzDir = CDS_FUZZ_DIR;
constexpr const char* kInputFolders[] = {"corpus", "regressions"};

std::vector<fs::path> InputsOf(std::string_view target) {
  std::vector<fs::path> inputs;
  for (const char* folder : kInputFolders) {
    fs::path dir = kFuzzDir / folder / target;
    if (!fs::is_directory(dir)) continue;
    for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
      if (e.is_regular_file()) inputs.push_back(e.path());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class FuzzReplayTest : public ::testing::TestWithParam<FuzzTarget> {};

TEST_P(FuzzReplayTest, EveryCommittedInputRunsClean) {
  const FuzzTarget& target = GetParam();
  std::vector<fs::path> inputs = InputsOf(target.name);
  ASSERT_FALSE(inputs.empty()) << "no seeds under corpus/" << target.name;
  for (const fs::path& path : inputs) {
    std::fprintf(stderr, "replaying %s\n", fs::relative(path, kFuzzDir).c_str());
    std::string bytes = ReadBytes(path);
    target.run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplayTest, ::testing::ValuesIn(AllTargets()),
                         [](const ::testing::TestParamInfo<FuzzTarget>& target) {
                           return std::string(target.param.name);
                         });

// A folder under corpus/ or regressions/ without a target would never be replayed.
TEST(FuzzReplayLayoutTest, EveryInputFolderBelongsToATarget) {
  std::set<std::string, std::less<>> names;
  for (const FuzzTarget& t : AllTargets()) names.emplace(t.name);
  for (const char* folder : kInputFolders) {
    fs::path dir = kFuzzDir / folder;
    if (!fs::is_directory(dir)) continue;
    for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
      EXPECT_TRUE(names.count(e.path().filename().string()) == 1)
          << folder << "/" << e.path().filename().string() << " names no fuzz target";
    }
  }
}

}  // namespace
}  // namespace cds::fuzz
