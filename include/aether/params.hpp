// Tuning of the adaptive decision, and the three presets.
#pragma once

#include "aether/decision.hpp"
#include "aether/fixed.hpp"
#include "aether/types.hpp"

namespace aether {

// Confirmations beyond this add no confidence; also the size of the confidence table.
inline constexpr u32 kMaxEvidence = 15;

struct Params {
	// Readahead window of a sequential sub-stream, in blocks: where it starts, and
	// the bounds it grows (doubling on hits) and shrinks (halving on waste) within.
	u32 min_window = 4;
	u32 init_window = 8;
	u32 max_window = 64;
	// The window a sequential sub-stream may grow to, past max_window, while its
	// reads keep finding its readahead still in flight (the host says so with
	// Timing::kLate). A window must lead the reader by the backend's latency times
	// the reader's rate, which no fixed bound fits: 512 KiB is 1 ms at 500 MiB/s, and
	// a local NVMe read is 10 us. So the window grows only on that evidence, and waste
	// halves it as it does any window. At most max_window's worth is ever in one
	// decision, so a host's per-request bound holds; a value below max_window acts as
	// max_window (the default: lateness changes nothing).
	u32 late_window = 64;
	// How many strides ahead a strided sub-stream is prefetched, at most.
	u32 max_depth = 4;
	// A new access this close (in blocks) to a known sub-stream is taken as the second
	// access of a possible stride from it.
	u32 attach_distance = 4096;
	// confidence(h) = (2/pi) atan(h / scale) for h consecutive confirmations.
	Q16 scale = Q16::from_int(2);
	// A detector (sequential, stride, trend, correlation) acts when its confidence
	// reaches its own threshold. Each threshold starts at `threshold` and moves by
	// threshold_step after every range its detector retires: up when the detector's
	// recent accuracy, counted in blocks, is below target_accuracy and down when
	// above, within [threshold_min, threshold_max]. Windows that fall below
	// target_accuracy are halved.
	Q16 threshold = Q16::from_ratio(1, 2);
	Q16 threshold_min = Q16::from_ratio(1, 4);
	Q16 threshold_max = Q16::from_ratio(9, 10);
	Q16 threshold_step = Q16::from_ratio(1, 64);
	Q16 target_accuracy = Q16::from_ratio(3, 4);
	// "After X comes Y": how often it must have been seen before it is acted on, and
	// how many links of a chain X -> Y -> Z are followed.
	u8 corr_min_hits = 2;
	u8 corr_depth = 1;
};

// A preset's parameters for a host whose block is @block_bytes (4096 for pages, 512
// for sectors). Windows are defined in bytes and converted, so a preset means the
// same amount of readahead in every host.
constexpr Params preset_params(Preset preset, u32 block_bytes = 4096) noexcept
{
	Params p;
	u32 min_kb = 16, init_kb = 32, max_kb = 256, late_kb = 256;
	switch (preset) {
	case Preset::kHft:
		// Conservative: lateness does not grow its windows.
		min_kb = 16, init_kb = 16, max_kb = 128, late_kb = 128;
		p.max_depth = 8;
		p.threshold = Q16::from_ratio(7, 10);  // 4 confirmations at scale 2
		p.threshold_min = Q16::from_ratio(6, 10);
		p.threshold_max = Q16::from_ratio(85, 100); // 9 confirmations
		p.target_accuracy = Q16::from_ratio(9, 10);
		p.corr_min_hits = 3;
		p.corr_depth = 1;
		break;
	case Preset::kGaming:
		min_kb = 32, init_kb = 64, max_kb = 1024, late_kb = 8192;
		p.max_depth = 8;
		// Acts on the first confirmation, as adaptive does, and tolerates more waste
		// before its thresholds rise.
		p.threshold = Q16::from_ratio(29, 100);
		p.threshold_min = Q16::from_ratio(29, 100);
		p.threshold_max = Q16::from_ratio(7, 10);
		p.target_accuracy = Q16::from_ratio(1, 5);
		p.corr_min_hits = 2;
		p.corr_depth = 3;
		break;
	case Preset::kAdaptive:
		// A late window of 2 MiB keeps 1-2 MiB in flight: 1 ms of a reader at
		// 1-2 GiB/s, or 5 ms at 200-400 MiB/s. Past what a stream reads, a window
		// is waste, and a larger one costs more than it gains on short reads.
		min_kb = 16, init_kb = 32, max_kb = 512, late_kb = 2048;
		p.max_depth = 8;
		// Acts on the first confirmation, as Linux's readahead does on the first
		// sequential read, and lets each detector's accuracy raise its own bar:
		// real workloads are full of runs only two or three requests long, and
		// waiting for more evidence forfeits them. A detector is worth running as
		// long as one block in four it fetches is used.
		p.threshold = Q16::from_ratio(29, 100);
		p.threshold_min = Q16::from_ratio(29, 100);
		p.threshold_max = Q16::from_ratio(9, 10);
		p.target_accuracy = Q16::from_ratio(1, 4);
		p.corr_min_hits = 2;
		p.corr_depth = 2;
		break;
	}
	const u32 bb = block_bytes ? block_bytes : 1;
	const auto blocks = [bb](u32 kb) noexcept { return max<u32>(1, static_cast<u32>((u64{kb} * 1024) / bb)); };
	p.min_window = blocks(min_kb);
	p.init_window = blocks(init_kb);
	p.max_window = blocks(max_kb);
	p.late_window = blocks(late_kb);
	p.attach_distance = blocks(16 * 1024);
	return p;
}

} // namespace aether
