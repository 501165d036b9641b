// Feedback accounting: the prefetches a stream has issued, and which of their blocks
// demand accesses have since used.
//
// Each stream remembers its last kFeedback issued ranges. A demand access marks the
// blocks it touches as used; a range whose blocks are all used retires as a success,
// and the oldest range is retired, with its unused blocks counted as waste, when a
// new one needs the slot. Ranges longer than 64 blocks are tracked in 64 granules, so
// a granule counts as used when any block of it is.
#pragma once

#include "aether/types.hpp"

namespace aether {

// Sixteen, not eight: on real traces (mysql) a reader uses a window a few dozen
// accesses after it was issued, and a shorter memory retires it as waste first,
// which drives the accuracy the thresholds see far below the real one.
inline constexpr u32 kFeedback = 16;
inline constexpr u8 kOwnerNone = 0xff; // a range no tracker issued (correlation, trend)

struct FeedbackEntry {
	u64 start = 0;
	u32 len = 0;      // 0: free slot
	u32 used = 0;     // blocks used so far (granule-accurate)
	u64 bits = 0;     // used granules
	u8 shift = 0;     // granule = 1 << shift blocks
	u8 owner = kOwnerNone;
	u8 detector = 0;  // which detector issued it, for its accuracy (the predictor's tag)
	u8 evidence = 0;  // the confirmations its sub-stream had when it was issued
};

// What one demand access did to the outstanding ranges.
struct FeedbackHit {
	u32 used = 0;             // blocks newly used (the access's covered blocks)
	u32 owners_first_hit = 0; // bit t: tracker t's range got its first use
	u32 completed = 0;        // bit i: entry i is now fully used; retire and free it
};

class Feedback {
public:
	// Records a newly issued range of tracker @owner (or kOwnerNone), tagged with
	// @detector and the @evidence behind it. If the table is full, the oldest range is
	// returned through @evicted (len != 0) for the caller to retire.
	constexpr void issue(u64 start, u32 len, u8 owner, u8 detector, FeedbackEntry *evicted,
			     u8 evidence = 0) noexcept
	{
		FeedbackEntry &e = entries_[next_];
		*evicted = e;
		// At most 64 granules: the last, (len - 1) >> shift, must be a bit of u64.
		u8 shift = 0;
		while (len && ((u64{len} - 1) >> shift) >= 64)
			shift++;
		// A range beyond the bounds of all others (a reader's next window, the next
		// stride target) cannot overlap one; only the rest need a look.
		const bool apart = !live_ || start + len <= lo_ || start >= hi_;
		if (pairs_)
			pairs_ = static_cast<u8>(pairs_ - overlaps(next_));
		e = FeedbackEntry{start, len, 0, 0, shift, owner, detector, evidence};
		if (!apart)
			pairs_ = static_cast<u8>(pairs_ + overlaps(next_));
		next_ = (next_ + 1) % kFeedback;
		lo_ = live_ ? min(lo_, start) : start;
		hi_ = live_ ? max(hi_, start + len) : start + len;
		live_ = 1;
	}

	// Marks [a, a + len) used in every range it overlaps.
	constexpr FeedbackHit demand(u64 a, u32 len) noexcept
	{
		FeedbackHit hit;
		const u64 end = a + len;
		// Most accesses touch nothing outstanding: one compare against the bounds
		// of all ranges answers that without the loop.
		if (!live_ || end <= lo_ || a >= hi_)
			return hit;
		// A reader keeps reading through the range it hit last. When no two ranges
		// overlap, an access inside that one touches no other.
		if (!pairs_) {
			const FeedbackEntry &e = entries_[hot_];
			if (e.len && a >= e.start && a < end && end <= e.start + e.len) {
				mark(hot_, a, end, hit);
				return hit;
			}
		}
		for (u32 i = 0; i < kFeedback; i++) {
			const FeedbackEntry &e = entries_[i];
			if (!e.len || end <= e.start || a >= e.start + e.len)
				continue;
			mark(i, a, end, hit);
			hot_ = static_cast<u8>(i);
		}
		return hit;
	}

	constexpr const FeedbackEntry &entry(u32 i) const noexcept { return entries_[i]; }

	// Frees entry @i (after the caller has retired it).
	constexpr void release(u32 i) noexcept
	{
		if (pairs_)
			pairs_ = static_cast<u8>(pairs_ - overlaps(i));
		entries_[i].len = 0;
		recompute_bounds();
	}

	// True if block @a lies in an outstanding range: it need not be fetched again.
	constexpr bool outstanding(u64 a) const noexcept
	{
		if (!live_ || a < lo_ || a >= hi_)
			return false;
		for (const FeedbackEntry &e : entries_)
			if (e.len && a >= e.start && a < e.start + e.len)
				return true;
		return false;
	}

private:
	// Marks the part of [a, end) that overlaps entry @i used, into @hit.
	// Caller checked that they overlap.
	constexpr void mark(u32 i, u64 a, u64 end, FeedbackHit &hit) noexcept
	{
		FeedbackEntry &e = entries_[i];
		const u64 lo = max(a, e.start) - e.start;
		const u64 hi = min(end, e.start + e.len) - e.start; // exclusive
		const u32 g0 = static_cast<u32>(lo >> e.shift);
		const u32 g1 = static_cast<u32>((hi - 1) >> e.shift);
		const u64 mask = (g1 - g0 >= 63 ? ~0ull : ((2ull << (g1 - g0)) - 1)) << g0;
		const u64 fresh = mask & ~e.bits;
		if (!fresh)
			return;
		if (!e.bits && e.owner < 32)
			hit.owners_first_hit |= 1u << e.owner;
		e.bits |= fresh;
		// Every granule is 1 << shift blocks except possibly the last.
		u32 blocks = popcount64(fresh) << e.shift;
		const u32 last = (e.len - 1) >> e.shift;
		if ((fresh >> last) & 1)
			blocks -= ((last + 1) << e.shift) - e.len;
		e.used += blocks;
		hit.used += blocks;
		if (e.used >= e.len)
			hit.completed |= 1u << i;
	}

	// How many outstanding ranges other than entry @i overlap it (0 if @i is free).
	// Branch-free: the loop runs on every issue into a crowded table.
	constexpr u32 overlaps(u32 i) const noexcept
	{
		const FeedbackEntry &x = entries_[i];
		u32 n = 0;
		for (u32 j = 0; j < kFeedback; j++) {
			const FeedbackEntry &y = entries_[j];
			n += static_cast<u32>((j != i) & (x.len != 0) & (y.len != 0) & (x.start < y.start + y.len) &
					      (y.start < x.start + x.len));
		}
		return n;
	}

	constexpr void recompute_bounds() noexcept
	{
		live_ = 0;
		for (const FeedbackEntry &e : entries_) {
			if (!e.len)
				continue;
			lo_ = live_ ? min(lo_, e.start) : e.start;
			hi_ = live_ ? max(hi_, e.start + e.len) : e.start + e.len;
			live_ = 1;
		}
	}

	FeedbackEntry entries_[kFeedback] = {};
	u64 lo_ = 0; // bounds of all outstanding ranges, valid when live_
	u64 hi_ = 0;
	u8 next_ = 0;
	u8 live_ = 0;
	u8 hot_ = 0;     // the entry the last access hit
	// How many pairs of outstanding ranges overlap: kept up to date on every issue
	// and release, one range at a time, so that no update compares all pairs.
	u8 pairs_ = 0;
	static_assert(kFeedback * (kFeedback - 1) / 2 <= 255, "pairs_ counts every pair in a u8");
};

} // namespace aether
