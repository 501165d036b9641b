// aether-ublk's cache stays coherent with writes: a retired write makes racing fills and demand data stale, and overwrites or drops what it touched.
#include <gtest/gtest.h>

#include "stats.hpp"
#include "ublk_cache.hpp"

namespace {

using namespace aether::test; // the cache, its blocks and the fixture
using aether::ublk::Stat;

TEST_F(CacheTest, AWriteRetiredDuringAFillDiscardsIt)
{
	Cache::Fill f[1];
	ASSERT_EQ(cache.reserve(30, 1, f, 1), 1u);
	const auto data = block_of(2);
	cache.write_end(cache.write_begin(30 * kCacheBlock, kCacheBlock), data.data(), kCacheBlock);
	land(f[0], 1); // the fill read the old block
	cache.fill_done(f[0].id, kCacheBlock, wake);
	EXPECT_EQ(read(30, 1), Cache::Lookup::kMiss);
	EXPECT_EQ(cache.counters().get(Stat::kPrefetchStale), 1u);
}

TEST_F(CacheTest, WriteThroughInstallsWholeBlocksAndDropsPartialOnes)
{
	const auto data = block_of(5, 2);
	cache.write_end(cache.write_begin(40 * kCacheBlock, 2 * kCacheBlock), data.data(), 2 * kCacheBlock);
	ASSERT_EQ(read(40, 2), Cache::Lookup::kHit);
	EXPECT_EQ(stamp_of(buf.data() + kCacheBlock), 5u);
	// 512 bytes into block 41: it can no longer be served from the cache.
	cache.write_end(cache.write_begin(41 * kCacheBlock + 512, 512), data.data(), 512);
	EXPECT_EQ(read(40, 1), Cache::Lookup::kHit);
	EXPECT_EQ(read(41, 1), Cache::Lookup::kMiss);
}

TEST_F(CacheTest, OverlappingWritesInFlightInstallNeither)
{
	const auto a = block_of(1), b = block_of(2);
	const uint32_t ta = cache.write_begin(50 * kCacheBlock, kCacheBlock);
	const uint32_t tb = cache.write_begin(50 * kCacheBlock, kCacheBlock);
	cache.write_end(ta, a.data(), kCacheBlock);
	cache.write_end(tb, b.data(), kCacheBlock);
	EXPECT_EQ(read(50, 1), Cache::Lookup::kMiss);
}

// Writes end in any order, and an ended write's token is given out again: each end
// must retire its own write, and only writes in flight together conflict.
TEST_F(CacheTest, WritesEndInAnyOrderWithTokensReused)
{
	const auto a = block_of(1), b = block_of(2), c = block_of(3), d = block_of(4), e = block_of(5);
	const uint32_t ta = cache.write_begin(10 * kCacheBlock, kCacheBlock);
	const uint32_t tb = cache.write_begin(20 * kCacheBlock, kCacheBlock);
	const uint32_t tc = cache.write_begin(30 * kCacheBlock, kCacheBlock);
	cache.write_end(tb, b.data(), kCacheBlock);
	const uint32_t td = cache.write_begin(20 * kCacheBlock, kCacheBlock); // after b ended: no conflict
	cache.write_end(ta, a.data(), kCacheBlock);
	cache.write_end(td, d.data(), kCacheBlock);
	cache.write_end(td, a.data(), kCacheBlock); // ended already: ignored
	const uint32_t te = cache.write_begin(10 * kCacheBlock, kCacheBlock);
	cache.write_end(tc, c.data(), kCacheBlock);
	cache.write_end(te, e.data(), kCacheBlock);
	ASSERT_EQ(read(10, 1), Cache::Lookup::kHit);
	EXPECT_EQ(stamp_of(buf.data()), 5u);
	ASSERT_EQ(read(20, 1), Cache::Lookup::kHit);
	EXPECT_EQ(stamp_of(buf.data()), 4u);
	ASSERT_EQ(read(30, 1), Cache::Lookup::kHit);
	EXPECT_EQ(stamp_of(buf.data()), 3u);
}

TEST_F(CacheTest, FailedOrDataLessWritesDropBlocks)
{
	const auto d = block_of(3);
	cache.write_end(cache.write_begin(0, kCacheBlock), d.data(), kCacheBlock);
	ASSERT_EQ(read(0, 1), Cache::Lookup::kHit);
	cache.write_end(cache.write_begin(0, kCacheBlock), d.data(), -EIO);
	EXPECT_EQ(read(0, 1), Cache::Lookup::kMiss);
	cache.write_end(cache.write_begin(0, kCacheBlock), d.data(), kCacheBlock);
	cache.write_end(cache.write_begin(0, 1ull << 40), nullptr, 0); // discard of everything
	EXPECT_EQ(read(0, 1), Cache::Lookup::kMiss);
}

TEST_F(CacheTest, DemandDataIsInstalledOnlyIfNoWriteRetiredMeanwhile)
{
	const auto old_data = block_of(1), new_data = block_of(2);
	const uint64_t e = cache.epoch();
	cache.write_end(cache.write_begin(60 * kCacheBlock, 512), new_data.data(), 512);
	cache.populate(60, 1, old_data.data(), e);
	EXPECT_EQ(read(60, 1), Cache::Lookup::kMiss);
	cache.populate(60, 1, old_data.data(), cache.epoch());
	EXPECT_EQ(read(60, 1), Cache::Lookup::kHit);
}

TEST_F(CacheTest, AWriteElsewhereDoesNotKeepDemandDataOut)
{
	const auto data = block_of(3), other = block_of(4);
	const uint64_t e = cache.epoch();
	// Writes right beside the read's blocks [40, 42), retired while it was in flight.
	cache.write_end(cache.write_begin(39 * kCacheBlock, kCacheBlock), other.data(), kCacheBlock);
	cache.write_end(cache.write_begin(42 * kCacheBlock, kCacheBlock), other.data(), kCacheBlock);
	cache.populate(40, 2, block_of(3, 2).data(), e);
	ASSERT_EQ(read(40, 2), Cache::Lookup::kHit);
	EXPECT_EQ(stamp_of(buf.data()), 3u);
	EXPECT_EQ(stamp_of(buf.data() + kCacheBlock), 3u);
	// One over its last block keeps it out.
	const uint64_t e2 = cache.epoch();
	cache.write_end(cache.write_begin(45 * kCacheBlock + 512, 512), other.data(), 512);
	cache.populate(44, 2, data.data(), e2);
	EXPECT_EQ(read(44, 1), Cache::Lookup::kMiss);
}

TEST_F(CacheTest, DemandDataIsKeptOutWhenMoreWritesRetiredThanTheCacheRemembers)
{
	const uint64_t e = cache.epoch();
	for (int i = 0; i < 64; i++)
		cache.write_end(cache.write_begin(500 * kCacheBlock, kCacheBlock), block_of(5).data(), kCacheBlock);
	cache.populate(10, 1, block_of(6).data(), e);
	EXPECT_EQ(read(10, 1), Cache::Lookup::kMiss);
}

} // namespace
