// Rule dan-gastroparesis-workup (info; patient-view): a current gastroparesis Condition
// and no gastric emptying study on record.
//
// A study counts when a Procedure (data key procedures) with a code in
// `gastric_emptying_study` is completed or in progress, at any date. The card says to
// exclude obstruction by oesophagogastroduodenoscopy, then confirm with 4-hour gastric
// emptying scintigraphy, and suggests a ServiceRequest for the scintigraphy. Never
// claims the study is missing when procedures could not be read.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeDanGastroparesisWorkup(const RuleBuildContext& ctx);

}  // namespace cds::hooks
