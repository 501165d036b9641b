// What the core tells a host to do.
#pragma once

#include "aether/fixed.hpp"
#include "aether/types.hpp"

namespace aether {

enum class Action : u8 {
	kNone = 0,
	kReadahead = 1, // extend a sequential stream: read [start, start + length) ahead
	kPrefetch = 2,  // fetch a non-sequential range (stride, correlation, trend)
};

// One decision: what to fetch, in the host's block units, and how sure the core is.
struct Decision {
	Action action = Action::kNone;
	u64 start = 0;
	u32 length = 0;
	Q16 confidence; // in [0, 1]
};

// The most decisions one access can produce (a stride ramping up its distance, plus
// a correlated block).
inline constexpr size_t kMaxDecisions = 4;

// Presets of the adaptive decision.
enum class Preset : u8 {
	kHft = 0,      // conservative: acts late, small windows, high target accuracy
	kGaming = 1,   // aggressive: acts early, large windows, tolerates waste
	kAdaptive = 2, // balanced, with the widest online threshold range
};

inline constexpr const char *preset_name(Preset p) noexcept
{
	switch (p) {
	case Preset::kHft:
		return "hft";
	case Preset::kGaming:
		return "gaming";
	case Preset::kAdaptive:
		return "adaptive";
	}
	return "?";
}

} // namespace aether
