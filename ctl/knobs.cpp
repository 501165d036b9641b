// aether.ko's tunables and counters, and the module's input rules for each.
#include "knobs.hpp"

#include <array>
#include <charconv>

namespace aether::ctl {

namespace {

// Kept in step with kmod/sysfs.c, whose rules are the ones that count.
constexpr std::array kKnobs{
	Knob{"enabled", "1 runs the hooks, 0 leaves the kernel's readahead alone (0 or 1)"},
	Knob{"mode", "off, observe (count only), hft, gaming or adaptive"},
	Knob{"min_window_kb", "smallest readahead window set, KiB: a multiple of 4 in 4..65536"},
	Knob{"max_window_kb", "largest readahead window set, KiB: a multiple of 4 in 4..65536"},
	Knob{"prefetch_queue_depth", "explicit prefetches in flight before new ones are dropped: 0..4096 (0: none)"},
	Knob{"target_accuracy", "share of prefetched pages that should be used, percent: 1..100"},
};

constexpr std::array kStats{
	"decisions",	   "windows_grown",   "windows_shrunk", "prefetch_issued", "prefetch_pages",
	"prefetch_hits",   "prefetch_wasted", "queue_drops",	"sync_misses",
};

struct Range {
	unsigned min, max, align;
};

// As the kernel's kstrtouint(): decimal digits only, one trailing newline allowed.
bool parse_uint(std::string_view v, unsigned &out)
{
	if (!v.empty() && v.back() == '\n')
		v.remove_suffix(1);
	if (v.empty())
		return false;
	for (char c : v)
		if (c < '0' || c > '9')
			return false;
	auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
	return ec == std::errc() && p == v.data() + v.size();
}

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

std::string validate_knob(const Knob &knob, std::string_view value)
{
	const std::string_view name = knob.name;
	if (name == "mode") {
		std::string_view v = value;
		if (!v.empty() && v.back() == '\n')
			v.remove_suffix(1);
		for (const char *m : {"off", "observe", "hft", "gaming", "adaptive"})
			if (v == m)
				return {};
		return "mode must be one of off, observe, hft, gaming, adaptive";
	}
	Range r{0, 1, 1};
	if (name == "min_window_kb" || name == "max_window_kb")
		r = {4, 65536, 4};
	else if (name == "prefetch_queue_depth")
		r = {0, 4096, 1};
	else if (name == "target_accuracy")
		r = {1, 100, 1};
	unsigned v = 0;
	if (!parse_uint(value, v) || v < r.min || v > r.max || v % r.align) {
		std::string why = std::string(name) + " must be ";
		if (r.align > 1)
			why += "a multiple of " + std::to_string(r.align) + " in ";
		else
			why += "a whole number in ";
		return why + std::to_string(r.min) + ".." + std::to_string(r.max);
	}
	return {};
}

std::span<const char *const> stat_names()
{
	return kStats;
}

} // namespace aether::ctl
