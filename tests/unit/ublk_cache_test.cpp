// aether-ublk's cache tier: hits, CLOCK eviction, and coherence against racing writes, fills and reads.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "cache.hpp"
#include "core_sim.hpp"

namespace {

using aether::ublk::Cache;
using aether::ublk::kCacheBlock;
using aether::ublk::Stat;
using aether::ublk::Waiter;

std::vector<char> block_of(uint32_t stamp, uint32_t n = 1)
{
	std::vector<char> b(size_t{n} * kCacheBlock);
	for (size_t i = 0; i < b.size(); i += 4)
		std::memcpy(&b[i], &stamp, 4);
	return b;
}

uint32_t stamp_of(const char *p)
{
	uint32_t s;
	std::memcpy(&s, p, 4);
	for (size_t i = 4; i < kCacheBlock; i += 4)
		if (std::memcmp(p + i, &s, 4))
			return UINT32_MAX; // torn: never a valid stamp
	return s;
}

// Fills a reserved fill's slots as a backend read of blocks holding @stamp would.
void land(const Cache::Fill &f, uint32_t stamp)
{
	for (uint32_t i = 0; i < f.count; i++)
		std::memcpy(f.iov[i].iov_base, block_of(stamp).data(), kCacheBlock);
}

struct CacheTest : ::testing::Test {
	Cache cache;
	std::vector<Waiter> wake;
	std::vector<char> buf = std::vector<char>(64 * kCacheBlock);
	uint32_t fill_id = 0;
	void SetUp() override { ASSERT_EQ(cache.init(64 * kCacheBlock, 16), 0); }
	Cache::Lookup read(uint64_t b, uint32_t n)
	{
		const Cache::ReadResult r = cache.read(b, n, buf.data(), {0, 7});
		fill_id = r.fill;
		return r.how;
	}
};

TEST_F(CacheTest, RejectsLessThanOneSet)
{
	Cache small;
	EXPECT_EQ(small.init(Cache::kWays * kCacheBlock - 1, 4), -EINVAL);
	EXPECT_FALSE(small.enabled());
}

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

// A model of the device: a backend whose blocks carry stamps, and fills, demand reads
// and writes that each take effect on it at a random moment between issue and
// completion, interleaved at random. Every cache hit must be what the backend holds,
// or, while writes to that block are in flight, something one of them or the backend
// could hold.
struct Op {
	enum Kind { kFill, kDemand, kWrite } kind = kFill;
	explicit Op(Kind k) : kind(k) {}
	int phase = 0; // 0: issued; 1: took effect on the backend
	Cache::Fill fill{};
	uint64_t block = 0;
	uint32_t count = 0;
	uint64_t epoch = 0;
	uint64_t off = 0, len = 0; // a write's bytes
	uint32_t token = 0;
	bool discard = false, fail = false;
	std::vector<char> data;
};

TEST(CacheModel, RandomInterleavingsNeverServeStaleData)
{
	constexpr uint64_t kBlocks = 96;
	aether::test::XorShift rng{0x5eed};
	for (int round = 0; round < 40; round++) {
		Cache cache;
		ASSERT_EQ(cache.init(32 * kCacheBlock, 8), 0); // 4 sets: constant eviction
		std::vector<uint32_t> backend(kBlocks, 0);
		std::vector<std::set<uint32_t>> allowed(kBlocks);
		std::vector<int> writing(kBlocks, 0);
		std::vector<Op> ops;
		std::vector<Waiter> wake;
		std::vector<char> out(8 * kCacheBlock);
		uint32_t next_stamp = 1;
		uint64_t hits = 0;

		const auto check_hit = [&](uint64_t b, uint32_t n) {
			for (uint32_t i = 0; i < n; i++) {
				const uint32_t got = stamp_of(out.data() + size_t{i} * kCacheBlock);
				if (writing[b + i])
					ASSERT_TRUE(allowed[b + i].count(got)) << "block " << b + i << " stamp " << got;
				else
					ASSERT_EQ(got, backend[b + i]) << "block " << b + i;
			}
			hits++;
		};
		const auto demand = [&](uint64_t b, uint32_t n) {
			const Cache::ReadResult got = cache.read(b, n, out.data(), {0, 0});
			switch (got.how) {
			case Cache::Lookup::kHit:
				check_hit(b, n);
				return;
			case Cache::Lookup::kWait:
				return; // woken when the fill lands; the model simply reads again then
			case Cache::Lookup::kMiss: {
				Op op(Op::kDemand);
				op.block = b;
				op.count = n;
				op.epoch = got.epoch;
				ops.push_back(op);
				return;
			}
			}
		};

		for (int step = 0; step < 4000; step++) {
			const uint32_t r = static_cast<uint32_t>(rng() % 100);
			const uint64_t b = rng() % (kBlocks - 8);
			const uint32_t n = 1 + static_cast<uint32_t>(rng() % 8);
			if (r < 20 || ops.empty()) {
				demand(b, 1 + n % 2);
			} else if (r < 30) {
				Cache::Fill f[2];
				const unsigned got = cache.reserve(b, n, f, 2);
				for (unsigned i = 0; i < got; i++) {
					Op op(Op::kFill);
					op.fill = f[i];
					ops.push_back(op);
				}
			} else if (r < 40) {
				Op op(Op::kWrite);
				op.discard = rng() % 5 == 0;
				op.fail = rng() % 10 == 0;
				// Some writes cover part of a block, as 512-byte requests do.
				const uint64_t off = b * kCacheBlock + (rng() % 4 == 0 ? 512 : 0);
				const uint64_t len = n * uint64_t{kCacheBlock} - (off % kCacheBlock ? 1024 : 0);
				op.block = b;
				op.count = n;
				op.data = block_of(next_stamp++, n);
				op.token = cache.write_begin(off, len);
				for (uint32_t i = 0; i < n; i++) {
					if (!writing[b + i]++)
						allowed[b + i] = {backend[b + i]};
					allowed[b + i].insert(op.discard ? 0 : stamp_of(op.data.data() + size_t{i} * kCacheBlock));
				}
				op.off = off;
				op.len = len;
				ops.push_back(std::move(op));
			} else {
				const size_t i = rng() % ops.size();
				Op &op = ops[i];
				if (op.phase == 0) {
					// The backend I/O happens now.
					if (op.kind == Op::kFill) {
						for (uint32_t k = 0; k < op.fill.count; k++)
							std::memcpy(op.fill.iov[k].iov_base, block_of(backend[op.fill.block + k]).data(), kCacheBlock);
					} else if (op.kind == Op::kDemand) {
						op.data.clear();
						for (uint32_t k = 0; k < op.count; k++) {
							const auto d = block_of(backend[op.block + k]);
							op.data.insert(op.data.end(), d.begin(), d.end());
						}
					} else if (!op.fail || rng() % 2) {
						// A block only partly written changes stamp too: it is a new content.
						const uint64_t off = op.off, len = op.len;
						for (uint32_t k = 0; k < op.count; k++) {
							const uint64_t bs = (op.block + k) * kCacheBlock;
							const bool whole = bs >= off && bs + kCacheBlock <= off + len;
							const uint32_t s = op.discard ? 0 : stamp_of(op.data.data() + size_t{k} * kCacheBlock);
							backend[op.block + k] = whole ? s : next_stamp++;
							allowed[op.block + k].insert(backend[op.block + k]);
						}
					}
					op.phase = 1;
					continue;
				}
				// Completion.
				if (op.kind == Op::kFill) {
					wake.clear();
					const bool short_read = rng() % 10 == 0;
					cache.fill_done(op.fill.id, short_read ? static_cast<int>(kCacheBlock) : static_cast<int>(op.fill.count * kCacheBlock), wake);
					if (!wake.empty())
						demand(op.fill.block, 1);
				} else if (op.kind == Op::kDemand) {
					cache.populate(op.block, op.count, op.data.data(), op.epoch);
				} else {
					cache.write_end(op.token, op.discard ? nullptr : op.data.data(), op.fail ? -EIO : 0);
					for (uint32_t k = 0; k < op.count; k++)
						writing[op.block + k]--;
				}
				ops[i] = std::move(ops.back());
				ops.pop_back();
			}
		}
		// Drain, then every block the cache serves must be the backend's.
		while (!ops.empty()) {
			Op &op = ops.back();
			if (op.kind == Op::kFill) {
				wake.clear();
				cache.fill_done(op.fill.id, -EIO, wake);
			} else if (op.kind == Op::kWrite) {
				cache.write_end(op.token, nullptr, -EIO);
				for (uint32_t k = 0; k < op.count; k++)
					writing[op.block + k]--;
			}
			ops.pop_back();
		}
		for (uint64_t blk = 0; blk < kBlocks; blk++)
			demand(blk, 1);
		EXPECT_GT(hits, 50u) << "round " << round << ": the model hardly exercised the cache";
	}
}

} // namespace
