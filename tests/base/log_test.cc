#include "base/log.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace cds {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogSink([this](std::string_view line) { lines_.emplace_back(line); });
    SetLogLevel(LogLevel::kInfo);
  }
  void TearDown() override { SetLogSink(nullptr); }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, WritesOneJsonObjectPerLine) {
  CDS_LOG(kInfo, "hook_evaluated").Field("service", "svc").Field("ms", 1.5).Field("cards", 2);
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].back(), '\n');
  rapidjson::Document d;
  d.Parse(lines_[0].c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["event"].GetString(), "hook_evaluated");
  EXPECT_STREQ(d["level"].GetString(), "info");
  EXPECT_EQ(d["cards"].GetInt(), 2);
}

TEST_F(LogTest, DropsLinesBelowLevel) {
  CDS_LOG(kDebug, "noise");
  EXPECT_TRUE(lines_.empty());
  SetLogLevel(LogLevel::kDebug);
  CDS_LOG(kDebug, "noise");
  EXPECT_EQ(lines_.size(), 1u);
}

TEST_F(LogTest, HostileValuesCannotBreakTheLine) {
  std::string evil = "a\"}\n{\"level\":\"error\"\\";
  evil.push_back('\0');
  evil += "\xC0\xAF";  // overlong '/'
  CDS_LOG(kWarn, "x").Field("v", evil);
  ASSERT_EQ(lines_.size(), 1u);
  // Exactly one newline, at the end.
  EXPECT_EQ(lines_[0].find('\n'), lines_[0].size() - 1);
  rapidjson::Document d;
  d.Parse(lines_[0].c_str());
  ASSERT_FALSE(d.HasParseError()) << lines_[0];
  EXPECT_STREQ(d["level"].GetString(), "warn");
  std::string v(d["v"].GetString(), d["v"].GetStringLength());
  EXPECT_EQ(v.substr(0, 2), "a\"");
  EXPECT_NE(v.find("\xEF\xBF\xBD"), std::string::npos);
}

}  // namespace
}  // namespace cds
