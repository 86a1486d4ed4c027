// Helpers shared by the fhir/ unit tests: parse inline JSON, load the shared FHIR samples.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/civil_time.h"
#include "base/json.h"

namespace cds::fhir::testing {

// Parses test JSON; a parse failure is a test failure and yields a `null` document.
inline std::unique_ptr<json::Document> Json(std::string_view text) {
  auto doc = json::ParseJson(text, json::JsonLimits{});
  if (!doc.ok()) {
    ADD_FAILURE() << "bad test JSON: " << doc.status().ToString() << "\n" << text;
    return std::make_unique<json::Document>();
  }
  return std::move(doc).value();
}

// UTC instant for expectations.
inline EpochMillis Utc(int y, int mo, int d, int hh = 0, int mi = 0, int ss = 0, int ms = 0) {
  return DaysFromCivil(y, mo, d) * 86'400'000LL + ((hh * 60 + mi) * 60 + ss) * 1000LL + ms;
}

inline std::string SamplesDir() { return std::string(CDS_SHARED_DIR "/fhir-samples"); }
inline bool SamplesAvailable() { return std::filesystem::is_directory(SamplesDir()); }

// Reads and parses `SamplesDir()/relative`; a missing or malformed file is a test failure.
inline std::unique_ptr<json::Document> LoadSample(const std::string& relative) {
  std::ifstream in(SamplesDir() + "/" + relative, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot open " << SamplesDir() << "/" << relative;
    return std::make_unique<json::Document>();
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return Json(ss.str());
}

}  // namespace cds::fhir::testing

// Skips the current test when the shared reference samples are not checked out beside the repo.
#define CDS_REQUIRE_SAMPLES()                                                           \
  do {                                                                                  \
    if (!::cds::fhir::testing::SamplesAvailable()) {                                    \
      GTEST_SKIP() << ::cds::fhir::testing::SamplesDir()                                \
                   << " is absent: real-file tests need the shared FHIR sample folder"; \
    }                                                                                   \
  } while (0)
