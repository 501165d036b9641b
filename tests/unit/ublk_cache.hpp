// What the tests of aether-ublk's cache tier share: blocks stamped with a number in
// every word, so a torn or stale block is told apart from the one expected, and a
// fixture with a cache of 8 sets.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "cache.hpp"

namespace aether::test {

using ublk::Cache;
using ublk::kCacheBlock;

// @n blocks holding @stamp in every 4-byte word.
inline std::vector<char> block_of(uint32_t stamp, uint32_t n = 1)
{
	std::vector<char> b(size_t{n} * kCacheBlock);
	for (size_t i = 0; i < b.size(); i += 4)
		std::memcpy(&b[i], &stamp, 4);
	return b;
}

// The stamp of the block at @p, or UINT32_MAX if its words disagree.
inline uint32_t stamp_of(const char *p)
{
	uint32_t s;
	std::memcpy(&s, p, 4);
	for (size_t i = 4; i < kCacheBlock; i += 4)
		if (std::memcmp(p + i, &s, 4))
			return UINT32_MAX; // torn: never a valid stamp
	return s;
}

// Fills a reserved fill's slots as a backend read of blocks holding @stamp would.
inline void land(const Cache::Fill &f, uint32_t stamp)
{
	for (uint32_t i = 0; i < f.count; i++)
		std::memcpy(f.iov[i].iov_base, block_of(stamp).data(), kCacheBlock);
}

// Makes blocks [b, b + n) valid through one fill, holding @stamp, as a prefetch that
// landed would: their reference bits clear.
inline void prefetch(Cache &cache, uint64_t b, uint32_t n, uint32_t stamp)
{
	Cache::Fill f[1];
	std::vector<ublk::Waiter> wake;
	ASSERT_EQ(cache.reserve(b, n, f, 1), 1u);
	land(f[0], stamp);
	cache.fill_done(f[0].id, static_cast<int>(n * kCacheBlock), wake);
}

// A cache of 64 blocks (8 sets of 8 ways) with room for 16 fills, and a demand
// reader whose waiter is queue 0, tag 7.
struct CacheTest : ::testing::Test {
	Cache cache;
	std::vector<ublk::Waiter> wake;
	std::vector<char> buf = std::vector<char>(64 * kCacheBlock);
	uint32_t fill_id = 0;
	void SetUp() override { ASSERT_EQ(cache.init(64 * kCacheBlock, 16), 0); }
	// Reads blocks [b, b + n) into buf; a fill it waits for is left in fill_id.
	Cache::Lookup read(uint64_t b, uint32_t n)
	{
		const Cache::ReadResult r = cache.read(b * kCacheBlock, n * kCacheBlock, buf.data(), {0, 7});
		fill_id = r.fill;
		return r.how;
	}
};

} // namespace aether::test
