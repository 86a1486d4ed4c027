// Checked access to RapidJSON values, and a parser with limits.
//
// RapidJSON's GetString()/GetInt()/operator[] assert on the wrong type (abort in debug,
// undefined behaviour in release). Everything outside this file reads JSON through these
// helpers, which test the type first: absent or mistyped members come back as
// nullptr / std::nullopt, never as a crash.
//
// ParseJson() uses RapidJSON's iterative parser (constant native stack, so nesting depth
// cannot exhaust it), validates UTF-8, and enforces JsonLimits while parsing so that a
// hostile body is refused before it is fully materialised.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "base/status.h"

namespace cds::json {

using Value = rapidjson::Value;
using Document = rapidjson::Document;

struct JsonLimits {
  size_t max_depth = 64;               // nested arrays/objects
  size_t max_string_length = 1 << 20;  // bytes in one string or key
  size_t max_values = 4'000'000;       // scalars + containers in the whole document
  bool reject_duplicate_keys = true;   // {"a":1,"a":2} is refused, not first-wins
};

// Parses `text` into a Document. Errors are kInvalidArgument with the byte offset, except
// exceeded size limits (string length, value count), which are kResourceExhausted.
StatusOr<std::unique_ptr<Document>> ParseJson(std::string_view text, const JsonLimits& limits);

// Member lookup. Returns nullptr when `obj` is not an object or has no such member.
const Value* Find(const Value& obj, std::string_view key);

// Typed member lookup: nullopt when absent or of another JSON type.
std::optional<std::string_view> GetString(const Value& obj, std::string_view key);
std::optional<double> GetNumber(const Value& obj, std::string_view key);
std::optional<int64_t> GetInt64(const Value& obj, std::string_view key);
std::optional<bool> GetBool(const Value& obj, std::string_view key);
const Value* GetObject(const Value& obj, std::string_view key);
const Value* GetArray(const Value& obj, std::string_view key);

// The string of a string value (REQUIRES: v.IsString()), length-aware so embedded NULs survive.
inline std::string_view AsStringView(const Value& v) {
  return std::string_view(v.GetString(), v.GetStringLength());
}

// Name of the JSON type of `v` ("object", "array", "string", "number", "boolean", "null"),
// for error messages.
std::string_view TypeName(const Value& v);

// Serialises `v` compactly.
std::string Serialize(const Value& v);

}  // namespace cds::json
