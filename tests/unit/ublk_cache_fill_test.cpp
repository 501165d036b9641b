// aether-ublk's cache fills: reserve() takes the absent blocks, landed blocks hit and count as used, and a read of a filling block waits for its fill.
#include <gtest/gtest.h>

#include "stats.hpp"
#include "ublk_cache.hpp"

namespace {

using namespace aether::test; // the cache, its blocks and the fixture
using aether::ublk::Stat;

TEST_F(CacheTest, PrefetchedBlocksHitAndCountAsUsed)
{
	Cache::Fill f[4];
	ASSERT_EQ(cache.reserve(10, 4, f, 4), 1u);
	EXPECT_EQ(f[0].block, 10u);
	EXPECT_EQ(f[0].count, 4u);
	land(f[0], 42);
	cache.fill_done(f[0].id, 4 * kCacheBlock, wake);
	ASSERT_EQ(read(11, 2), Cache::Lookup::kHit);
	EXPECT_EQ(stamp_of(buf.data()), 42u);
	EXPECT_EQ(stamp_of(buf.data() + kCacheBlock), 42u);
	const auto &c = cache.counters();
	EXPECT_EQ(c.get(Stat::kPrefetchIssued), 4u);
	EXPECT_EQ(c.get(Stat::kPrefetchUsed), 2u);
	EXPECT_EQ(c.get(Stat::kHitBlocks), 2u);
}

TEST_F(CacheTest, ReserveSkipsPresentBlocksAndSplitsRuns)
{
	Cache::Fill f[4];
	ASSERT_EQ(cache.reserve(5, 1, f, 4), 1u);
	cache.fill_done(f[0].id, kCacheBlock, wake);
	ASSERT_EQ(cache.reserve(3, 5, f, 4), 2u); // 3-4, then 6-7 around the present 5
	EXPECT_EQ(f[0].block, 3u);
	EXPECT_EQ(f[0].count, 2u);
	EXPECT_EQ(f[1].block, 6u);
	EXPECT_EQ(f[1].count, 2u);
	EXPECT_EQ(cache.reserve(3, 5, f, 4), 0u); // all valid or filling now
}

TEST_F(CacheTest, ReadOfAFillingBlockWaitsForThatFill)
{
	Cache::Fill f[1];
	ASSERT_EQ(cache.reserve(20, 2, f, 1), 1u);
	ASSERT_EQ(read(20, 2), Cache::Lookup::kWait);
	EXPECT_EQ(fill_id, f[0].id);
	EXPECT_EQ(read(20, 3), Cache::Lookup::kMiss); // 22 is absent: no point waiting
	land(f[0], 9);
	cache.fill_done(f[0].id, 2 * kCacheBlock, wake);
	ASSERT_EQ(wake.size(), 1u);
	EXPECT_EQ(wake[0].tag, 7);
	ASSERT_EQ(read(20, 2), Cache::Lookup::kHit);
	EXPECT_EQ(stamp_of(buf.data()), 9u);
}

} // namespace
