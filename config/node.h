// Node: a JSON value from a config file together with its path, for validation.
//
// Every accessor checks type and presence and, on failure, returns an error that names
// the file and the JSON path ("knowledge/rules/igm-flare-risk.json: $.threshold.value:
// must be a number"), so a knowledge author can fix the file without reading C++.
// Unknown members are errors too (CheckKnownKeys), so a misspelt key cannot silently
// fall back to a default. Members whose name starts with "_" are comments and ignored.
//
// A Node points into a Document owned by the caller, which must outlive it.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/civil_time.h"
#include "base/json.h"
#include "base/status.h"

namespace cds::config {

class Node {
 public:
  Node(const json::Value& value, std::string file, std::string path)
      : v_(&value), file_(std::move(file)), path_(std::move(path)) {}

  const json::Value& value() const { return *v_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }

  // An InvalidArgument error for this node: "<file>: <path>: <message>".
  Status Error(std::string_view message) const;
  Status ErrorAt(std::string_view key, std::string_view message) const;

  bool Has(std::string_view key) const;
  StatusOr<Node> Child(std::string_view key) const;  // required object
  std::optional<Node> OptionalChild(std::string_view key) const;
  StatusOr<std::vector<Node>> Array(std::string_view key) const;  // required array
  StatusOr<std::vector<Node>> OptionalArray(std::string_view key) const;
  std::vector<Node> Elements() const;                         // this node's array elements
  std::vector<std::pair<std::string, Node>> Members() const;  // this node's object members

  StatusOr<std::string> String(std::string_view key) const;  // required, non-empty
  StatusOr<std::string> StringOr(std::string_view key, std::string fallback) const;  // "" allowed
  StatusOr<double> Number(std::string_view key) const;
  StatusOr<double> NumberOr(std::string_view key, double fallback) const;
  StatusOr<int64_t> Int(std::string_view key) const;
  StatusOr<int64_t> IntOr(std::string_view key, int64_t fallback) const;
  StatusOr<bool> BoolOr(std::string_view key, bool fallback) const;
  StatusOr<std::vector<std::string>> StringList(std::string_view key) const;    // required
  StatusOr<std::vector<std::string>> StringListOr(std::string_view key) const;  // absent -> {}
  // A calendar span written "12mo", "90d", "2w", "5y" or "1y6mo".
  StatusOr<CalendarSpan> Span(std::string_view key) const;

  // Fails on any member not in `allowed` (and not starting with "_").
  Status CheckKnownKeys(std::initializer_list<std::string_view> allowed) const;
  // REQUIRES: this node is an object, else an error.
  Status ExpectObject() const;

 private:
  std::string ChildPath(std::string_view key) const;
  const json::Value* v_;
  std::string file_;
  std::string path_;
};

// Parses "12mo" / "90d" / "2w" / "5y" / "1y6mo" into months and days.
StatusOr<CalendarSpan> ParseSpan(std::string_view text);

// A JSON file read from disk with its Document, for Nodes to point into.
struct JsonFile {
  std::string name;  // as shown in errors, relative to the config directory
  std::unique_ptr<json::Document> doc;
  Node Root() const { return Node(*doc, name, "$"); }
};
StatusOr<JsonFile> ReadJsonFile(const std::string& path, const std::string& display_name);

}  // namespace cds::config
