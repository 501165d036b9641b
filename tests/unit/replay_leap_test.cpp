// The replay's Leap baseline prefetches along the majority delta, with a window that grows on hits.
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "replay/baselines.hpp"
#include "replay_fixture.hpp"

using namespace aether::ctl;
using aether::test::feed;

namespace {

TEST(ReplayLeap, LeapFollowsTheMajorityDelta)
{
	auto p = make_prefetcher(Baseline::kLeap, SimMode::kBlock);
	// Deltas 10, 10, 3, 10: majority 10. The previous batch was hit, so the window grows.
	const auto out = feed(*p, {{0, 1}, {10, 1}, {20, 1}, {23, 1}, {33, 1}});
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(out[0], (Range{43, 1}));
	for (size_t k = 0; k < out.size(); k++)
		EXPECT_EQ(out[k].start, 33 + 10 * (k + 1)) << k;
}

TEST(ReplayLeap, LeapWindowGrowsOnHitsUpToEight)
{
	auto p = make_prefetcher(Baseline::kLeap, SimMode::kBlock);
	std::vector<std::pair<u64, u32>> seq;
	for (u64 i = 0; i < 20; i++)
		seq.push_back({i * 4, 4});
	EXPECT_EQ(feed(*p, seq).size(), 8u);
}

TEST(ReplayLeap, LeapWithoutMajorityFetchesNothing)
{
	auto p = make_prefetcher(Baseline::kLeap, SimMode::kBlock);
	EXPECT_TRUE(feed(*p, {{0, 1}, {5, 1}, {100, 1}, {107, 1}, {3, 1}, {900, 1}, {1000, 1}, {1, 1}, {17, 1}})
			    .empty());
}

} // namespace
