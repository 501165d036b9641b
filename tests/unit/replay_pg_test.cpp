// PG prefetches the successors whose share of a unit's arcs is above the threshold, and not the others.
#include <vector>

#include <gtest/gtest.h>

#include "replay/pg.hpp"
#include "replay_fixture.hpp"

using namespace aether::ctl;
using aether::test::feed;

namespace {

constexpr u64 kA = 100, kB = 200;

TEST(ReplayPg, PrefetchesTheLikelySuccessorOnly)
{
	// Window 2: A's arcs go to B every time and to a different X each time, so B has
	// half of A's weight and each X a tenth at most.
	PgParams params;
	params.lookahead = 2;
	params.threshold = 0.3;
	auto p = make_pg(params);
	for (u64 x = 0; x < 5; x++)
		feed(*p, {{kA, 8}, {kB, 16}, {1000 + x, 8}});
	EXPECT_EQ(feed(*p, {{kA, 8}}), (std::vector<Range>{{kB, 16, Fetch::kOneObject}}));
}

TEST(ReplayPg, ASuccessorAtTheThresholdIsNotPrefetched)
{
	// The defaults (window 20, threshold 5 %): B follows A once per window, which is a
	// share of exactly 1/20, not above it.
	auto p = make_pg();
	for (u64 round = 0; round < 10; round++) {
		feed(*p, {{kA, 8}, {kB, 8}});
		for (u64 x = 0; x < 18; x++)
			feed(*p, {{1000 + round * 100 + x, 8}});
	}
	EXPECT_TRUE(feed(*p, {{kA, 8}}).empty());
}

} // namespace
