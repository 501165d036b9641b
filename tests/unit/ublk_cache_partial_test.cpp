// aether-ublk's cache serves the valid blocks around a read's missing ones, aligned or not, and asks the backend only for the span between.
#include <cstring>

#include <gtest/gtest.h>

#include "stats.hpp"
#include "ublk_cache.hpp"

namespace {

using namespace aether::test; // the cache, its blocks and the fixture
using aether::ublk::Stat;

TEST_F(CacheTest, AReadAheadWindowCoveringTheHeadServesItAndLeavesTheTail)
{
	// A readahead window of 4 blocks, then a read of 8 from its start: the usual
	// shape when the kernel's requests are larger than what was prefetched.
	prefetch(cache, 10, 4, 42);
	const Cache::ReadResult r = cache.read(10 * kCacheBlock, 8 * kCacheBlock, buf.data(), {0, 7});
	ASSERT_EQ(r.how, Cache::Lookup::kMiss);
	EXPECT_EQ(r.part_off, 14 * kCacheBlock);
	EXPECT_EQ(r.part_len, 4 * kCacheBlock);
	for (uint32_t i = 0; i < 4; i++)
		EXPECT_EQ(stamp_of(buf.data() + size_t{i} * kCacheBlock), 42u) << i;
	const auto &c = cache.counters();
	EXPECT_EQ(c.get(Stat::kHitBlocks), 4u);
	EXPECT_EQ(c.get(Stat::kPrefetchUsed), 4u);
}

TEST_F(CacheTest, ValidBlocksOnBothSidesAreServedAndTheSpanBetweenIsRead)
{
	prefetch(cache, 20, 1, 5);
	prefetch(cache, 22, 2, 6);
	const Cache::ReadResult r = cache.read(20 * kCacheBlock, 4 * kCacheBlock, buf.data(), {0, 7});
	ASSERT_EQ(r.how, Cache::Lookup::kMiss);
	EXPECT_EQ(r.part_off, 21 * kCacheBlock);
	EXPECT_EQ(r.part_len, kCacheBlock);
	EXPECT_EQ(stamp_of(buf.data()), 5u);
	EXPECT_EQ(stamp_of(buf.data() + 2 * kCacheBlock), 6u);
	EXPECT_EQ(stamp_of(buf.data() + 3 * kCacheBlock), 6u);
	// A block in flight inside the span is read with it: nothing waits when the
	// backend must be read anyway.
	Cache::Fill f[1];
	ASSERT_EQ(cache.reserve(31, 1, f, 1), 1u);
	prefetch(cache, 30, 1, 8);
	const Cache::ReadResult w = cache.read(30 * kCacheBlock, 3 * kCacheBlock, buf.data(), {0, 7});
	ASSERT_EQ(w.how, Cache::Lookup::kMiss);
	EXPECT_EQ(w.part_off, 31 * kCacheBlock);
	EXPECT_EQ(w.part_len, 2 * kCacheBlock);
	EXPECT_EQ(stamp_of(buf.data()), 8u);
}

TEST_F(CacheTest, AReadWithNothingValidReadsItAll)
{
	const Cache::ReadResult r = cache.read(40 * kCacheBlock, 3 * kCacheBlock, buf.data(), {0, 7});
	ASSERT_EQ(r.how, Cache::Lookup::kMiss);
	EXPECT_EQ(r.part_off, 40 * kCacheBlock);
	EXPECT_EQ(r.part_len, 3 * kCacheBlock);
	EXPECT_EQ(cache.counters().get(Stat::kHitBlocks), 0u);
}

// Whether @n bytes at @p all belong to blocks stamped @stamp (a whole number of words).
bool all_stamped(const char *p, size_t n, uint32_t stamp)
{
	for (size_t i = 0; i < n; i += 4)
		if (std::memcmp(p + i, &stamp, 4))
			return false;
	return true;
}

TEST_F(CacheTest, ReadsNotAlignedToBlocksAreServedFromTheBlocksThatCoverThem)
{
	// ext4 with 1 KiB blocks puts file data 1 KiB off the cache's 4 KiB blocks.
	prefetch(cache, 10, 2, 42);
	constexpr uint64_t kOff = 10 * kCacheBlock + 1024;
	ASSERT_EQ(cache.read(kOff, kCacheBlock, buf.data(), {0, 7}).how, Cache::Lookup::kHit);
	EXPECT_TRUE(all_stamped(buf.data(), kCacheBlock, 42));
	// 8 KiB from the same place runs 1 KiB into block 12, which is absent: only that
	// KiB is left to the backend.
	const Cache::ReadResult r = cache.read(kOff, 2 * kCacheBlock, buf.data(), {0, 7});
	ASSERT_EQ(r.how, Cache::Lookup::kMiss);
	EXPECT_EQ(r.part_off, 12 * kCacheBlock);
	EXPECT_EQ(r.part_len, 1024u);
	EXPECT_TRUE(all_stamped(buf.data(), 2 * kCacheBlock - 1024, 42));
}

} // namespace
