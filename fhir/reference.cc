#include "fhir/reference.h"

namespace cds::fhir {

bool IsFhirId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool IsResourceTypeName(std::string_view type) {
  if (type.empty() || type.size() > 64 || type[0] < 'A' || type[0] > 'Z') return false;
  for (char c : type) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

namespace {

// Reads "Type/id" from the end of a path, skipping a trailing "/_history/v".
bool TypeAndIdFromPath(std::string_view path, std::string_view* type, std::string_view* id) {
  size_t hist = path.rfind("/_history/");
  if (hist != std::string_view::npos) path = path.substr(0, hist);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return false;
  std::string_view maybe_id = path.substr(slash + 1);
  std::string_view rest = path.substr(0, slash);
  size_t slash2 = rest.rfind('/');
  std::string_view maybe_type = slash2 == std::string_view::npos ? rest : rest.substr(slash2 + 1);
  if (!IsResourceTypeName(maybe_type) || !IsFhirId(maybe_id)) return false;
  *type = maybe_type;
  *id = maybe_id;
  return true;
}

}  // namespace

ParsedReference ParseReference(std::string_view ref) {
  ParsedReference out;
  out.raw = ref;
  if (ref.size() > 1 && ref[0] == '#') {
    out.kind = ReferenceKind::kContained;
    out.id = ref.substr(1);
    return out;
  }
  for (std::string_view urn : {std::string_view("urn:uuid:"), std::string_view("urn:oid:")}) {
    if (ref.starts_with(urn)) {
      if (ref.size() > urn.size()) out.kind = ReferenceKind::kUrn;
      return out;
    }
  }
  if (ref.starts_with("urn:")) return out;  // other URN namespaces do not name resources
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (!ref.starts_with(scheme)) continue;
    // Type/id must be in the path: in "https://Patient/123" the "Patient" is the host.
    size_t path_start = ref.find('/', scheme.size());
    if (path_start != std::string_view::npos &&
        TypeAndIdFromPath(ref.substr(path_start), &out.type, &out.id)) {
      out.kind = ReferenceKind::kAbsolute;
    }
    return out;
  }
  size_t slash = ref.find('/');
  if (slash == std::string_view::npos) return out;
  std::string_view type = ref.substr(0, slash);
  std::string_view id = ref.substr(slash + 1);
  size_t hist = id.find("/_history/");
  if (hist != std::string_view::npos) id = id.substr(0, hist);
  if (IsResourceTypeName(type) && IsFhirId(id)) {
    out.kind = ReferenceKind::kRelative;
    out.type = type;
    out.id = id;
  }
  return out;
}

std::string_view StripTypePrefix(std::string_view value, std::string_view type) {
  if (value.size() > type.size() + 1 && value.substr(0, type.size()) == type &&
      value[type.size()] == '/') {
    value = value.substr(type.size() + 1);
  }
  return IsFhirId(value) ? value : std::string_view();
}

}  // namespace cds::fhir
