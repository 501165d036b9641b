// Mithril associates units that miss close together between min support and max support times, and prefetches the associate.
#include <vector>

#include <gtest/gtest.h>

#include "replay/mithril.hpp"
#include "replay_fixture.hpp"

using namespace aether::ctl;
using aether::test::feed;

namespace {

constexpr u64 kA = 100, kB = 200;

// Small enough that mining runs as soon as two (or three) units have min support.
MithrilParams params(u32 min_support, u32 max_support, u32 mining_threshold)
{
	MithrilParams p;
	p.min_support = min_support;
	p.max_support = max_support;
	p.mining_threshold = mining_threshold;
	return p;
}

TEST(ReplayMithril, LearnsAThenBAtMinSupport)
{
	auto p = make_mithril(params(3, 8, 6)); // mining at 2 units with 3 misses each
	EXPECT_TRUE(feed(*p, {{kA, 8}, {kB, 16}, {kA, 8}, {kB, 16}, {kA, 8}}).empty()); // support 2
	feed(*p, {{kB, 16}}); // B reaches support 3 too: mined
	EXPECT_EQ(feed(*p, {{kA, 8}}), (std::vector<Range>{{kB, 16, Fetch::kOneObject}}));
}

TEST(ReplayMithril, RecordsMissesOnly)
{
	auto p = make_mithril(params(2, 8, 4));
	std::vector<Range> out;
	for (int round = 0; round < 2; round++)
		for (const u64 unit : {kA, kB}) {
			p->demanded(round == 0 ? Outcome::kMiss : Outcome::kHit);
			p->access(unit, 8, out);
		}
	EXPECT_TRUE(feed(*p, {{kA, 8}}).empty()); // the hits were not support
}

TEST(ReplayMithril, TooFrequentUnitsAreNotAssociated)
{
	// A and B miss four times, then C, D, E twice, which fills the mining table.
	const std::vector<std::pair<u64, u32>> trace = {{kA, 8}, {kB, 8}, {kA, 8}, {kB, 8}, {kA, 8}, {kB, 8},
							{kA, 8}, {kB, 8}, {1, 8},  {2, 8},  {3, 8},  {1, 8},
							{2, 8},  {3, 8}};
	auto sporadic = make_mithril(params(2, 8, 10)); // mines at 5 units
	feed(*sporadic, trace);
	EXPECT_EQ(feed(*sporadic, {{kA, 8}}), (std::vector<Range>{{kB, 8, Fetch::kOneObject}}));

	auto strict = make_mithril(params(2, 3, 6)); // the fourth miss is one too many
	feed(*strict, trace);
	EXPECT_FALSE(feed(*strict, {{1, 8}}).empty()); // mining did run
	EXPECT_TRUE(feed(*strict, {{kA, 8}}).empty());
}

} // namespace
