// A host's Timing::kLate grows a sequential window past max_window until reads stop waiting.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "aether/predictor.hpp"

namespace {

using namespace aether;

// A host over a backend whose reads land @latency accesses after they were issued,
// read by one sequential reader, one block per access. A read of a block issued
// but not landed waits: it is late.
struct SlowBackend {
	struct Result {
		uint64_t late_first_half = 0;
		uint64_t late_second_half = 0;
		uint32_t widest_window = 0;   // the hot tracker's, after any access
		uint32_t longest_decision = 0;
		// Most a window past max_window grew between two accesses that refilled
		// it, as a ratio. (Below max_window, hits double it too.)
		uint32_t widest_growth_per_refill = 0;
	};

	static Result run(Preset preset, uint64_t latency, uint64_t accesses, Timing report)
	{
		auto corr = std::make_unique<CorrelationTableN<64>>();
		const Params params = preset_params(preset);
		Predictor p(params, *corr);
		StreamState s{};
		Decision d[kMaxDecisions];
		std::unordered_map<uint64_t, uint64_t> lands; // block -> access it lands at
		Result r;
		uint32_t window_at_refill = 0;
		for (uint64_t i = 0; i < accesses; i++) {
			const uint64_t block = 1000 + i;
			const auto it = lands.find(block);
			const bool late = it != lands.end() && it->second > i;
			if (late)
				(i < accesses / 2 ? r.late_first_half : r.late_second_half)++;
			const size_t n = p.access(s, block, 1, d, kMaxDecisions, late ? report : Timing::kUnknown);
			for (size_t k = 0; k < n; k++) {
				r.longest_decision = std::max(r.longest_decision, d[k].length);
				for (uint64_t b = d[k].start; b < d[k].start + d[k].length; b++)
					lands.emplace(b, i + latency);
			}
			const uint32_t w = s.trackers[s.hot].window;
			r.widest_window = std::max(r.widest_window, w);
			if (n && w) {
				if (window_at_refill >= params.max_window)
					r.widest_growth_per_refill =
						std::max(r.widest_growth_per_refill, w / window_at_refill);
				window_at_refill = w;
			}
		}
		return r;
	}
};

TEST(LateWindow, ReportedLatenessGrowsTheWindowUntilReadsStopWaiting)
{
	const Params params = preset_params(Preset::kAdaptive);
	// The backend takes as long as the reader needs for twice max_window: no window
	// within max_window leads it by that much.
	const uint64_t latency = 2 * params.max_window;
	const auto unreported = SlowBackend::run(Preset::kAdaptive, latency, 40000, Timing::kUnknown);
	const auto reported = SlowBackend::run(Preset::kAdaptive, latency, 40000, Timing::kLate);
	// Without the report the window stays within max_window, and reads keep waiting.
	EXPECT_LE(unreported.widest_window, params.max_window);
	EXPECT_GT(unreported.late_second_half, 1000u);
	// With it, the window grows past max_window, and once it has, nothing waits.
	EXPECT_GT(reported.widest_window, params.max_window);
	EXPECT_LE(reported.widest_window, params.late_window);
	EXPECT_EQ(reported.late_second_half, 0u);
	EXPECT_LT(reported.late_first_half, unreported.late_first_half);
}

TEST(LateWindow, NoDecisionIsLongerThanMaxWindow)
{
	const Params params = preset_params(Preset::kAdaptive);
	const auto r = SlowBackend::run(Preset::kAdaptive, 4 * params.max_window, 40000, Timing::kLate);
	EXPECT_GT(r.widest_window, params.max_window);
	EXPECT_LE(r.longest_decision, params.max_window);
}

TEST(LateWindow, GrowsNoFurtherThanTheLatencyNeeds)
{
	// Every read of a window still in flight is late, and they all tell the same
	// thing: taken one by one, they would double the window to the cap. A window
	// of twice max_window leads this backend by enough.
	const Params params = preset_params(Preset::kAdaptive);
	ASSERT_GT(params.late_window, 2 * params.max_window);
	const auto r = SlowBackend::run(Preset::kAdaptive, params.max_window, 40000, Timing::kLate);
	EXPECT_GT(r.widest_window, params.max_window);
	EXPECT_LE(r.widest_window, 2 * params.max_window);
	EXPECT_LE(r.widest_growth_per_refill, 2u);
}

TEST(LateWindow, BoundedByTheCap)
{
	// A backend no window can lead: the window stops at late_window.
	const Params params = preset_params(Preset::kAdaptive);
	const auto r = SlowBackend::run(Preset::kAdaptive, 100000, 40000, Timing::kLate);
	EXPECT_EQ(r.widest_window, params.late_window);
}

TEST(LateWindow, APresetWithoutALateWindowIgnoresTheReport)
{
	// hft's late_window is its max_window: the report changes none of its decisions.
	const Params params = preset_params(Preset::kHft);
	ASSERT_EQ(params.late_window, params.max_window);
	const auto unreported = SlowBackend::run(Preset::kHft, 4 * params.max_window, 20000, Timing::kUnknown);
	const auto reported = SlowBackend::run(Preset::kHft, 4 * params.max_window, 20000, Timing::kLate);
	EXPECT_EQ(reported.late_first_half + reported.late_second_half,
		  unreported.late_first_half + unreported.late_second_half);
	EXPECT_EQ(reported.widest_window, unreported.widest_window);
}

} // namespace
