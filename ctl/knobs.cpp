// aether.ko's tunables and counters, and the module's input rules for each.
#include "knobs.hpp"

#include <array>
#include <cstdint>

#include "sysfs.hpp"

namespace aether::ctl {

namespace {

// Kept in step with kmod/sysfs.c, whose rules are the ones that count.
constexpr std::array kKnobs{
	Knob{"enabled", "1 runs the hooks, 0 leaves the kernel's readahead alone (0 or 1)", KnobKind::kNumber, 0, 1, 1},
	Knob{"mode", "off, observe (count only), hft, gaming or adaptive", KnobKind::kMode},
	Knob{"min_window_kb", "smallest readahead window set, KiB: a multiple of 4 in 4..65536", KnobKind::kNumber,
	     4, 65536, 4},
	Knob{"max_window_kb", "largest readahead window set, KiB: a multiple of 4 in 4..65536", KnobKind::kNumber,
	     4, 65536, 4},
	Knob{"prefetch_queue_depth", "explicit prefetches in flight before new ones are dropped: 0..4096 (0: none)",
	     KnobKind::kNumber, 0, 4096, 1},
	Knob{"target_accuracy", "share of prefetched pages that should be used, percent: 1..100", KnobKind::kNumber,
	     1, 100, 1},
};

constexpr std::array kModes{"off", "observe", "hft", "gaming", "adaptive"};

constexpr std::array kStats{
	"decisions",	   "windows_grown",   "windows_shrunk", "prefetch_issued", "prefetch_pages",
	"prefetch_hits",   "prefetch_wasted", "queue_drops",	"sync_misses",	   "policy_decisions",
};

} // namespace

std::span<const Knob> knobs()
{
	return kKnobs;
}

const Knob *find_knob(std::string_view name)
{
	for (const Knob &k : kKnobs)
		if (name == k.name)
			return &k;
	return nullptr;
}

std::string unknown_knob(std::string_view name)
{
	std::string msg = "unknown knob '" + std::string(name) + "'. Knobs:";
	for (const Knob &k : kKnobs)
		msg += std::string(" ") + k.name;
	return msg;
}

std::string validate_knob(const Knob &knob, std::string_view value)
{
	if (knob.kind == KnobKind::kMode) {
		if (!value.empty() && value.back() == '\n')
			value.remove_suffix(1);
		for (const char *m : kModes)
			if (value == m)
				return {};
		return std::string(knob.name) + " must be one of off, observe, hft, gaming, adaptive";
	}
	uint64_t v = 0;
	if (parse_decimal(value, v) && v >= knob.min && v <= knob.max && v % knob.align == 0)
		return {};
	return std::string(knob.name) + " must be " +
	       (knob.align > 1 ? "a multiple of " + std::to_string(knob.align) + " in " : "a whole number in ") +
	       std::to_string(knob.min) + ".." + std::to_string(knob.max);
}

std::span<const char *const> stat_names()
{
	return kStats;
}

} // namespace aether::ctl
