#include "fhir/resource_index.h"

#include "fhir/reference.h"
#include "fhir/resource.h"

namespace cds::fhir {

void ResourceIndex::Add(const json::Value& resource, std::string_view full_url) {
  ResourceView view(resource);
  if (!view.resource_type().empty() && !view.id().empty()) {
    by_key_.emplace(view.Key(), &resource);
  }
  if (!full_url.empty()) by_full_url_.emplace(std::string(full_url), &resource);
}

void ResourceIndex::AddBundle(const json::Value& bundle) {
  // Entries are added in document order -- a nested Bundle's entries straight after the
  // Bundle itself -- so that "the first resource with a key wins" means first as written.
  // The walk uses an explicit stack of (entry array, next index): depth is bounded by the
  // JSON limits, but recursion is still avoided on principle. Entry shape as Bundle's
  // ForEachEntry: `resource` must be an object; `fullUrl` is optional.
  struct Frame {
    const json::Value* entries;
    rapidjson::SizeType next;
  };
  std::vector<Frame> stack;
  auto push = [&stack](const json::Value& b) {
    if (const json::Value* entries = json::GetArray(b, "entry")) stack.push_back({entries, 0});
  };
  push(bundle);
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next >= top.entries->Size()) {
      stack.pop_back();
      continue;
    }
    const json::Value& entry = (*top.entries)[top.next++];
    const json::Value* r = json::GetObject(entry, "resource");
    if (r == nullptr) continue;
    Add(*r, json::GetString(entry, "fullUrl").value_or(""));
    if (IsResourceOfType(*r, "Bundle")) push(*r);  // invalidates `top`; not used after
  }
}

const json::Value* ResourceIndex::Find(std::string_view type, std::string_view id) const {
  std::string key(type);
  key += '/';
  key += id;
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : it->second;
}

const json::Value* ResourceIndex::FindByFullUrl(std::string_view url) const {
  auto it = by_full_url_.find(url);
  return it == by_full_url_.end() ? nullptr : it->second;
}

const json::Value* ResourceIndex::Resolve(const json::Value& from,
                                          std::string_view reference) const {
  if (reference.empty()) return nullptr;
  ParsedReference ref = ParseReference(reference);
  if (ref.kind == ReferenceKind::kContained) return ResourceView(from).FindContained(ref.id);
  if (auto it = by_full_url_.find(reference); it != by_full_url_.end()) return it->second;
  if (ref.kind == ReferenceKind::kRelative || ref.kind == ReferenceKind::kAbsolute) {
    return Find(ref.type, ref.id);
  }
  return nullptr;
}

}  // namespace cds::fhir
