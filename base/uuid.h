// Random (version 4) UUIDs for card and suggestion ids.
//
// Card uuids come back to us in feedback and identify what we said about a patient, so
// they are drawn from the kernel's CSPRNG (getrandom), not from a seeded PRNG.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cds {

std::string NewUuid();

// True for the canonical 8-4-4-4-12 hexadecimal form (any version, either case).
bool IsUuid(std::string_view s);

}  // namespace cds
