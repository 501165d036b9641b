// aether-ublk's cache under threads: reads that copy out of pinned slots, without the lock, while a write-through writer retires over the same blocks, never see a torn block nor one older than the last write acknowledged before the read began.
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ublk_cache.hpp"

namespace {

using namespace aether::test; // the cache and its stamped blocks

constexpr uint32_t kBlocks = 48;    // the device; more than the cache holds (8 sets of 8)
constexpr uint32_t kMaxRead = 16;   // blocks: past Cache::kCopyLocked, so pinned
constexpr unsigned kWrites = 20000;

// xorshift32: each thread's own cheap sequence of ranges.
uint32_t next(uint32_t &x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

TEST(CacheConcurrent, PinnedReadsSeeWholeBlocksNoOlderThanTheLastAcknowledgedWrite)
{
	Cache cache;
	ASSERT_EQ(cache.init(64 * kCacheBlock, 4), 0);
	// acked[b]: the stamp of the last write over block b that write_end() returned
	// for. Stamps only grow, since one thread writes.
	std::atomic<uint32_t> acked[kBlocks] = {};
	std::atomic<bool> done{false};
	std::atomic<uint64_t> torn{0}, older{0}, checked{0};

	std::thread writer([&] {
		uint32_t x = 1;
		for (uint32_t stamp = 1; stamp <= kWrites; stamp++) {
			const uint32_t first = next(x) % kBlocks;
			const uint32_t n = 1 + next(x) % std::min<uint32_t>(8, kBlocks - first);
			const auto data = block_of(stamp, n);
			const uint32_t token = cache.write_begin(uint64_t{first} * kCacheBlock, uint64_t{n} * kCacheBlock);
			cache.write_end(token, data.data(), static_cast<int>(n * kCacheBlock));
			for (uint32_t b = first; b < first + n; b++)
				acked[b].store(stamp, std::memory_order_release);
		}
		done = true;
	});
	std::vector<std::thread> readers;
	for (uint16_t r = 0; r < 2; r++)
		readers.emplace_back([&, r] {
			uint32_t x = 7 + r;
			std::vector<char> buf(size_t{kMaxRead} * kCacheBlock);
			uint32_t floor[kMaxRead];
			while (!done) {
				const uint32_t first = next(x) % (kBlocks - kMaxRead);
				const uint32_t n = 3 + next(x) % (kMaxRead - 2);
				for (uint32_t i = 0; i < n; i++)
					floor[i] = acked[first + i].load(std::memory_order_acquire);
				const Cache::ReadResult res = cache.read(uint64_t{first} * kCacheBlock, n * kCacheBlock,
									 buf.data(), {r, 0});
				ASSERT_NE(res.how, Cache::Lookup::kWait); // nothing fills here
				for (uint32_t i = 0; i < n; i++) {
					const uint64_t off = uint64_t{first + i} * kCacheBlock;
					if (res.how == Cache::Lookup::kMiss && off >= res.part_off &&
					    off < res.part_off + res.part_len)
						continue; // not served from the cache
					const uint32_t s = stamp_of(buf.data() + size_t{i} * kCacheBlock);
					checked++;
					if (s == UINT32_MAX)
						torn++;
					else if (s < floor[i])
						older++;
				}
			}
		});
	writer.join();
	for (std::thread &t : readers)
		t.join();
	EXPECT_GT(checked.load(), 0u);
	EXPECT_EQ(torn.load(), 0u);
	EXPECT_EQ(older.load(), 0u);
}

} // namespace
