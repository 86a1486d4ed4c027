// Test helpers: a scratch directory, and a small valid knowledge directory in one, so a
// test states only the file it is about.
//
// TempDir creates a fresh directory under $TMPDIR (or /tmp) and removes it, with its
// contents, when destroyed. Not thread-safe; one per test.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include <stdlib.h>

namespace cds::testing {

class TempDir {
 public:
  TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/cds-test-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << tmpl;
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view relative) const {
    return path_ + "/" + std::string(relative);
  }

  // Writes `content` to `relative`, creating parent directories.
  void Write(std::string_view relative, std::string_view content) const {
    std::filesystem::path p = PathOf(relative);
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) ADD_FAILURE() << "cannot write " << p;
  }
  void Remove(std::string_view relative) const {
    std::error_code ec;
    std::filesystem::remove(PathOf(relative), ec);
  }

 private:
  std::string path_;
};

inline constexpr std::string_view kTestMetaJson = R"({
  "_comment": "Test knowledge.",
  "version": "test-1",
  "publisher": "Test CDS",
  "rule_system": "urn:test:rule",
  "override_system": "urn:test:override",
  "systems": {"loinc": "http://loinc.org", "rxnorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
              "snomed": "http://snomed.info/sct", "atc": "http://www.whocc.no/atc"},
  "unavailable_card": {"summary": "Some checks could not be completed",
                       "detail": "Data was **unavailable**."}
})";

// A knowledge directory holding `files` (relative path -> content); meta.json is the test
// meta unless `files` replaces it.
class KnowledgeDir : public TempDir {
 public:
  explicit KnowledgeDir(const std::map<std::string, std::string>& files = {}) {
    Write("meta.json", kTestMetaJson);
    for (const auto& [name, content] : files) Write(name, content);
  }
};

}  // namespace cds::testing
