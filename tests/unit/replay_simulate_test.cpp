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

TEST(ReplaySimulate, ObjectModeFetchesANamedObjectWhole)
{
	// 32 sectors after an 8-sector request: tiled, four objects; named, one of 32.
	ScriptedPrefetcher tiled({{{300, 32}}});
	const Metrics t = aether::ctl::simulate({read(512 * 100, 4096)}, SimMode::kObject, 1 << 20, tiled);
	EXPECT_EQ(t.prefetched_units, 4u);
	ScriptedPrefetcher named({{{300, 32, Fetch::kOneObject}}});
	const Metrics n = aether::ctl::simulate({read(512 * 100, 4096), read(512 * 308, 4096)}, SimMode::kObject,
						1 << 20, named);
	EXPECT_EQ(n.prefetched_units, 1u);
	EXPECT_EQ(n.prefetched_bytes, 32u * 512);
	EXPECT_EQ(n.hits, 0u); // 308 would have been the second tile
}

TEST(ReplaySimulate, ObjectModeTilesAWindowFromTheRequestItFollows)
{
	// After 8-sector requests at 0 and 8, a window from a frontier at 20 that earlier
	// requests of another size left: the next requests start at 24, 32, 40, so those
	// are its objects, not 20, 28, 36. Without the anchoring, all three miss.
	ScriptedPrefetcher ahead({{}, {{20, 32}}});
	const Metrics a = aether::ctl::simulate({read(0, 4096), read(512 * 8, 4096), read(512 * 24, 4096),
						 read(512 * 32, 4096), read(512 * 40, 4096)},
						SimMode::kObject, 1 << 20, ahead);
	EXPECT_EQ(a.prefetch_hits, 3u);
	// Behind a request at 100, a window [58, 100) is tiled down from 100: 92, 84, ...
	ScriptedPrefetcher behind({{{58, 42}}});
	const Metrics b = aether::ctl::simulate({read(512 * 100, 4096), read(512 * 92, 4096), read(512 * 84, 4096)},
						SimMode::kObject, 1 << 20, behind);
	EXPECT_EQ(b.prefetch_hits, 2u);
}

} // namespace
