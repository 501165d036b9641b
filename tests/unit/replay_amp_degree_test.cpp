// AMP grows a stream's prefetch degree while the stream consumes whole sets, and shrinks it when a set is evicted unused.
#include <vector>

#include <gtest/gtest.h>

#include "replay/amp.hpp"

using namespace aether::ctl;

namespace {

// The lengths of the sets AMP issues for a sequential reader of 4 pages at a time,
// over @reads reads from page 0.
std::vector<u64> set_lengths(Prefetcher &p, u64 first_read, u64 reads)
{
	std::vector<u64> lengths;
	std::vector<Range> out;
	for (u64 i = first_read; i < first_read + reads; i++) {
		out.clear();
		p.access(i * 4, 4, out);
		for (const Range &r : out)
			lengths.push_back(r.length);
	}
	return lengths;
}

TEST(ReplayAmpDegree, GrowsOnAStreamThatUsesItsPrefetches)
{
	auto p = make_amp(SimMode::kBlock);
	const std::vector<u64> lengths = set_lengths(*p, 0, 40);
	ASSERT_GE(lengths.size(), 4u);
	EXPECT_EQ(lengths.front(), 8u); // two requests ahead to start with
	for (size_t i = 1; i < lengths.size(); i++)
		EXPECT_GE(lengths[i], lengths[i - 1]) << i;
	EXPECT_GT(lengths.back(), 16u);
}

TEST(ReplayAmpDegree, ShrinksWhenASetIsEvictedUnused)
{
	// Two streams alike but for one eviction: the next set is a request shorter.
	auto kept = make_amp(SimMode::kBlock);
	auto cut = make_amp(SimMode::kBlock);
	set_lengths(*kept, 0, 40);
	set_lengths(*cut, 0, 40);
	cut->evicted_unused(40 * 4 + 1); // a page the stream prefetched but has not read
	const std::vector<u64> with = set_lengths(*kept, 40, 20);
	const std::vector<u64> without = set_lengths(*cut, 40, 20);
	ASSERT_FALSE(with.empty());
	ASSERT_FALSE(without.empty());
	EXPECT_EQ(without.front(), with.front() - 4);
}

} // namespace
