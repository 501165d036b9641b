// The core's fixed-memory tables: stream table, correlation table, feedback, detectors.
#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "aether/correlation.hpp"
#include "aether/detect.hpp"
#include "aether/feedback.hpp"
#include "aether/stream_table.hpp"

namespace {

using namespace aether;

TEST(StreamTable, FindsWhatWasInserted)
{
	StreamTable<int, 64> t;
	Found how;
	for (int k = 0; k < 32; k++)
		t.find_or_insert(1000 + k, &how) = k;
	for (int k = 0; k < 32; k++) {
		int *v = t.find(1000 + k);
		ASSERT_NE(v, nullptr) << k;
		EXPECT_EQ(*v, k);
	}
	EXPECT_EQ(t.find(5), nullptr);
	EXPECT_EQ(t.find_or_insert(1003, &how), 3);
	EXPECT_EQ(how, Found::kExisting);
}

TEST(StreamTable, NeverExceedsCapacityAndEvictsWhenFull)
{
	StreamTable<uint64_t, 16> t;
	Found how;
	int evicted = 0;
	for (uint64_t k = 0; k < 1000; k++) {
		t.find_or_insert(k, &how) = k;
		evicted += how == Found::kEvicted;
		ASSERT_LE(t.size(), t.capacity());
	}
	EXPECT_GT(evicted, 0);
	// The most recent key always survives its own insertion.
	ASSERT_NE(t.find(999), nullptr);
	EXPECT_EQ(*t.find(999), 999u);
}

TEST(StreamTable, ClockKeepsReferencedStreams)
{
	StreamTable<int, 8> t; // one probe window: every key competes for the same slots
	Found how;
	for (int k = 0; k < 8; k++)
		t.find_or_insert(k, &how) = k;
	// A full sweep clears every reference bit; then touch key 3 only.
	t.find_or_insert(100, &how);
	t.find(3);
	for (int k = 200; k < 205; k++)
		t.find_or_insert(k, &how);
	EXPECT_NE(t.find(3), nullptr);
}

TEST(StreamTable, EraseRemoves)
{
	StreamTable<int, 16> t;
	Found how;
	t.find_or_insert(7, &how) = 1;
	EXPECT_TRUE(t.erase(7));
	EXPECT_FALSE(t.erase(7));
	EXPECT_EQ(t.find(7), nullptr);
	EXPECT_EQ(t.size(), 0u);
}

TEST(StreamTable, BaseWorksOnCallerStorage)
{
	StreamSlot<int> storage[32] = {};
	StreamTableBase<int> t(storage, 32);
	Found how;
	t.find_or_insert(42, &how) = 9;
	EXPECT_EQ(how, Found::kInserted);
	EXPECT_EQ(*t.find(42), 9);
}

TEST(Correlation, LearnsAndCountsRepeats)
{
	CorrelationTableN<64> c;
	EXPECT_EQ(c.lookup(5), nullptr);
	c.learn(5, 900, 2);
	ASSERT_NE(c.lookup(5), nullptr);
	EXPECT_EQ(c.lookup(5)->next, 900u);
	EXPECT_EQ(c.lookup(5)->hits, 1);
	c.learn(5, 900, 2);
	EXPECT_EQ(c.lookup(5)->hits, 2);
	c.learn(5, 901, 1); // a different successor starts over
	EXPECT_EQ(c.lookup(5)->next, 901u);
	EXPECT_EQ(c.lookup(5)->hits, 1);
	for (int i = 0; i < 100; i++)
		c.learn(5, 901, 1);
	EXPECT_EQ(c.lookup(5)->hits, CorrelationTable::kMaxHits);
}

TEST(Feedback, CountsUsedBlocksOnceAndRetiresFullRanges)
{
	Feedback f;
	FeedbackEntry ev;
	f.issue(100, 10, 2, 0, &ev);
	EXPECT_EQ(ev.len, 0u);
	FeedbackHit h = f.demand(100, 4);
	EXPECT_EQ(h.used, 4u);
	EXPECT_EQ(h.owners_first_hit, 1u << 2);
	h = f.demand(102, 4); // 102, 103 again; 104, 105 new
	EXPECT_EQ(h.used, 2u);
	EXPECT_EQ(h.owners_first_hit, 0u);
	EXPECT_EQ(h.completed, 0u);
	h = f.demand(106, 100);
	EXPECT_EQ(h.used, 4u);
	ASSERT_NE(h.completed, 0u);
	EXPECT_TRUE(f.outstanding(105)); // still there until the caller releases it
	f.release(static_cast<uint32_t>(__builtin_ctz(h.completed)));
	EXPECT_FALSE(f.outstanding(105));
}

TEST(Feedback, OldestRangeIsEvictedWithItsUsage)
{
	Feedback f;
	FeedbackEntry ev;
	for (uint32_t i = 0; i < kFeedback; i++)
		f.issue(i * 1000, 8, kOwnerNone, 0, &ev);
	f.demand(0, 3);
	f.issue(99999, 8, kOwnerNone, 0, &ev);
	EXPECT_EQ(ev.start, 0u);
	EXPECT_EQ(ev.len, 8u);
	EXPECT_EQ(ev.used, 3u);
}

TEST(Feedback, LongRangesAreTrackedInGranules)
{
	Feedback f;
	FeedbackEntry ev;
	f.issue(0, 1000, kOwnerNone, 0, &ev); // 16-block granules
	EXPECT_EQ(f.demand(0, 1).used, 16u);
	// 990..999 touches granule 61 (976..991) and the short last one (992..999).
	EXPECT_EQ(f.demand(990, 10).used, 16u + 8u);
	uint32_t total = 16 + 24;
	for (uint64_t b = 0; b < 1000; b += 16)
		total += f.demand(b, 1).used;
	EXPECT_EQ(total, 1000u);
}

// A range of 64 granules and a bit more (129 blocks: 64 of 2 and one of 1) needs a
// coarser granule, not a 65th bit; every block then counts exactly once.
TEST(Feedback, RangesJustPastSixtyFourGranulesCountEveryBlock)
{
	for (uint32_t len : {65u, 129u, 130u, 191u, 257u, 1025u, 4097u, 65537u}) {
		Feedback f;
		FeedbackEntry ev;
		f.issue(1 << 20, len, kOwnerNone, 0, &ev);
		uint32_t total = 0, completed = 0;
		for (uint64_t b = 0; b < len; b++) {
			const FeedbackHit h = f.demand((1 << 20) + b, 1);
			total += h.used;
			completed |= h.completed;
		}
		EXPECT_EQ(total, len) << "len " << len;
		EXPECT_NE(completed, 0u) << "len " << len;
	}
}

// Feedback against a per-block model, on ranges that are sometimes disjoint (the
// fast path for the range hit last) and sometimes overlapping (the full scan).
TEST(Feedback, MatchesABlockByBlockModel)
{
	struct Range {
		uint64_t start = 0;
		uint32_t len = 0;
		uint8_t owner = kOwnerNone;
		std::vector<bool> used;
	};
	Feedback f;
	Range model[kFeedback];
	uint32_t next = 0;
	uint64_t x = 5, cursor = 1000;
	for (int step = 0; step < 200000; step++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		const bool overlapping_phase = (step / 5000) % 2;
		if ((x >> 60) < 3) {
			// Issue: the next window of a reader, or anywhere near it.
			const uint32_t len = 1 + (x >> 20) % 64; // <= 64: block-exact granules
			const uint64_t start = overlapping_phase ? cursor + (x >> 30) % 200 : cursor + 64;
			const uint8_t owner = static_cast<uint8_t>((x >> 40) % 8 == 7 ? kOwnerNone : (x >> 40) % 6);
			FeedbackEntry ev;
			f.issue(start, len, owner, 0, &ev);
			Range &m = model[next];
			ASSERT_EQ(ev.len, m.len);
			if (m.len) {
				ASSERT_EQ(ev.start, m.start);
				ASSERT_EQ(ev.used, static_cast<uint32_t>(std::count(m.used.begin(), m.used.end(), true)));
			}
			m = Range{start, len, owner, std::vector<bool>(len)};
			next = (next + 1) % kFeedback;
		} else {
			// Demand: mostly the reader's next blocks, sometimes a jump.
			const uint32_t len = 1 + (x >> 22) % 8;
			const uint64_t a = (x >> 58) == 0 ? cursor - (x >> 30) % 300 : cursor;
			cursor = a + len;
			uint32_t used = 0, owners = 0, completed = 0;
			for (uint32_t i = 0; i < kFeedback; i++) {
				Range &m = model[i];
				if (!m.len || a + len <= m.start || a >= m.start + m.len)
					continue;
				const bool fresh_range = std::find(m.used.begin(), m.used.end(), true) == m.used.end();
				uint32_t fresh = 0;
				for (uint64_t b = std::max(a, m.start); b < std::min(a + len, m.start + m.len); b++)
					if (!m.used[b - m.start]) {
						m.used[b - m.start] = true;
						fresh++;
					}
				used += fresh;
				if (fresh && fresh_range && m.owner < 32)
					owners |= 1u << m.owner;
				if (fresh && std::count(m.used.begin(), m.used.end(), true) == m.len)
					completed |= 1u << i;
			}
			const FeedbackHit h = f.demand(a, len);
			ASSERT_EQ(h.used, used) << "step " << step;
			ASSERT_EQ(h.owners_first_hit, owners) << "step " << step;
			ASSERT_EQ(h.completed, completed) << "step " << step;
			for (uint32_t bits = completed; bits; bits &= bits - 1) {
				const uint32_t i = static_cast<uint32_t>(__builtin_ctz(bits));
				f.release(i);
				model[i] = Range{};
			}
		}
		const uint64_t probe = cursor + (x >> 10) % 256 - 128;
		bool out = false;
		for (const Range &m : model)
			out |= m.len && probe >= m.start && probe < m.start + m.len;
		ASSERT_EQ(f.outstanding(probe), out) << "step " << step;
	}
}

TEST(Detect, ClassifiesForwardBackwardAndStride)
{
	Tracker t;
	t.live = 1;
	t.last = 100;
	t.len = 4;
	t.stride = 32;
	EXPECT_EQ(classify(t, 104, 4), Pattern::kForward);
	EXPECT_EQ(classify(t, 96, 4), Pattern::kBackward);
	EXPECT_EQ(classify(t, 132, 4), Pattern::kStride);
	EXPECT_EQ(classify(t, 133, 4), Pattern::kNone);
	t.live = 0;
	EXPECT_EQ(classify(t, 104, 4), Pattern::kNone);
}

TEST(Detect, MajorityFindsTheTrendThroughNoise)
{
	Majority m;
	for (int i = 0; i < 60; i++)
		m.push(i % 3 == 2 ? 1000 + i : 8); // two of every three deltas are +8
	EXPECT_EQ(m.candidate(), 8);
	EXPECT_GE(m.votes(), 5);
	Majority r;
	uint64_t x = 1;
	for (int i = 0; i < 60; i++) {
		x = x * 6364136223846793005ull + 1;
		r.push(static_cast<int64_t>(x >> 40));
	}
	EXPECT_LE(r.votes(), 2);
}

} // namespace
