// Bundle and OperationOutcome views.
//
// Bundles arrive as prefetch values, as FHIR search pages and as context.draftOrders
// (where real clients omit `type`, so type is never required here). A searchset may
// carry OperationOutcome entries (search.mode "outcome"): warnings are ignored, errors
// mean the search result cannot be trusted as complete.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "fhir/resource.h"

namespace cds::fhir {

class Bundle : public ResourceView {
 public:
  using ResourceView::ResourceView;

  std::string_view type() const { return json::GetString(*v_, "type").value_or(""); }
  // Calls f(resource, fullUrl) for each entry whose `resource` is an object.
  void ForEachEntry(
      const std::function<void(const json::Value& resource, std::string_view full_url)>& f) const;
  size_t EntryCount() const;
  // The `link` with relation "next", if any.
  std::optional<std::string_view> NextLink() const;
};

class OperationOutcome : public ResourceView {
 public:
  using ResourceView::ResourceView;
  // True if any issue has severity fatal or error, or if there are no issues at all
  // (`issue` is 1..*; an outcome without one cannot be trusted to mean "fine").
  bool HasErrors() const;
  // Issue severities and codes only ("error/not-found"): diagnostics text may echo
  // patient data, so it never leaves this view.
  std::string Summary() const;
};

// True if a Bundle entry's resource is an OperationOutcome reporting an error.
bool IsErrorOutcome(const json::Value& resource);

}  // namespace cds::fhir
