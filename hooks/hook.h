// The hooks this service answers (HL7 CDS Hooks Library 1.0.1).
#pragma once

#include <optional>
#include <string_view>

namespace cds::hooks {

enum class Hook { kPatientView, kOrderSelect, kOrderSign };

inline std::string_view HookName(Hook h) {
  switch (h) {
    case Hook::kPatientView:
      return "patient-view";
    case Hook::kOrderSelect:
      return "order-select";
    case Hook::kOrderSign:
      return "order-sign";
  }
  return "patient-view";
}

inline std::optional<Hook> ParseHook(std::string_view name) {
  for (Hook h : {Hook::kPatientView, Hook::kOrderSelect, Hook::kOrderSign}) {
    if (name == HookName(h)) return h;
  }
  return std::nullopt;
}

}  // namespace cds::hooks
