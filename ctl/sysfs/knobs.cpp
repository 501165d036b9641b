// aether.ko's tunables, with their help and the module's input rules for each.
#include "knobs.hpp"

#include <array>
#include <cstdint>

#include "sysfs.hpp"

namespace aether::ctl {

namespace {

// What each tunable does and accepts, for `aether-ctl get --help`: one for each
// entry of AETHER_TUNABLES, named after it, so a tunable without help does not
// compile.
namespace help {
constexpr const char *enabled = "1 runs the hooks, 0 leaves the kernel's readahead alone (0 or 1)";
constexpr const char *mode = "off, observe (count only), hft, gaming or adaptive";
constexpr const char *min_window_kb = "smallest readahead window set, KiB: a multiple of 4 in 4..65536";
constexpr const char *max_window_kb = "largest readahead window set, KiB: a multiple of 4 in 4..65536";
constexpr const char *prefetch_queue_depth =
	"explicit prefetches in flight before new ones are dropped: 0..4096 (0: none)";
constexpr const char *target_accuracy = "share of prefetched pages that should be used, percent: 1..100, or 0 for the preset's own";
} // namespace help

// The module's rules, from the same list as kmod/sysfs.c's.
#define AETHER_CTL_NUMBER(name, min, max, align) Knob{#name, help::name, KnobKind::kNumber, min, max, align},
#define AETHER_CTL_MODE(name) Knob{#name, help::name, KnobKind::kMode},
constexpr std::array kKnobs{AETHER_TUNABLES(AETHER_CTL_NUMBER, AETHER_CTL_MODE)};
#undef AETHER_CTL_NUMBER
#undef AETHER_CTL_MODE

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
		std::string modes;
		for (const char *m : kModeNames) {
			if (value == m)
				return {};
			modes += (modes.empty() ? "" : ", ") + std::string(m);
		}
		return std::string(knob.name) + " must be one of " + modes;
	}
	uint64_t v = 0;
	if (parse_decimal(value, v) && v >= knob.min && v <= knob.max && v % knob.align == 0)
		return {};
	return std::string(knob.name) + " must be " +
	       (knob.align > 1 ? "a multiple of " + std::to_string(knob.align) + " in " : "a whole number in ") +
	       std::to_string(knob.min) + ".." + std::to_string(knob.max);
}

} // namespace aether::ctl
