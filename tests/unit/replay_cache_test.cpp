// The replay's LRU cache evicts by recency and bytes, and tells used prefetches from wasted ones.
#include <vector>

#include <gtest/gtest.h>

#include "replay/cache.hpp"

using namespace aether::ctl;
using u64 = std::uint64_t;

constexpr u64 kPage = 4096;

namespace {

TEST(ReplayCache, EvictsLeastRecentlyUsed)
{
	LruCache c(3 * kPage);
	for (u64 k : {1, 2, 3})
		EXPECT_TRUE(c.put(k, kPage, LruCache::Origin::kDemand));
	EXPECT_EQ(c.get(1), LruCache::Lookup::kHit); // 2 is now the LRU
	EXPECT_TRUE(c.put(4, kPage, LruCache::Origin::kDemand));
	EXPECT_FALSE(c.contains(2));
	EXPECT_EQ(c.keys_by_recency(), (std::vector<u64>{4, 1, 3}));
	EXPECT_EQ(c.evictions(), 1u);
}

TEST(ReplayCache, EvictsByBytesUntilTheNewEntryFits)
{
	LruCache c(10);
	c.put(1, 4, LruCache::Origin::kDemand);
	c.put(2, 4, LruCache::Origin::kDemand);
	c.put(3, 7, LruCache::Origin::kDemand); // needs both 1 and 2 gone
	EXPECT_EQ(c.keys_by_recency(), (std::vector<u64>{3}));
	EXPECT_EQ(c.used_bytes(), 7u);
}

TEST(ReplayCache, EntryLargerThanTheCacheIsNotInserted)
{
	LruCache c(10);
	c.put(1, 4, LruCache::Origin::kDemand);
	EXPECT_FALSE(c.put(2, 11, LruCache::Origin::kDemand));
	EXPECT_TRUE(c.contains(1));
	EXPECT_FALSE(c.contains(2));
}

TEST(ReplayCache, MissInsertsNothing)
{
	LruCache c(kPage);
	EXPECT_EQ(c.get(7), LruCache::Lookup::kMiss);
	EXPECT_EQ(c.entries(), 0u);
}

TEST(ReplayCache, PrefetchHitCountsOnceAsUsed)
{
	LruCache c(4 * kPage);
	EXPECT_TRUE(c.put(5, kPage, LruCache::Origin::kPrefetch));
	EXPECT_EQ(c.get(5), LruCache::Lookup::kPrefetchHit);
	EXPECT_EQ(c.get(5), LruCache::Lookup::kHit);
}

TEST(ReplayCache, EvictedUnusedPrefetchIsWasted)
{
	LruCache c(2 * kPage);
	c.put(1, kPage, LruCache::Origin::kPrefetch);
	c.put(2, kPage, LruCache::Origin::kDemand);
	c.put(3, kPage, LruCache::Origin::kDemand); // evicts 1, never used
	EXPECT_EQ(c.wasted(), 1u);
}

TEST(ReplayCache, EvictedUsedPrefetchIsNotWasted)
{
	LruCache c(2 * kPage);
	c.put(1, kPage, LruCache::Origin::kPrefetch);
	c.get(1);
	c.put(2, kPage, LruCache::Origin::kDemand);
	c.put(3, kPage, LruCache::Origin::kDemand); // evicts 2
	c.put(4, kPage, LruCache::Origin::kDemand); // evicts 1, used before
	EXPECT_EQ(c.wasted(), 0u);
}

TEST(ReplayCache, PrefetchOfPresentKeyChangesNothing)
{
	LruCache c(2 * kPage);
	c.put(1, kPage, LruCache::Origin::kDemand);
	c.put(2, kPage, LruCache::Origin::kDemand);
	EXPECT_FALSE(c.put(1, kPage, LruCache::Origin::kPrefetch)); // not refreshed
	c.put(3, kPage, LruCache::Origin::kDemand);
	EXPECT_FALSE(c.contains(1));
	EXPECT_EQ(c.get(2), LruCache::Lookup::kHit); // and not flagged
}

TEST(ReplayCache, WriteOverUnusedPrefetchIsWasted)
{
	LruCache c(2 * kPage);
	c.put(1, kPage, LruCache::Origin::kPrefetch);
	c.put(1, kPage, LruCache::Origin::kDemand);
	EXPECT_EQ(c.wasted(), 1u);
	EXPECT_EQ(c.get(1), LruCache::Lookup::kHit);
}

TEST(ReplayCache, ManyKeysSurviveIndexGrowthAndDeletion)
{
	// Enough churn to grow the index several times and shift entries on erase.
	LruCache c(1000 * kPage);
	for (u64 k = 0; k < 20000; k++)
		c.put(k * 7919, kPage, LruCache::Origin::kDemand);
	EXPECT_EQ(c.entries(), 1000u);
	for (u64 k = 19000; k < 20000; k++)
		EXPECT_EQ(c.get(k * 7919), LruCache::Lookup::kHit) << k;
	for (u64 k = 0; k < 19000; k += 97)
		EXPECT_EQ(c.get(k * 7919), LruCache::Lookup::kMiss) << k;
}

} // namespace
