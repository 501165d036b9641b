// A stream's recent access window and its features, updated in O(1) per access.
//
// The window holds the last kWindow deltas between consecutive accesses. Every
// feature is a running sum that gains the new element and loses the one it
// replaces, so an access costs the same whatever the window size; features() turns
// the sums into ratios only when a host asks (telemetry), never on the hot path.
#pragma once

#include "aether/fixed.hpp"
#include "aether/types.hpp"

namespace aether {

inline constexpr u32 kWindow = 16; // a power of two

// Features of a window, in fixed point.
struct Features {
	u32 samples = 0;       // deltas in the window (<= kWindow)
	u64 span = 0;          // |net displacement| over the window, in blocks
	Q16 velocity;          // mean delta, blocks per access (signed)
	Q16 irregularity;      // mean |d_i - d_{i-1}|, blocks: 0 for any constant stride
	Q16 regularity;        // 1 / (1 + irregularity / (1 + mean |delta|)), in (0, 1]
	Q16 sequential;        // fraction of accesses continuing the previous one
	Q16 backward;          // fraction of negative deltas
	Q16 request_size;      // mean request length, blocks
};

class Window {
public:
	// Records an access that starts @d blocks after the previous one, is @len blocks
	// long, and (@seq) continues the previous access (starts in or right after it).
	enum class Contiguity : u8 { kGap = 0, kContiguous = 1 };

	constexpr void push(i64 d, u32 len, Contiguity seq) noexcept
	{
		const i32 dc = clamp32(d);
		const u8 sq = static_cast<u8>(seq);
		// A steady reader pushes the same element again and again. Once the last
		// kWindow + 1 elements are equal, every slot holds that element with zero
		// jitter, so one more leaves every sum and slot as it is: skip the work.
		if (count_ && dc == prev_ && len == prev_len_ && sq == prev_seq_) {
			if (run_ >= kWindow)
				return;
			run_++;
		} else {
			run_ = 0;
		}
		prev_len_ = len;
		prev_seq_ = sq;
		const u32 slot = head_ & (kWindow - 1);
		const u32 jit = count_ ? abs32(i64{dc} - prev_) : 0;
		if (count_ == kWindow) {
			// The oldest element leaves every running sum.
			sum_delta_ -= delta_[slot];
			sum_abs_ -= abs32(delta_[slot]);
			sum_jitter_ -= jitter_[slot];
			sum_len_ -= len_[slot];
			seq_count_ -= (seq_mask_ >> slot) & 1;
			back_count_ -= delta_[slot] < 0;
		} else {
			count_++;
		}
		delta_[slot] = dc;
		jitter_[slot] = jit;
		len_[slot] = len;
		seq_mask_ = static_cast<u16>((seq_mask_ & ~(1u << slot)) |
					     (static_cast<u32>(seq == Contiguity::kContiguous) << slot));
		sum_delta_ += dc;
		sum_abs_ += abs32(dc);
		sum_jitter_ += jit;
		sum_len_ += len;
		seq_count_ += seq == Contiguity::kContiguous;
		back_count_ += dc < 0;
		prev_ = dc;
		head_++;
	}

	constexpr u32 samples() const noexcept { return count_; }

	constexpr Features features() const noexcept
	{
		Features f;
		f.samples = count_;
		if (!count_)
			return f;
		const i64 n = count_;
		f.span = static_cast<u64>(sum_delta_ < 0 ? -sum_delta_ : sum_delta_);
		f.velocity = Q16::from_ratio(sum_delta_, n);
		f.irregularity = Q16::from_ratio(static_cast<i64>(sum_jitter_), n);
		// regularity = (n + sum|d|) / (n + sum|d| + sum jitter): the ratio form of
		// 1 / (1 + irregularity / (1 + mean |d|)), with no intermediate rounding.
		const i64 base = n + static_cast<i64>(sum_abs_);
		f.regularity = Q16::from_ratio(base, base + static_cast<i64>(sum_jitter_));
		f.sequential = Q16::from_ratio(seq_count_, n);
		f.backward = Q16::from_ratio(back_count_, n);
		f.request_size = Q16::from_ratio(static_cast<i64>(sum_len_), n);
		return f;
	}

private:
	static constexpr i32 clamp32(i64 v) noexcept
	{
		return v > INT32_MAX ? INT32_MAX : v < -INT32_MAX ? -INT32_MAX : static_cast<i32>(v);
	}
	static constexpr u32 abs32(i64 v) noexcept
	{
		const i64 a = v < 0 ? -v : v;
		return a > INT32_MAX ? static_cast<u32>(INT32_MAX) : static_cast<u32>(a);
	}

	i32 delta_[kWindow] = {};
	u32 jitter_[kWindow] = {};
	u32 len_[kWindow] = {};
	i64 sum_delta_ = 0;
	u64 sum_abs_ = 0;
	u64 sum_jitter_ = 0;
	u64 sum_len_ = 0;
	i32 prev_ = 0;      // the last element pushed
	u32 prev_len_ = 0;
	u32 head_ = 0;
	u16 seq_mask_ = 0;
	u8 count_ = 0;
	u8 seq_count_ = 0;
	u8 back_count_ = 0;
	u8 prev_seq_ = 0;
	u8 run_ = 0;        // pushes in a row equal to the one before, up to kWindow
};

static_assert((kWindow & (kWindow - 1)) == 0 && kWindow <= 16, "kWindow: power of two, fits seq_mask_");

} // namespace aether
