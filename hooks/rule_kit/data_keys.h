// The data keys rules read, each spelled once: a RuleDef names the keys a rule reads
// (and so what its services prefetch), and the rule passes the same constant to
// RuleContext::Require. Each is the name of a prefetch template in
// config/knowledge/prefetch/*.json; tests/hooks/rule_kit/data_keys_test.cc checks that
// they match, and the engine fails a rule that reads a key its RuleDef does not name.
#pragma once

#include <string_view>

namespace cds::hooks {

// Patient record (knowledge/prefetch/common.json).
inline constexpr std::string_view kMedicationRequests = "medicationRequests";
inline constexpr std::string_view kMedicationStatements = "medicationStatements";
inline constexpr std::string_view kMedicationAdministrations = "medicationAdministrations";
inline constexpr std::string_view kConditions = "conditions";
inline constexpr std::string_view kProcedures = "procedures";
inline constexpr std::string_view kBodyMeasurements = "bodyMeasurements";
inline constexpr std::string_view kHeartRate = "heartRate";
inline constexpr std::string_view kHbvSerology = "hbvSerology";
inline constexpr std::string_view kIgm = "igm";
// Diabetic neuropathy (knowledge/prefetch/diabetes.json).
inline constexpr std::string_view kNeuropathyLabs = "neuropathyLabs";
// Immune neuropathies (knowledge/prefetch/immunology.json).
inline constexpr std::string_view kCd19Cells = "cd19Cells";
inline constexpr std::string_view kAntiMag = "antiMag";
inline constexpr std::string_view kCtcaeNeuropathyGrade = "ctcaeNeuropathyGrade";

// Every key above, for the test that checks them against the knowledge.
inline constexpr std::string_view kNamedDataKeys[] = {kMedicationRequests,
                                                      kMedicationStatements,
                                                      kMedicationAdministrations,
                                                      kConditions,
                                                      kProcedures,
                                                      kBodyMeasurements,
                                                      kHeartRate,
                                                      kHbvSerology,
                                                      kIgm,
                                                      kNeuropathyLabs,
                                                      kCd19Cells,
                                                      kAntiMag,
                                                      kCtcaeNeuropathyGrade};

}  // namespace cds::hooks
