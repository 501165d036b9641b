// A sequential stream that mixes small and large requests gets windows that fit the large.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <unordered_set>

#include "aether/predictor.hpp"

namespace {

using namespace aether;

// A fresh core sees a stream of three requests, @large, @small and @large blocks, one
// after another (a writer appending a large record, a small one and a large one, as
// the CloudPhysics trace's streams do). Returns whether the core had wholly read
// ahead the last.
bool last_large_read_ahead(uint32_t large, uint32_t small)
{
	auto corr = std::make_unique<CorrelationTableN<64>>();
	Predictor p(preset_params(Preset::kAdaptive), *corr);
	StreamState s{};
	Decision d[kMaxDecisions];
	std::unordered_set<uint64_t> fetched;
	uint64_t at = 1 << 20;
	for (const uint32_t len : {large, small}) {
		const size_t n = p.access(s, at, len, d, kMaxDecisions);
		for (size_t k = 0; k < n; k++)
			for (uint64_t b = d[k].start; b < d[k].start + d[k].length; b++)
				fetched.insert(b);
		at += len;
	}
	for (uint64_t b = at; b < at + large; b++)
		if (!fetched.count(b))
			return false;
	return true;
}

TEST(MixedSizes, TheWindowAfterASmallRequestFitsTheLargeOnesAroundIt)
{
	// The small request continues the stream and reads ahead: a window of twice
	// the small request would miss most of the large one that follows.
	const Params params = preset_params(Preset::kAdaptive);
	EXPECT_TRUE(last_large_read_ahead(32, 4));
	EXPECT_TRUE(last_large_read_ahead(params.max_window / 2, 1));
	// Never past max_window: a huge request does not make a huge window.
	auto corr = std::make_unique<CorrelationTableN<64>>();
	Predictor p(params, *corr);
	StreamState s{};
	Decision d[kMaxDecisions];
	p.access(s, 0, 16 * params.max_window, d, kMaxDecisions);
	const size_t n = p.access(s, 16 * params.max_window, 1, d, kMaxDecisions);
	ASSERT_GT(n, 0u);
	for (size_t k = 0; k < n; k++)
		EXPECT_LE(d[k].length, params.max_window);
}

} // namespace
