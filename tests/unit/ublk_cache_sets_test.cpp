// aether-ublk's cache is whole sets of kWays blocks: less than one set is refused, and CLOCK picks each set's victims.
#include <gtest/gtest.h>

#include "ublk_cache.hpp"

namespace {

using namespace aether::test; // the cache, its blocks and the fixture

TEST_F(CacheTest, RejectsLessThanOneSet)
{
	Cache small;
	EXPECT_EQ(small.init(Cache::kWays * kCacheBlock - 1, 4), -EINVAL);
	EXPECT_FALSE(small.enabled());
}

TEST_F(CacheTest, ClockEvictsUnreferencedBlocksFirst)
{
	// 64 blocks of cache are 8 sets of 8 ways: blocks 0, 8, 16 ... share set 0.
	const auto d = block_of(1);
	for (uint64_t i = 0; i < 8; i++)
		cache.populate(i * 8, 1, d.data(), cache.epoch());
	// A first sweep clears every reference bit and takes way 0; then block 8 is read
	// again, so the next victim skips it.
	cache.populate(64, 1, d.data(), cache.epoch());
	EXPECT_EQ(read(0, 1), Cache::Lookup::kMiss);
	ASSERT_EQ(read(8, 1), Cache::Lookup::kHit);
	cache.populate(72, 1, d.data(), cache.epoch());
	EXPECT_EQ(read(8, 1), Cache::Lookup::kHit);
	EXPECT_EQ(read(16, 1), Cache::Lookup::kMiss);
}

} // namespace
