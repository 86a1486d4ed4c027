// Rule igf-neuropathy-term (patient-view): a Condition described as "IGF neuropathy".
//
// "IGF neuropathy" is not a recognised diagnosis (insulin-like growth factor has been
// studied as a *treatment* for diabetic neuropathy). Fires (info) for a Condition that is
// not refuted or entered in error, carries no code in `recognised_neuropathy`, and whose
// code.text or a coding display contains, case-insensitively, the token "IGF" (not inside
// another word: "IGF", "IGF-1", "IGF1" match, "bigfoot" does not) and the word part
// "neuropathy" (so "polyneuropathy" too). The card asks for a coded diagnosis and lists
// what might have been meant; it never guesses one, and suggests nothing.
#pragma once

#include <memory>

#include "hooks/rule.h"
#include "hooks/rule_basics.h"

namespace cds::hooks {

StatusOr<std::unique_ptr<Rule>> MakeIgfNeuropathyTerm(const RuleBuildContext& ctx);

}  // namespace cds::hooks
