// Detectors: sub-stream trackers (sequential forward/backward, constant stride,
// interleaved streams) and Leap's majority trend over the delta history.
#pragma once

#include "aether/params.hpp"
#include "aether/types.hpp"
#include "uapi/aether_names.h"

namespace aether {

// Sub-streams followed per stream. Interleaved streams in one window (say four
// sequential readers of one file) each get a tracker.
inline constexpr u32 kTrackers = 6;

// What a sub-stream looks like, as uapi's AETHER_PATTERNS lists them (sysfs, the
// tracepoints and struct_ops policies use the same values):
//   kNone      seen once, no relation yet;
//   kForward   each access starts where the previous one ended (or in its tail);
//   kBackward  each access ends where the previous one started (or in its head);
//   kStride    constant start-to-start delta (either sign), not contiguous.
#define AETHER_CORE_PATTERN(NAME, name, Camel, value) k##Camel = (value),
enum class Pattern : u8 { AETHER_PATTERNS(AETHER_CORE_PATTERN) };
#undef AETHER_CORE_PATTERN

// One sub-stream.
struct Tracker {
	u64 last = 0;     // start of its last access
	u64 frontier = 0; // forward: next block to fetch; backward: lowest block fetched
	i64 stride = 0;   // start-to-start delta predicting the next access
	u32 len = 0;      // length of its last access
	u32 window = 0;   // readahead window (blocks) or stride depth; 0 until it acts
	u8 ahead = 0;     // stride: targets issued beyond `last`
	u8 hits = 0;      // consecutive confirmations, saturating at kMaxEvidence
	u8 stamp = 0;     // LRU clock
	Pattern pattern = Pattern::kNone;
	u8 live = 0;
	// Forward/backward: blocks the reader must still read before lateness may grow
	// the window again (saturating): the window it last grew to.
	u16 late_wait = 0;
};

// Classifies access [a, a + len) against tracker @t. Returns kNone when it does not
// continue @t; otherwise the pattern it continues with.
constexpr Pattern classify(const Tracker &t, u64 a, u32 len) noexcept
{
	if (!t.live)
		return Pattern::kNone;
	// Like Linux's "index - prev_index <= 1": a read that starts inside the previous
	// one's last block is still sequential. Unaligned reads counted in pages overlap
	// by a block, and a rule of exact contiguity would miss them.
	if (a > t.last && a <= t.last + t.len)
		return Pattern::kForward;
	// A read that lands inside what a forward sub-stream already read ahead is that
	// stream consuming its window, even when it skips blocks: Linux keeps such a
	// reader's readahead going too.
	if (t.pattern == Pattern::kForward && a > t.last && a < t.frontier)
		return Pattern::kForward;
	if (a < t.last && a + len >= t.last)
		return Pattern::kBackward;
	if (t.stride != 0 && delta(t.last, a) == t.stride)
		return Pattern::kStride;
	return Pattern::kNone;
}

// Leap's majority trend: a Boyer–Moore vote over the delta stream. A delta that
// keeps winning the vote is the stream's trend even with noise in between; a stream
// with no majority never builds votes.
class Majority {
public:
	static constexpr u8 kMaxVotes = 15;

	constexpr void push(i64 d) noexcept
	{
		if (votes_ == 0) {
			candidate_ = d;
			votes_ = 1;
		} else if (d == candidate_) {
			votes_ = votes_ < kMaxVotes ? votes_ + 1 : kMaxVotes;
		} else {
			votes_--;
		}
	}

	constexpr i64 candidate() const noexcept { return candidate_; }
	constexpr u8 votes() const noexcept { return votes_; }

private:
	i64 candidate_ = 0;
	u8 votes_ = 0;
};

} // namespace aether
