// The replay's simulators count demand, hits and prefetches in pages (block mode) or objects (object mode).
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "replay/simulate.hpp"
#include "replay_fixture.hpp"

using namespace aether::ctl;

namespace {

constexpr u64 kPage = 4096;

// Prefetches a fixed list, one entry per access, and records what it saw.
class ScriptedPrefetcher : public Prefetcher {
public:
	explicit ScriptedPrefetcher(std::vector<std::vector<Range>> script = {}) : script_(std::move(script)) {}

	void access(u64 addr, u32 len, std::vector<Range> &out) override
	{
		seen.push_back({addr, len});
		if (seen.size() <= script_.size())
			for (const Range &r : script_[seen.size() - 1])
				out.push_back(r);
	}

	std::vector<Range> seen;

private:
	std::vector<std::vector<Range>> script_;
};

Request read(u64 off, u64 len)
{
	return {off, len, Op::kRead};
}

Request write(u64 off, u64 len)
{
	return {off, len, Op::kWrite};
}

TEST(ReplaySimulate, BlockUnalignedReadCoversEveryTouchedPage)
{
	ScriptedPrefetcher p;
	const Metrics m = aether::ctl::simulate({read(4000, 200)}, SimMode::kBlock, 1 << 20, p);
	EXPECT_EQ(m.demand_units, 2u);
	EXPECT_EQ(m.demand_bytes, 2 * kPage);
	ASSERT_EQ(p.seen.size(), 1u);
	EXPECT_EQ(p.seen[0].start, 0u);
	EXPECT_EQ(p.seen[0].length, 2u);
}

TEST(ReplaySimulate, BlockWritesFillTheCacheButAreNotDemandOrSeen)
{
	ScriptedPrefetcher p;
	const Metrics m = aether::ctl::simulate({write(0, 8192), read(0, 8192)}, SimMode::kBlock, 1 << 20, p);
	EXPECT_EQ(m.demand_units, 2u);
	EXPECT_EQ(m.hits, 2u);
	EXPECT_EQ(p.seen.size(), 1u);
}

TEST(ReplaySimulate, BlockPrefetchHitIsUsedAndCovers)
{
	// Page 10 is prefetched after the first read, then read: 1 of 2 misses avoided.
	ScriptedPrefetcher p({{{10, 1}}});
	const Metrics m = aether::ctl::simulate({read(0, kPage), read(10 * kPage, kPage)}, SimMode::kBlock,
						1 << 20, p);
	EXPECT_EQ(m.prefetched_units, 1u);
	EXPECT_EQ(m.prefetched_bytes, kPage);
	EXPECT_EQ(m.prefetch_hits, 1u);
	EXPECT_DOUBLE_EQ(m.accuracy(), 1.0);
	EXPECT_DOUBLE_EQ(m.coverage(), 0.5);
	EXPECT_DOUBLE_EQ(m.hit_ratio(), 0.5);
}

TEST(ReplaySimulate, BlockPrefetchEvictedUnusedIsWasted)
{
	// A 2-page cache: the prefetched page 10 is pushed out by pages 1 and 2 unused.
	ScriptedPrefetcher p({{{10, 1}}});
	const Metrics m = aether::ctl::simulate({read(0, kPage), read(kPage, 2 * kPage), read(10 * kPage, kPage)},
						SimMode::kBlock, 2 * kPage, p);
	EXPECT_EQ(m.prefetched_units, 1u);
	EXPECT_EQ(m.prefetch_hits, 0u);
	EXPECT_EQ(m.prefetch_wasted, 1u);
	EXPECT_DOUBLE_EQ(m.accuracy(), 0.0);
}

TEST(ReplaySimulate, BlockPrefetchSkipsPresentPages)
{
	ScriptedPrefetcher p({{{0, 3}}});
	const Metrics m = aether::ctl::simulate({read(0, kPage)}, SimMode::kBlock, 1 << 20, p);
	EXPECT_EQ(m.prefetched_units, 2u); // pages 1 and 2; page 0 was there
}

TEST(ReplaySimulate, ObjectModeEveryRequestIsAGetInSectors)
{
	ScriptedPrefetcher p;
	const Metrics m = aether::ctl::simulate({write(512 * 100, 4096), read(512 * 100, 8192)}, SimMode::kObject,
						1 << 20, p);
	EXPECT_EQ(m.demand_units, 2u);
	EXPECT_EQ(m.hits, 1u); // same id: hit, whatever the op or size
	EXPECT_EQ(m.demand_bytes, 4096u + 8192u);
	ASSERT_EQ(p.seen.size(), 2u);
	EXPECT_EQ(p.seen[0].start, 100u);
	EXPECT_EQ(p.seen[0].length, 8u);
	EXPECT_EQ(p.seen[1].length, 16u);
}

TEST(ReplaySimulate, ObjectModePrefetchInsertsOneObject)
{
	ScriptedPrefetcher p({{{108, 8}}});
	const Metrics m = aether::ctl::simulate({read(512 * 100, 4096), read(512 * 108, 4096)}, SimMode::kObject,
						1 << 20, p);
	EXPECT_EQ(m.prefetched_units, 1u);
	EXPECT_EQ(m.prefetched_bytes, 8u * 512);
	EXPECT_EQ(m.prefetch_hits, 1u);
	EXPECT_DOUBLE_EQ(m.hit_ratio(), 0.5);
}

TEST(ReplaySimulate, ObjectModeServesRequestsInsideAWindowButNotInsideANamedObject)
{
	// 32 sectors after an 8-sector request: a window, one entry that serves the
	// request at 308 inside it; named, one object of 32 that only a get of 300 finds.
	const std::vector<Request> requests = {read(512 * 100, 4096), read(512 * 308, 4096)};
	ScriptedPrefetcher window({{{300, 32}}});
	const Metrics w = aether::ctl::simulate(requests, SimMode::kObject, 1 << 20, window);
	EXPECT_EQ(w.prefetched_units, 1u);
	EXPECT_EQ(w.prefetched_bytes, 32u * 512);
	EXPECT_EQ(w.hits, 1u);
	EXPECT_EQ(w.prefetch_hits, 1u);
	ScriptedPrefetcher named({{{300, 32, Fetch::kOneObject}}});
	const Metrics n = aether::ctl::simulate(requests, SimMode::kObject, 1 << 20, named);
	EXPECT_EQ(n.prefetched_units, 1u);
	EXPECT_EQ(n.prefetched_bytes, 32u * 512);
	EXPECT_EQ(n.hits, 0u);
}

TEST(ReplaySimulate, ObjectModeWindowsServeRequestsOfAnySizeAcrossTheirEdges)
{
	// After 8-sector requests at 0 and 8, windows [16, 48) and [48, 80). The stream
	// goes on in 12-sector requests: 16, 28, 40 (across both windows), 52, 64 all
	// hit, though no window was cut at those ids; 76 runs past the second window.
	ScriptedPrefetcher p({{}, {{16, 32}, {48, 32}}});
	const Metrics m = aether::ctl::simulate({read(0, 4096), read(512 * 8, 4096), read(512 * 16, 6144),
						 read(512 * 28, 6144), read(512 * 40, 6144), read(512 * 52, 6144),
						 read(512 * 64, 6144), read(512 * 76, 6144)},
						SimMode::kObject, 1 << 20, p);
	EXPECT_EQ(m.hits, 5u);
	EXPECT_EQ(m.prefetch_hits, 2u); // each window counts once, at its first use: 16 and 40
	EXPECT_EQ(m.demand_misses, 3u);
	EXPECT_EQ(m.prefetch_wasted, 0u);
}

TEST(ReplaySimulate, ObjectModeWindowEvictedServesNothing)
{
	// A cache of 40 sectors: the window [16, 48) is evicted by the misses after it,
	// so the request at 24 misses, and the window counts as wasted.
	ScriptedPrefetcher p({{{16, 32}}});
	const Metrics m = aether::ctl::simulate({read(0, 4096), read(512 * 1000, 4096), read(512 * 2000, 4096),
						 read(512 * 24, 4096)},
						SimMode::kObject, 40 * 512, p);
	EXPECT_EQ(m.hits, 0u);
	EXPECT_EQ(m.prefetch_wasted, 1u);
}

} // namespace
