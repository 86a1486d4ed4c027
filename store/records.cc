#include "store/records.h"

#include <array>
#include <utility>

namespace cds::store {
namespace {

// The spellings stored in the database (and checked by its CHECK constraints).
constexpr std::array<std::pair<RuleOutcome, std::string_view>, 5> kRuleOutcomes = {{
    {RuleOutcome::kFired, "fired"},
    {RuleOutcome::kNotApplicable, "not_applicable"},
    {RuleOutcome::kInsufficientData, "insufficient_data"},
    {RuleOutcome::kDataUnavailable, "data_unavailable"},
    {RuleOutcome::kFailed, "failed"},
}};
constexpr std::array<std::pair<DataSource, std::string_view>, 3> kDataSources = {{
    {DataSource::kPrefetch, "prefetch"},
    {DataSource::kFetched, "fetched"},
    {DataSource::kFailed, "failed"},
}};
constexpr std::array<std::pair<SuppressionReason, std::string_view>, 3> kSuppressionReasons = {{
    {SuppressionReason::kRememberedOverride, "remembered_override"},
    {SuppressionReason::kSnoozed, "snoozed"},
    {SuppressionReason::kFolded, "folded"},
}};

template <typename Enum, size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "";
}

template <typename Enum, size_t N>
std::optional<Enum> Parse(const std::array<std::pair<Enum, std::string_view>, N>& table,
                          std::string_view name) {
  for (const auto& [e, n] : table) {
    if (n == name) return e;
  }
  return std::nullopt;
}

}  // namespace

std::string_view RuleOutcomeName(RuleOutcome outcome) { return NameOf(kRuleOutcomes, outcome); }
std::string_view DataSourceName(DataSource source) { return NameOf(kDataSources, source); }
std::string_view SuppressionReasonName(SuppressionReason reason) {
  return NameOf(kSuppressionReasons, reason);
}
std::optional<RuleOutcome> ParseRuleOutcome(std::string_view name) {
  return Parse(kRuleOutcomes, name);
}
std::optional<DataSource> ParseDataSource(std::string_view name) {
  return Parse(kDataSources, name);
}
std::optional<SuppressionReason> ParseSuppressionReason(std::string_view name) {
  return Parse(kSuppressionReasons, name);
}

}  // namespace cds::store
