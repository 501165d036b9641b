// The replay's baselines: every prefetcher `aether-ctl replay` can run, by name. The
// simple ones (none, Linux's readahead, OBL, stride, Leap) live in baselines.cpp; the
// published ones (Mithril, AMP, PG) each in their own file; the Aether core under each
// of its presets is one too, through core_prefetcher.hpp, and so is Linux's readahead
// with aether.ko under each preset, through linux_core.hpp.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "aether/decision.hpp"
#include "replay/prefetcher.hpp"

namespace aether::ctl {

enum class Baseline {
	kNone,
	kLinux,
	kObl,
	kStride,
	kLeap,
	kMithril,
	kAmp,
	kPg,
	// The Aether core with one of its presets.
	kHft,
	kGaming,
	kAdaptive,
	// Linux's readahead with aether.ko running the core under one of its presets.
	kLinuxHft,
	kLinuxGaming,
	kLinuxAdaptive,
};

// Every baseline, in the order replay runs and prints them by default.
inline constexpr Baseline kAllBaselines[] = {
	Baseline::kNone,    Baseline::kLinux, Baseline::kObl,    Baseline::kStride,
	Baseline::kLeap,    Baseline::kMithril, Baseline::kAmp,    Baseline::kPg,
	Baseline::kHft,     Baseline::kGaming, Baseline::kAdaptive, Baseline::kLinuxHft,
	Baseline::kLinuxGaming, Baseline::kLinuxAdaptive,
};

// The name --policy and the output use for @baseline: the preset's name for the core,
// "linux+" and the preset's name for Linux with the module.
const char *baseline_name(Baseline baseline);

// The baseline called @name by baseline_name(), or nothing.
std::optional<Baseline> parse_baseline(std::string_view name);

// The core preset @baseline runs, or nothing when it is not the core alone.
std::optional<Preset> core_preset(Baseline baseline);

// The core preset aether.ko runs beside Linux's readahead in @baseline, or nothing when
// it is not a linux+PRESET baseline.
std::optional<Preset> linux_core_preset(Baseline baseline);

// A fresh prefetcher with empty history for @baseline, for accesses in @mode's units.
std::unique_ptr<Prefetcher> make_prefetcher(Baseline baseline, SimMode mode);

} // namespace aether::ctl
