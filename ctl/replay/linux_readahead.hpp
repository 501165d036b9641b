// The replay's model of Linux's ondemand readahead (mm/readahead.c), the `linux`
// baseline. It has its own header because `linux+PRESET` (linux_core.hpp) drives it
// step by step: it asks which case a read falls in before the read, grows and resets
// its maximum window as aether.ko grows and resets file_ra_state.ra_pages, and lets
// reads through without readahead when the module reads just the request.
#pragma once

#include <vector>

#include "replay/prefetcher.hpp"

namespace aether::ctl {

// A model of Linux's ondemand readahead for one stream, simplified:
// - a sequential read starts a stream. Sequential is the kernel's test: it starts where
//   the previous read ended or in its last unit ("index - prev_index <= 1"), since
//   unaligned reads share a page. The first window is 4x the request rounded up to a
//   power of two, from 16 KiB to the maximum, read right after the request;
// - a read that enters the last window read ahead triggers the asynchronous readahead
//   of the next window, twice as large (up to the maximum, by default 128 KiB, the
//   default read_ahead_kb), so the reader never catches up with a sequential stream;
// - reads inside what was already read ahead just consume it;
// - anything else is a random read: no readahead, and the stream is forgotten.
// The kernel's first read at offset 0, its 2x/4x ramp-up and its miss-driven sync
// readahead after eviction are left out: this is the algorithm's shape, not its code.
class LinuxReadahead final : public Prefetcher {
public:
	// Which case of the model a read falls in.
	enum class Step {
		kStart,   // sequential, no stream: the first window (a sync miss in the kernel)
		kMark,    // enters the last window: the next one is read (the async mark)
		kPast,    // sequential beyond the last window: the next one is read (a miss)
		kConsume, // inside what was read ahead: nothing to do (cache hits)
		kRandom,  // none of these: no readahead, the stream is forgotten
	};

	// A stream with the default window bounds (16 KiB to 128 KiB) in @mode's units.
	explicit LinuxReadahead(SimMode mode);

	// Reads [addr, addr + len) and appends the window it reads ahead, if any, to @out.
	void access(u64 addr, u32 len, std::vector<Range> &out) override;

	// The case access(@addr, @len) would fall in now; changes nothing.
	Step peek(u64 addr, u32 len) const;

	// Reads [addr, addr + len) with the readahead not run at all, as when the kernel's
	// readahead call is replaced: the stream's windows stay, only the reader's position
	// (the kernel's prev_pos) moves.
	void read_without_readahead(u64 addr, u32 len);

	// The last window read ahead, {0, 0} before the first.
	Range window() const { return {ra_start_, ra_size_}; }

	// The default maximum window (read_ahead_kb), in units.
	u64 default_max() const { return default_max_; }
	// The maximum window now (file_ra_state.ra_pages), in units.
	u64 max_window() const { return max_; }
	// Sets the maximum window (at least one unit) for the windows read from now on.
	void set_max_window(u64 units);

private:
	const u64 min_, default_max_;
	u64 max_;
	bool seen_ = false;
	bool active_ = false;
	u64 prev_end_ = 0;
	u64 lo_ = 0;       // where the stream started
	u64 ra_start_ = 0; // the last window read ahead
	u64 ra_size_ = 0;
	u64 window_ = 0;
};

} // namespace aether::ctl
