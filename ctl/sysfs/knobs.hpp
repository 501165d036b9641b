// aether.ko's sysfs names as aether-ctl knows them, and the tunables' help and input
// rules, so a bad value is explained before it reaches sysfs. Every name and range
// comes from the module's own lists in uapi/aether_names.h.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <uapi/aether_names.h>

namespace aether::ctl {

#define AETHER_CTL_NAME(NAME, name, ...) #name,
// The counters under stats/, in the module's order.
inline constexpr const char *kStatNames[] = {AETHER_STATS(AETHER_CTL_NAME)};
// The values of the `mode` knob, in the module's order: off, observe, then the
// core's presets, each of which is a mode that acts with it.
inline constexpr const char *kModeNames[] = {AETHER_MODES(AETHER_CTL_NAME)};
// The counters of each disk under devices/MAJOR:MINOR/, in the module's order.
inline constexpr const char *kDiskCounterNames[] = {AETHER_DISK_COUNTERS(AETHER_CTL_NAME)};
#undef AETHER_CTL_NAME

enum class KnobKind {
	kNumber, // a decimal in [min, max] and a multiple of align
	kMode,   // one of kModeNames
};

struct Knob {
	const char *name; // the sysfs file under /sys/kernel/aether/
	const char *help; // what it does and what it accepts
	KnobKind kind = KnobKind::kNumber;
	unsigned min = 0, max = 0, align = 1;
};

// Every tunable, in the order `aether-ctl get` lists them (the module's).
std::span<const Knob> knobs();

// The knob called @name, or nullptr.
const Knob *find_knob(std::string_view name);

// "unknown knob 'NAME'. Knobs: ..." naming every knob, for a name find_knob() lacks.
std::string unknown_knob(std::string_view name);

// Empty if the module would accept @value for @knob; otherwise why not, as a
// sentence for the user. Cross-knob rules (min_window_kb <= max_window_kb) are
// the module's to check.
std::string validate_knob(const Knob &knob, std::string_view value);

} // namespace aether::ctl
