// uapi/aether_names.h keeps every name, place and value it shipped with, and aether-ctl's tables and the enums of the core and of kmod/core.h follow it.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <uapi/aether.h>

#include "../../kmod/core.h"
#include "aether/decision.hpp"
#include "aether/detect.hpp"
#include "knobs.hpp"

namespace {

template <size_t N>
std::vector<std::string> strings(const char *const (&names)[N])
{
	return {names, names + N};
}

TEST(UapiNames, StatsKeepTheirShippedNamesAndOrder)
{
	EXPECT_EQ(strings(aether::ctl::kStatNames),
		  (std::vector<std::string>{"decisions", "windows_grown", "windows_shrunk", "prefetch_issued",
					    "prefetch_pages", "prefetch_hits", "prefetch_wasted", "queue_drops",
					    "sync_misses", "policy_decisions"}));
}

TEST(UapiNames, DiskCountersKeepTheirShippedNamesAndOrder)
{
	EXPECT_EQ(strings(aether::ctl::kDiskCounterNames),
		  (std::vector<std::string>{"reads", "writes", "read_bytes", "write_bytes", "readahead_bytes",
					    "sequential_reads", "errors", "decisions", "decisions_skipped"}));
}

TEST(UapiNames, KnobsKeepTheirNamesOrderAndRanges)
{
	using aether::ctl::KnobKind;
	struct Want {
		std::string name;
		KnobKind kind;
		unsigned min, max, align;
	};
	const std::vector<Want> want{
		{"enabled", KnobKind::kNumber, 0, 1, 1},
		{"mode", KnobKind::kMode, 0, 0, 1},
		{"min_window_kb", KnobKind::kNumber, 4, 65536, 4},
		{"max_window_kb", KnobKind::kNumber, 4, 65536, 4},
		{"prefetch_queue_depth", KnobKind::kNumber, 0, 4096, 1},
		{"target_accuracy", KnobKind::kNumber, 0, 100, 1},
	};
	const auto knobs = aether::ctl::knobs();
	ASSERT_EQ(knobs.size(), want.size());
	for (size_t i = 0; i < want.size(); i++) {
		EXPECT_EQ(knobs[i].name, want[i].name) << i;
		EXPECT_EQ(knobs[i].kind, want[i].kind) << want[i].name;
		EXPECT_EQ(knobs[i].min, want[i].min) << want[i].name;
		EXPECT_EQ(knobs[i].max, want[i].max) << want[i].name;
		EXPECT_EQ(knobs[i].align, want[i].align) << want[i].name;
		EXPECT_NE(std::string(knobs[i].help), "") << want[i].name;
	}
}

TEST(UapiNames, ModesAreOffAndObserveThenThePresets)
{
	EXPECT_EQ(strings(aether::ctl::kModeNames),
		  (std::vector<std::string>{"off", "observe", "hft", "gaming", "adaptive"}));
	using aether::Preset;
	for (Preset p : {Preset::kHft, Preset::kGaming, Preset::kAdaptive})
		EXPECT_EQ(aether::ctl::kModeNames[2 + static_cast<int>(p)], std::string(aether::preset_name(p)));
	EXPECT_EQ(static_cast<int>(Preset::kAdaptive), AETHER_CORE_PRESET_ADAPTIVE);
	// `aether-ctl get --help` names every mode `set mode` accepts.
	const std::string help = aether::ctl::find_knob("mode")->help;
	for (const char *m : aether::ctl::kModeNames)
		EXPECT_NE(help.find(m), std::string::npos) << m;
}

TEST(UapiNames, PatternsAndActionsKeepTheirValuesEverywhere)
{
	EXPECT_EQ(AETHER_POLICY_NONE, 0);
	EXPECT_EQ(AETHER_POLICY_FORWARD, 1);
	EXPECT_EQ(AETHER_POLICY_BACKWARD, 2);
	EXPECT_EQ(AETHER_POLICY_STRIDE, 3);
	EXPECT_EQ(AETHER_POLICY_READAHEAD, 1);
	EXPECT_EQ(AETHER_POLICY_PREFETCH, 2);

	using aether::Action;
	using aether::Pattern;
	EXPECT_EQ(static_cast<int>(Pattern::kNone), AETHER_CORE_PATTERN_NONE);
	EXPECT_EQ(static_cast<int>(Pattern::kForward), AETHER_CORE_PATTERN_FORWARD);
	EXPECT_EQ(static_cast<int>(Pattern::kBackward), AETHER_CORE_PATTERN_BACKWARD);
	EXPECT_EQ(static_cast<int>(Pattern::kStride), AETHER_CORE_PATTERN_STRIDE);
	EXPECT_EQ(static_cast<int>(Pattern::kStride), AETHER_POLICY_STRIDE);
	EXPECT_EQ(static_cast<int>(Action::kNone), 0);
	EXPECT_EQ(static_cast<int>(Action::kReadahead), AETHER_CORE_ACTION_READAHEAD);
	EXPECT_EQ(static_cast<int>(Action::kPrefetch), AETHER_CORE_ACTION_PREFETCH);
	EXPECT_EQ(static_cast<int>(Action::kPrefetch), AETHER_POLICY_PREFETCH);
}

} // namespace
