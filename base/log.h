// Structured logging: one JSON object per line.
//
// Lines carry an event name and typed fields. What goes in is chosen at the call site;
// by project rule it is hookInstance, service, rule ids, status, timings and counts,
// never access tokens, JWTs or resource contents. LogLine escapes every string, so a
// hostile value cannot forge a line.
//
// Thread-safe: lines are assembled per call and written under one mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace cds {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

std::string_view LogLevelName(LogLevel level);
bool ParseLogLevel(std::string_view name, LogLevel* out);

// Lines below this level are dropped. Default kInfo.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

// Replaces the destination of finished lines (default: stderr). Pass nullptr to restore.
using LogSink = std::function<void(std::string_view line)>;
void SetLogSink(LogSink sink);

class LogLine {
 public:
  LogLine(LogLevel level, std::string_view event);
  ~LogLine();
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;

  LogLine& Field(std::string_view key, std::string_view value);
  LogLine& Field(std::string_view key, const char* value) {
    return Field(key, std::string_view(value));
  }
  LogLine& Field(std::string_view key, const std::string& value) {
    return Field(key, std::string_view(value));
  }
  LogLine& Field(std::string_view key, int64_t value);
  LogLine& Field(std::string_view key, int value) { return Field(key, int64_t{value}); }
  LogLine& Field(std::string_view key, size_t value) { return Field(key, int64_t(value)); }
  LogLine& Field(std::string_view key, double value);
  LogLine& Field(std::string_view key, bool value);

 private:
  void Key(std::string_view key);
  bool enabled_;
  std::string buf_;
};

// Appends `s` to `out` as a JSON string literal body (no quotes), escaping controls,
// quotes and backslashes; invalid UTF-8 bytes become U+FFFD.
void AppendJsonEscaped(std::string& out, std::string_view s);

}  // namespace cds

#define CDS_LOG(level, event) ::cds::LogLine(::cds::LogLevel::level, event)
