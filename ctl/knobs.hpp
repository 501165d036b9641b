// aether.ko's tunables as aether-ctl knows them: names, help, and the same input
// rules the module applies, so a bad value is explained before it reaches sysfs.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace aether::ctl {

enum class KnobKind {
	kNumber, // a decimal in [min, max] and a multiple of align
	kMode,   // one of the module's mode names
};

struct Knob {
	const char *name; // the sysfs file under /sys/kernel/aether/
	const char *help; // what it does and what it accepts
	KnobKind kind = KnobKind::kNumber;
	unsigned min = 0, max = 0, align = 1;
};

// Every tunable, in the order `aether-ctl get` lists them.
std::span<const Knob> knobs();

// The knob called @name, or nullptr.
const Knob *find_knob(std::string_view name);

// "unknown knob 'NAME'. Knobs: ..." naming every knob, for a name find_knob() lacks.
std::string unknown_knob(std::string_view name);

// Empty if the module would accept @value for @knob; otherwise why not, as a
// sentence for the user. Cross-knob rules (min_window_kb <= max_window_kb) are
// the module's to check.
std::string validate_knob(const Knob &knob, std::string_view value);

// The names of the counters under stats/, in the module's order.
std::span<const char *const> stat_names();

} // namespace aether::ctl
