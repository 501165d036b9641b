// aether-ublk's cache evicts prefetched blocks nobody has read before the blocks demand reads use, so a prefetch burst does not push the working set out.
#include <gtest/gtest.h>

#include "ublk_cache.hpp"

namespace {

using namespace aether::test; // the cache, its blocks and the fixture

// Reserves and lands every block of @blocks as prefetch, one fill each, stamped with
// the block number.
void prefetch(Cache &cache, std::vector<aether::ublk::Waiter> &wake, std::initializer_list<uint64_t> blocks)
{
	for (uint64_t b : blocks) {
		Cache::Fill f[1];
		ASSERT_EQ(cache.reserve(b, 1, f, 1), 1u) << b;
		land(f[0], static_cast<uint32_t>(b));
		cache.fill_done(f[0].id, kCacheBlock, wake);
	}
}

TEST_F(CacheTest, UnreadPrefetchedBlocksGoBeforeTheDemandWorkingSet)
{
	// Set 0 of 8 holds blocks 0, 8, 16, ...: half of it the working set, read on
	// demand, the other half prefetched and not read yet.
	for (uint64_t b : {0, 8, 16, 24}) {
		ASSERT_EQ(read(b, 1), Cache::Lookup::kMiss);
		cache.populate(b, 1, block_of(static_cast<uint32_t>(b)).data(), cache.epoch());
	}
	prefetch(cache, wake, {32, 40, 48, 56});
	// Another burst into the same set: its room must come from the unread prefetch.
	prefetch(cache, wake, {64, 72, 80, 88});
	for (uint64_t b : {0, 8, 16, 24}) {
		ASSERT_EQ(read(b, 1), Cache::Lookup::kHit) << "working-set block " << b << " was evicted";
		EXPECT_EQ(stamp_of(buf.data()), b);
	}
	for (uint64_t b : {64, 72, 80, 88}) {
		ASSERT_EQ(read(b, 1), Cache::Lookup::kHit) << "new prefetched block " << b;
		EXPECT_EQ(stamp_of(buf.data()), b);
	}
}

} // namespace
