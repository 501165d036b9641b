// `linux+PRESET`: the `linux` model with aether.ko's readahead hook (kmod/hook.c) on top.
//
// Modelled, as the module does it:
// - When the core is called. The module sees a reader only through two kernel calls:
//   page_cache_sync_ra() when a read's page is missing, and page_cache_async_ra() when
//   a read reaches a page marked PG_readahead. Here a read raises a sync event at its
//   first unit when the `linux` model would start a stream, read past its window or
//   call it random (a miss: the model read nothing there; a read that starts in the
//   page the previous one ended in misses from the page after, if at all); an async
//   event at the kernel's mark when it enters the model's last window, its length
//   stretched to the rest of that window as the module stretches it; and one async
//   event per unit the module prefetched that the read reaches, since every prefetched
//   page is marked and the kernel stops at each mark (filemap_get_read_batch()). A read
//   inside the model's windows raises nothing: those are cache hits, invisible to the
//   module.
// - What the core is told. Each event is (index, rest of the read), on one stream;
//   before it, the last unit of the reader's previous read (file_ra_state.prev_pos) is
//   learnt, when it lies between the core's last access and this one.
// - What the module does with the decisions. A forward readahead grows the kernel's
//   maximum window (ra_pages) to the decision's length, within the module's
//   16 KiB..512 KiB and only above the 128 KiB default; any event the stream is not
//   forward at gives the default back. Every other decision (strided, backward,
//   correlated, trend) is prefetched, and its units are marked. At a mark the module
//   prefetched, the kernel's own readahead is skipped unless the stream is forward. A
//   sync miss the core calls random, in a stream it knows, no larger than the window,
//   is read exactly: the `linux` model's window for it is not read.
//
// Left out, and why:
// - The pattern. The module reads res.pattern from the core's sub-stream trackers,
//   which are the core's internals; the replay uses the core's public API only. An
//   event is taken as forward when it continues the core's previous access (the
//   trackers' own test) or the core read ahead of it; random when neither holds and the
//   core decided nothing. A forward stream interleaved with others is so seen as not
//   forward more often than the module sees it, and its window is reset more often.
// - The cache. The replay's prefetchers do not see it: a read the model calls random
//   is taken as a miss even when it hits, marks are kept until read (at most 256 MiB
//   of them, oldest forgotten first) though eviction would drop them, and "less than a
//   third of the file is cached", the exact read's other condition, is taken as true.
// - The kernel's readahead at a mark the module prefetched in a forward stream is the
//   model's own next step at the read, not the kernel's next-miss search; only the
//   read's first unit decides it. The `linux` model has no context readahead, so an
//   exact read differs from it only where the model would open a window.
// - Per-file and per-CPU state, the prefetch queue's depth and drops, EOF clipping,
//   POSIX_FADV_RANDOM, eBPF policies and the modes that only watch: the replay is one
//   stream with no time, files or CPUs.
// - Object mode has no pages: there a mark is the object (request) a prefetch starts at.
#include "replay/linux_core.hpp"

#include <algorithm>
#include <deque>
#include <unordered_set>
#include <vector>

#include "aether/predictor.hpp"
#include "replay/arith.hpp"
#include "replay/linux_readahead.hpp"

namespace aether::ctl {

namespace {

using arith::sat_add;

// The module's default window bounds (sysfs min_window_kb, max_window_kb) and the
// most marks remembered. Its default target_accuracy, 0, keeps the preset's own.
constexpr u64 kMinWindowBytes = 16 << 10;
constexpr u64 kMaxWindowBytes = 512 << 10;
constexpr u64 kMaxMarkedBytes = u64{256} << 20;

// The core's parameters as the module sets them (kmod/core_cxx.cpp's to_params()).
Params module_params(Preset preset, u64 unit, u32 min_window, u32 max_window)
{
	Params p = preset_params(preset, static_cast<u32>(unit));
	p.min_window = min_window;
	p.max_window = std::max(max_window, min_window);
	p.init_window = std::clamp(p.init_window, p.min_window, p.max_window);
	return p;
}

// Which kernel call an event is.
enum class Call {
	kSync,  // page_cache_sync_ra(): the page was missing
	kAsync, // page_cache_async_ra(): a marked page was reached
};

// What becomes of the kernel's own readahead for one event (kmod/hook.c's verdicts).
enum class Verdict { kKernel, kSkip, kExact };

struct Event {
	u64 index;
	u64 req;
	Call call;
	bool kernel_mark; // the mark the kernel's own readahead left
};

class LinuxCore final : public Prefetcher {
public:
	LinuxCore(Preset preset, SimMode mode)
		: mode_(mode), unit_(mode == SimMode::kBlock ? kPageBytes : kSectorBytes),
		  min_window_(units(kMinWindowBytes)), max_window_(units(kMaxWindowBytes)),
		  max_marks_(units(kMaxMarkedBytes)), corr_(std::make_unique<CorrelationTableN<4096>>()),
		  predictor_(std::make_unique<Predictor>(
			  module_params(preset, unit_, static_cast<u32>(min_window_), static_cast<u32>(max_window_)),
			  *corr_)),
		  stream_(std::make_unique<StreamState>()), linux_(mode)
	{
	}

	void access(u64 addr, u32 len, std::vector<Range> &out) override;

private:
	u64 units(u64 bytes) const { return std::max<u64>(1, bytes / unit_); }
	Verdict hook(const Event &e, std::vector<Range> &prefetch);
	void grow(u64 length);
	void mark(const Range &r);
	// The marked units of [addr, end) in order, each unmarked: the async events they raise.
	void take_marks(u64 addr, u64 end, std::vector<Event> &events);

	const SimMode mode_;
	const u64 unit_;
	const u64 min_window_, max_window_, max_marks_;
	std::unique_ptr<CorrelationTableN<4096>> corr_;
	std::unique_ptr<Predictor> predictor_;
	std::unique_ptr<StreamState> stream_;
	LinuxReadahead linux_;
	// The core's last access, as the host gave it.
	bool core_seen_ = false;
	u64 core_last_ = 0;
	u64 core_len_ = 0;
	// Where the reader's previous read ended (file_ra_state.prev_pos).
	bool read_seen_ = false;
	u64 read_end_ = 0;
	// Units the module prefetched and the reader has not reached: each is PG_readahead.
	std::unordered_set<u64> marked_;
	std::deque<u64> mark_order_; // oldest first, to forget the oldest beyond max_marks_
};

// The core's decisions for one event, acted on as aether_hook_access() acts on them.
Verdict LinuxCore::hook(const Event &e, std::vector<Range> &prefetch)
{
	const u32 req = arith::clamp_u32(std::max<u64>(e.req, 1));
	if (core_seen_ && read_seen_ && read_end_ > 0) {
		const u64 prev = read_end_ - 1;
		if (e.index > core_last_ ? prev >= sat_add(core_last_, core_len_) && prev < e.index
					 : prev > e.index && prev < core_last_) {
			predictor_->access(*stream_, prev, 1, nullptr, 0);
			core_last_ = prev;
			core_len_ = 1;
		}
	}
	Decision d[kMaxDecisions];
	const size_t n = std::min(predictor_->access(*stream_, e.index, req, d, kMaxDecisions), kMaxDecisions);
	const bool known = core_seen_;
	bool forward = core_seen_ && e.index > core_last_ && e.index <= sat_add(core_last_, core_len_);
	for (size_t i = 0; i < n; i++)
		forward = forward || (d[i].action == Action::kReadahead && d[i].start >= e.index);
	const bool random = !forward && n == 0;
	core_seen_ = true;
	core_last_ = e.index;
	core_len_ = req;

	if (!forward && linux_.max_window() > linux_.default_max())
		linux_.set_max_window(linux_.default_max());
	for (size_t i = 0; i < n; i++) {
		if (!d[i].length)
			continue;
		if (d[i].action == Action::kReadahead && d[i].start >= e.index) {
			if (forward)
				grow(d[i].length);
			continue;
		}
		prefetch.push_back({d[i].start, d[i].length});
	}
	if (e.call == Call::kAsync)
		return !e.kernel_mark && !forward ? Verdict::kSkip : Verdict::kKernel;
	// A stream's first miss keeps the kernel's window: it may start a sequential read.
	return random && known && req <= linux_.max_window() ? Verdict::kExact : Verdict::kKernel;
}

// aether_hook_window_grow(): only a window at least the default is grown.
void LinuxCore::grow(u64 length)
{
	const u64 def = linux_.default_max();
	const u64 want = std::clamp(std::max(length, def), min_window_, max_window_);
	if (linux_.max_window() >= def && want > linux_.max_window())
		linux_.set_max_window(want);
}

void LinuxCore::mark(const Range &r)
{
	// In object mode a prefetch is objects the size of the request, the first at start.
	const u64 n = mode_ == SimMode::kBlock ? std::min(r.length, max_marks_) : 1;
	for (u64 u = r.start; u < sat_add(r.start, n); u++) {
		if (!marked_.insert(u).second)
			continue;
		mark_order_.push_back(u);
		while (mark_order_.size() > max_marks_) {
			marked_.erase(mark_order_.front());
			mark_order_.pop_front();
		}
	}
}

void LinuxCore::take_marks(u64 addr, u64 end, std::vector<Event> &events)
{
	if (marked_.empty())
		return;
	if (mode_ == SimMode::kObject)
		end = std::min(end, sat_add(addr, 1));
	for (u64 u = addr; u < end; u++)
		if (marked_.erase(u))
			events.push_back({u, end - u, Call::kAsync, false});
}

void LinuxCore::access(u64 addr, u32 len, std::vector<Range> &out)
{
	const u64 end = sat_add(addr, std::max<u32>(len, 1));
	const LinuxReadahead::Step step = linux_.peek(addr, len);
	const bool first_marked = marked_.count(addr) != 0;
	std::vector<Event> events;
	std::vector<Range> prefetch;

	// The event that decides the kernel's own readahead for this read, first.
	if (!first_marked && step == LinuxReadahead::Step::kMark) {
		const Range w = linux_.window();
		const u64 index = std::max(addr, w.start);
		events.push_back({index, std::max(end, sat_add(w.start, w.length)) - index, Call::kAsync, true});
	} else if (!first_marked && step != LinuxReadahead::Step::kConsume) {
		// A read that starts in the page the previous one ended in finds it cached:
		// its first miss, if any, is the page after.
		const u64 miss = mode_ == SimMode::kBlock && read_seen_ && addr + 1 == read_end_ ? addr + 1 : addr;
		if (miss < end)
			events.push_back({miss, end - miss, Call::kSync, false});
	}
	take_marks(addr, end, events);

	Verdict first = Verdict::kKernel;
	for (size_t i = 0; i < events.size(); i++) {
		const Verdict v = hook(events[i], prefetch);
		if (i == 0)
			first = v;
	}
	// The model's window is read unless the module skipped or replaced the kernel's
	// call; an exact read of a random miss is what the kernel would read anyway.
	const bool opens_window = step != LinuxReadahead::Step::kConsume && step != LinuxReadahead::Step::kRandom;
	if (events.empty() || first == Verdict::kKernel || (first == Verdict::kExact && !opens_window))
		linux_.access(addr, len, out);
	else
		linux_.read_without_readahead(addr, len);
	read_seen_ = true;
	read_end_ = end;

	for (const Range &r : prefetch) {
		out.push_back(r);
		mark(r);
	}
}

} // namespace

std::unique_ptr<Prefetcher> make_linux_core_prefetcher(Preset preset, SimMode mode)
{
	return std::make_unique<LinuxCore>(preset, mode);
}

} // namespace aether::ctl
