// Shadow accounting: the ranges a detector would have fetched, remembered without
// fetching them, so that its accuracy keeps being measured while it is switched off.
//
// A detector gated on its own accuracy needs that accuracy while it is silent, or one
// bad stretch would switch it off for good. The shadow remembers the last kShadow
// ranges it was shown; an access overlapping one marks it used, and the oldest is
// handed back, used or not, when a new one needs its slot.
//
// kShadow is how long a range may wait to be used. On the real traces the range a
// random read predicts is often read after many unrelated reads; with 8 slots a
// useful detector measured as useless (webserver 61.1 % hits with 8, 62.6 % with 16;
// cloudphysics in object mode 70.4 % and 71.7 %). The lengths are 16-bit so that 16
// slots cost what 11 full ones would.
//
// Reach comes from sampling, as in set-sampled shadow tags: only ranges whose start
// hashes into one sixteenth of the hash space are remembered, so each waits for
// about kShadow << kSamplingBits later ranges, and the accuracy of the sample is that of
// the whole. The whole could not be afforded: 256 exact ranges are 2.5 KiB a stream.
// The price is learning time: the first range is judged some 270 ranges in.
// Measured on the real traces (replay-gaps, 16M): without sampling mysql got 36.2 %
// and webserver 62.6 %; sampling 1 in 16, 39.2 % and 66.3 %. 1 in 4 gained less,
// and 1 in 64 learnt too slowly for mysql's 7,187 reads.
#pragma once

#include "aether/types.hpp"

namespace aether {

inline constexpr u32 kShadow = 16;
// One range in 2^kSamplingBits is remembered.
inline constexpr u32 kSamplingBits = 4;

// One range leaving the shadow: how long it was and whether an access used it.
struct ShadowSample {
	u32 len = 0; // 0: the slot was empty
	u8 used = 0;
};

class Shadow {
public:
	// Remembers [start, start + len), len capped at 65535, if @start is sampled(). If
	// every slot is taken, the oldest range is returned through @evicted (len != 0);
	// otherwise, and for a start not sampled, evicted->len is 0.
	constexpr void record(u64 start, u32 len, ShadowSample *evicted) noexcept
	{
		if (!sampled(start)) {
			*evicted = ShadowSample{};
			return;
		}
		*evicted = ShadowSample{len_[next_], static_cast<u8>((used_ >> next_) & 1)};
		start_[next_] = start;
		len_[next_] = static_cast<u16>(len < 0xffff ? len : 0xffff);
		used_ &= static_cast<u16>(~(1u << next_));
		next_ = static_cast<u8>((next_ + 1) % kShadow);
		lo_ = start_[0];
		hi_ = start_[0] + len_[0];
		for (u32 i = 1; i < kShadow; i++) {
			lo_ = start_[i] < lo_ ? start_[i] : lo_;
			hi_ = start_[i] + len_[i] > hi_ ? start_[i] + len_[i] : hi_;
		}
	}

	// Marks every remembered range that [a, a + len) overlaps as used.
	constexpr void demand(u64 a, u32 len) noexcept
	{
		// Without branches: which ranges a random access overlaps cannot be
		// predicted, and every access runs this. An empty slot is [0, 0), which
		// nothing overlaps.
		const u64 end = a + len;
		// A reader the other detectors follow moves away from the ranges recorded
		// before they took it over: one compare settles it.
		if (a >= hi_ || end <= lo_)
			return;
		u32 hit = 0;
		for (u32 i = 0; i < kShadow; i++)
			hit |= static_cast<u32>((a < start_[i] + len_[i]) & (end > start_[i])) << i;
		used_ |= static_cast<u16>(hit);
	}

	// Whether a range starting at @start is one the shadow remembers. hash64 spreads
	// every bit of the start over its output, so strides and alignments do not bias
	// the sample.
	static constexpr bool sampled(u64 start) noexcept
	{
		return hash64(start) >> (64 - kSamplingBits) == 0;
	}

private:
	static_assert(kSamplingBits >= 1 && kSamplingBits < 64, "a shift the hash can take");
	static_assert(kShadow <= 16, "used_ holds one bit per slot");
	u64 start_[kShadow] = {};
	u16 len_[kShadow] = {};
	u64 lo_ = 0; // bounds of every range remembered (an empty slot is [0, 0))
	u64 hi_ = 0;
	u16 used_ = 0; // bit i: range i was used
	u8 next_ = 0; // the slot the next range takes
};

} // namespace aether
