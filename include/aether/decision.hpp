// What the core tells a host to do.
#pragma once

#include "aether/fixed.hpp"
#include "aether/types.hpp"
#include "uapi/aether_names.h"

namespace aether {

// kNone, or one of uapi's AETHER_ACTIONS, with their values:
//   kReadahead  extend a sequential stream: read [start, start + length) ahead;
//   kPrefetch   fetch a non-sequential range (stride, correlation, trend).
#define AETHER_CORE_ACTION(NAME, name, Camel, value) k##Camel = (value),
enum class Action : u8 { kNone = 0, AETHER_ACTIONS(AETHER_CORE_ACTION) };
#undef AETHER_CORE_ACTION

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

// Presets of the adaptive decision, as uapi's AETHER_PRESETS lists them (the
// values of sysfs's `mode` that act):
//   kHft       conservative: acts late, small windows, high target accuracy;
//   kGaming    aggressive: acts early, large windows, tolerates waste;
//   kAdaptive  balanced, with the widest online threshold range.
#define AETHER_CORE_PRESET(NAME, name, Camel, value) k##Camel = (value),
enum class Preset : u8 { AETHER_PRESETS(AETHER_CORE_PRESET) };
#undef AETHER_CORE_PRESET

// The preset's name, as sysfs's `mode` and `aether-ctl replay --policy` spell it;
// "?" for a value that is no preset.
inline constexpr const char *preset_name(Preset p) noexcept
{
	switch (p) {
#define AETHER_CORE_PRESET_NAME(NAME, name, Camel, value) \
	case Preset::k##Camel:                            \
		return #name;
		AETHER_PRESETS(AETHER_CORE_PRESET_NAME)
#undef AETHER_CORE_PRESET_NAME
	}
	return "?";
}

} // namespace aether
