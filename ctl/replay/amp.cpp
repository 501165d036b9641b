// AMP: sequential streams in a small table, each prefetching p requests' worth ahead and
// issuing the next set when the reader comes within g requests of the end of the last.
//
// The paper adapts p and g per stream from two signals; the replay has no clock, so:
// - "the last track of a prefetched set is read before the next set has arrived" (the
//   prefetch was too small or too late: p + 1, and g + 1 up to p - 1) becomes "a read
//   reaches the last unit of a set", i.e. the stream consumed a whole set. With no
//   latency the next set is always in time, so this is the nearest signal there is;
// - "a prefetched track is evicted unread" (p - 1, and g at most p - 1) is taken from
//   the simulated cache through Prefetcher::evicted_unused(), at most once per set.
// A stream starts on the first sequential continuation (a read that starts where a
// tracked read ended, or in its last unit), with p = 2 and g = 1. Units are the stream's request length, so
// in object mode a set of p is one window p requests long.
#include "replay/amp.hpp"

#include <algorithm>
#include <array>

#include "replay/arith.hpp"

namespace aether::ctl {

namespace {

using arith::sat_add;

constexpr u32 kStreams = 32;
constexpr u32 kInitialDegree = 2;
constexpr u32 kInitialTrigger = 1;
constexpr u32 kMaxDegree = 32;
constexpr u64 kNone = ~u64{0};

class Amp final : public Prefetcher {
public:
	explicit Amp(SimMode mode) : max_set_(mode == SimMode::kBlock ? (1 << 20) / kPageBytes : kNone) {}

	void access(u64 addr, u32 len, std::vector<Range> &out) override
	{
		const u64 end = sat_add(addr, len);
		Stream *s = find(addr);
		if (!s) {
			s = &victim();
			*s = Stream{};
			s->next = end;
			s->unit = std::max<u32>(len, 1);
			s->used = ++clock_;
			return;
		}
		s->used = ++clock_;
		// The stream consumed a whole set: grow.
		for (u64 &tail : s->tails)
			if (tail != kNone && addr <= tail && tail < end) {
				s->p = std::min(s->p + 1, kMaxDegree);
				s->g = std::min(s->g + 1, s->p - 1);
				tail = kNone;
			}
		s->next = std::max(s->next, end);
		if (s->pf_end == kNone || end > s->trigger)
			issue(*s, out);
	}

	void evicted_unused(u64 key) override
	{
		for (Stream &s : streams_)
			if (s.pf_end != kNone && !s.cut && key >= s.pf_start && key < s.pf_end) {
				s.p = std::max<u32>(s.p - 1, 1);
				s.g = std::min(s.g, s.p - 1);
				s.cut = true;
				return;
			}
	}

private:
	struct Stream {
		u64 next = kNone;     // where the next sequential read starts
		u64 pf_start = kNone; // what the stream prefetched: [pf_start, pf_end)
		u64 pf_end = kNone;
		u64 trigger = kNone; // a read past this issues the next set
		u64 tails[2] = {kNone, kNone}; // the last unit of the last two sets
		u64 used = 0;                  // for LRU replacement
		u32 unit = 1;
		u32 p = kInitialDegree;
		u32 g = kInitialTrigger;
		bool cut = false; // p was cut for waste since the last set
	};

	// The stream @addr continues: it starts where one ended (or in its last unit, as
	// unaligned reads share a page, the kernel's test) or inside what it prefetched.
	Stream *find(u64 addr)
	{
		for (Stream &s : streams_)
			if (s.next != kNone && (s.next == addr || s.next == sat_add(addr, 1)))
				return &s;
		for (Stream &s : streams_)
			if (s.pf_end != kNone && addr > s.next && addr < s.pf_end)
				return &s;
		return nullptr;
	}

	Stream &victim()
	{
		return *std::min_element(streams_.begin(), streams_.end(),
					 [](const Stream &a, const Stream &b) { return a.used < b.used; });
	}

	void issue(Stream &s, std::vector<Range> &out)
	{
		const u64 start = s.pf_end == kNone ? s.next : std::max(s.pf_end, s.next);
		const u64 length = std::min<u64>(u64{s.p} * s.unit, max_set_);
		const u64 end = sat_add(start, length);
		if (end == start)
			return;
		out.push_back({start, end - start});
		if (s.pf_end == kNone)
			s.pf_start = start;
		s.pf_end = end;
		const u64 lead = std::min<u64>(u64{s.g} * s.unit, end - start - 1);
		s.trigger = end - lead - 1;
		s.tails[0] = s.tails[1];
		s.tails[1] = end - std::min<u64>(s.unit, end - start);
		s.cut = false;
	}

	const u64 max_set_; // the most one set may hold, in units (1 MiB of pages)
	std::array<Stream, kStreams> streams_{};
	u64 clock_ = 0;
};

} // namespace

std::unique_ptr<Prefetcher> make_amp(SimMode mode)
{
	return std::make_unique<Amp>(mode);
}

} // namespace aether::ctl
