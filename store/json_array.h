// Encoding of string lists (suggestion uuids) and of override-reason Codings as JSON array
// text for a single column (SQLite TEXT; PostgreSQL TEXT checked as json).
//
// A JSON array keeps one feedback item in one row (so a batch's atomicity and idempotence rest
// on a single UNIQUE key) and stays queryable from SQL with json_each() for reports.
//
// Stateless and thread-safe. Strings are written byte for byte (JSON-escaped, embedded NULs
// as \u0000); decoding refuses anything but an array of strings with kInternal, since only
// this code writes the column and a mismatch means a damaged file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

#include "store/records.h"

namespace cds::store {

std::string EncodeJsonStringArray(const std::vector<std::string>& items);

StatusOr<std::vector<std::string>> DecodeJsonStringArray(std::string_view text);

// [{"system":...,"code":...,"display":...}]; empty members are omitted and decode as "".
std::string EncodeJsonCodingArray(const std::vector<OverrideReasonCoding>& codings);

StatusOr<std::vector<OverrideReasonCoding>> DecodeJsonCodingArray(std::string_view text);

}  // namespace cds::store
