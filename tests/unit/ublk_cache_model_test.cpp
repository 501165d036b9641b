// aether-ublk's cache never serves stale data: random interleavings of fills, demand reads and writes against a model of the backend.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "core_sim.hpp"
#include "ublk_cache.hpp"

namespace {

using namespace aether::test; // the cache, its blocks and the fixture
using aether::ublk::Waiter;

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
	uint32_t first = 0, part = 0; // a demand's blocks the backend reads; the cache copied the rest
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

		// Block @b, served from the cache into out[@i], must be current.
		const auto check_block = [&](uint64_t b, uint32_t i) {
			const uint32_t got = stamp_of(out.data() + size_t{i} * kCacheBlock);
			if (writing[b])
				ASSERT_TRUE(allowed[b].count(got)) << "block " << b << " stamp " << got;
			else
				ASSERT_EQ(got, backend[b]) << "block " << b;
		};
		const auto check_hit = [&](uint64_t b, uint32_t n) {
			for (uint32_t i = 0; i < n; i++)
				check_block(b + i, i);
			hits++;
		};
		const auto demand = [&](uint64_t b, uint32_t n) {
			const Cache::ReadResult got = cache.read(b * kCacheBlock, n * kCacheBlock, out.data(), {0, 0});
			switch (got.how) {
			case Cache::Lookup::kHit:
				check_hit(b, n);
				return;
			case Cache::Lookup::kWait:
				return; // woken when the fill lands; the model simply reads again then
			case Cache::Lookup::kMiss: {
				// The blocks around the missing ones were served from the cache now;
				// the backend reads the rest when the demand takes effect.
				Op op(Op::kDemand);
				op.block = b;
				op.count = n;
				op.epoch = got.epoch;
				op.first = static_cast<uint32_t>((got.part_off >> aether::ublk::kCacheBlockShift) - b);
				op.part = got.part_len >> aether::ublk::kCacheBlockShift;
				for (uint32_t i = 0; i < n; i++)
					if (i < op.first || i >= op.first + op.part)
						check_block(b + i, i);
				hits += op.part < n; // served in part: checked like a hit
				op.data.assign(out.begin(), out.begin() + size_t{n} * kCacheBlock);
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
						for (uint32_t k = op.first; k < op.first + op.part; k++)
							std::memcpy(op.data.data() + size_t{k} * kCacheBlock,
								    block_of(backend[op.block + k]).data(), kCacheBlock);
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
