// aether-ublk's index of writes in flight finds every overlap a scan of all of them would, while comparing a new write only with those near it.
#include <gtest/gtest.h>

#include <vector>

#include "core_sim.hpp"
#include "write_index.hpp"

namespace {

using aether::test::XorShift;
using aether::ublk::WriteIndex;

constexpr uint64_t kRegion = uint64_t{1} << WriteIndex::kRegionShift;

// Random writes begin and end against a plain list of the writes in flight. Their
// blocks fall in regions that share buckets (every kBuckets regions), and some are
// wide enough to be listed apart; each write must end with the conflict flag the
// list gives it: set if it overlapped any write in flight with it.
TEST(WriteIndex, FindsTheOverlapsAScanOfAllWritesFinds)
{
	struct Live {
		uint32_t token;
		uint64_t first, last;
		bool conflict;
	};
	XorShift next{7};
	WriteIndex index;
	std::vector<Live> live;
	unsigned conflicts = 0, wide = 0;
	for (int step = 0; step < 200000; step++) {
		if (!live.empty() && (live.size() >= 300 || next() % 2)) {
			const size_t i = next() % live.size();
			WriteIndex::Write w;
			ASSERT_TRUE(index.remove(live[i].token, &w));
			ASSERT_EQ(w.first, live[i].first);
			ASSERT_EQ(w.last, live[i].last);
			ASSERT_EQ(w.conflict, live[i].conflict) << "step " << step;
			conflicts += w.conflict;
			ASSERT_FALSE(index.remove(live[i].token, &w)); // ended already
			live[i] = live.back();
			live.pop_back();
			continue;
		}
		// Four regions per bucket, so that unrelated writes share buckets.
		const uint64_t first = next() % (4 * WriteIndex::kBuckets * kRegion);
		const uint64_t r = next() % 100;
		const uint64_t len = r < 2 ? next() % (64 * kRegion) : r < 10 ? next() % (2 * kRegion) : next() % 64;
		wide += (((first + len) >> WriteIndex::kRegionShift) - (first >> WriteIndex::kRegionShift)) >= WriteIndex::kNarrowRegions;
		Live n{0, first, first + len, false};
		for (Live &o : live)
			if (o.first <= n.last && n.first <= o.last)
				o.conflict = n.conflict = true;
		n.token = index.add(n.first, n.last, n.first << 12, (len + 1) << 12);
		live.push_back(n);
	}
	// The run met every kind of case, or it proves little.
	EXPECT_GT(conflicts, 1000u);
	EXPECT_GT(wide, 100u);
}

// With a deep queue of writes spread over the device, a new write is compared with
// the few in its own region, not all of them, which the cache used to scan.
TEST(WriteIndex, ANewWriteIsComparedWithTheWritesNearItOnly)
{
	WriteIndex index;
	for (uint64_t i = 0; i < WriteIndex::kBuckets / 2; i++)
		index.add(i * 2 * kRegion, i * 2 * kRegion + 31, 0, 0);
	const uint32_t t = index.add(10 * kRegion, 10 * kRegion + 255, 0, 0);
	EXPECT_EQ(index.compared(), 1u); // the write at region 10
	WriteIndex::Write w;
	ASSERT_TRUE(index.remove(t, &w));
	EXPECT_TRUE(w.conflict);
	// An unaligned 1 MiB write spans two regions: still only its neighbours.
	index.add(11 * kRegion + 7, 12 * kRegion + 6, 0, 0);
	EXPECT_EQ(index.compared(), 1u); // region 12's write
	// A discard of the whole device is compared with all of them: the 128, and the
	// 1 MiB write.
	index.add(0, 1024 * kRegion, 0, 0);
	EXPECT_EQ(index.compared(), WriteIndex::kBuckets / 2 + 1);
}

} // namespace
