// The prediction core's entry point: one demand access in, up to kMaxDecisions out.
//
// API (stable for the hosts):
//
//   aether::CorrelationTableN<4096> corr;                 // shared by all streams
//   aether::Predictor p(aether::preset_params(aether::Preset::kAdaptive), corr);
//   aether::StreamState s{};                              // one per stream; {} is empty
//   aether::Decision d[aether::kMaxDecisions];
//   size_t n = p.access(s, addr, len, d, aether::kMaxDecisions);
//   // issue d[0..n): each is [start, start + length) in the same units as addr/len
//   // a host that sees its reads wait for prefetches in flight says so:
//   n = p.access(s, addr, len, d, aether::kMaxDecisions, aether::Timing::kLate);
//
// Units are the host's blocks (pages for the readahead hook, sectors or pages for
// block devices); the core never assumes a block size.
#pragma once

#include "aether/correlation.hpp"
#include "aether/decision.hpp"
#include "aether/detect.hpp"
#include "aether/feedback.hpp"
#include "aether/fixed.hpp"
#include "aether/params.hpp"
#include "aether/shadow.hpp"
#include "aether/types.hpp"

namespace aether {

// Everything the core keeps per stream. A value-initialised StreamState ({}) is a new,
// empty stream; the host may also reset one with `s = StreamState{}`.
struct StreamState {
	Majority trend;             // Leap's majority delta
	Tracker trackers[kTrackers]; // sub-streams: sequential or strided
	Feedback feedback;          // prefetched ranges not yet used or retired
	Shadow next;                // the ranges right after accesses nothing else acted on
	// The address space the stream's addresses belong to: aether.ko's file, 0 for a
	// host with one (a disk, a device). The correlation table is shared by every
	// stream of a core, and a pair learnt in one file says nothing about the same
	// page numbers in another, so pairs are learnt and looked up within it.
	u64 space = 0;
	u64 last_addr = 0;
	u32 last_len = 0;
	u8 accesses = 0;            // saturating: 0, 1 or "more" is all the core asks
	u8 clock = 0;               // tracker LRU clock
	u8 hot = 0;                 // tracker that matched the last access
};

// The detectors whose decisions the core weighs apart: each earns its own threshold
// from the accuracy of what it fetched, so a detector that wastes on some workload
// (say correlation on a scan) is silenced without muting one that pays (its
// readahead).
enum class Detector : u8 {
	kSequential,  // forward and backward readahead windows
	kStride,      // constant-stride targets
	kTrend,       // the majority trend
	kCorrelation, // learnt successors
	kNext,        // the range right after an access nothing else explained
};
inline constexpr u32 kDetectors = 5;

// What a host knows of how a demand access met the core's prefetches.
//   kUnknown  nothing, or it did not wait: a host without the notion (the replay, the
//             readahead hook) always passes this, and gets the decisions it always got;
//   kLate     it found blocks the core had issued still being read, and waited: the
//             prefetch was on time for the core but not for the backend's latency.
enum class Timing : u8 { kUnknown, kLate };

// Hosts keep one StreamState per stream (aether.ko one per file per CPU slot), so its
// size is a budget: at most 1 KiB.
static_assert(sizeof(StreamState) <= 1024, "per-stream state is budgeted at 1 KiB");

// Counters over everything a Predictor has seen.
struct Stats {
	u64 accesses = 0;      // demand accesses
	u64 demand_blocks = 0; // blocks they covered
	u64 decisions = 0;     // decisions returned
	u64 issued_blocks = 0; // blocks in those decisions
	u64 used_blocks = 0;   // issued blocks later demanded: the demand they covered
	u64 wasted_blocks = 0; // issued blocks retired unused
};

class Predictor {
public:
	Predictor(const Params &params, CorrelationTable &corr) noexcept;

	// Feeds one demand access of [addr, addr + len) on stream @s and writes up to @max
	// decisions to @out. Returns how many it wrote (0 when the core would not fetch
	// anything). len == 0 is treated as 1. Never fails, never allocates. With @max 0
	// (or @out null) the core learns from the access and decides nothing: what it
	// would have fetched is left for the next access. With @timing kLate, the
	// sequential sub-stream the access continues grows its window, at most once per
	// window read, up to late_window.
	size_t access(StreamState &s, u64 addr, u32 len, Decision *out, size_t max,
		      Timing timing = Timing::kUnknown) noexcept;

	const Stats &stats() const noexcept { return stats_; }
	const Params &params() const noexcept { return params_; }
	// @detector's current threshold, within [threshold_min, threshold_max].
	Q16 threshold(Detector detector) const noexcept { return threshold_[static_cast<u8>(detector)]; }
	// @detector's recent accuracy (used / issued blocks) as the online adaptation
	// sees it; the target accuracy until it has retired anything.
	Q16 recent_accuracy(Detector detector) const noexcept
	{
		const Recent &r = recent_[static_cast<u8>(detector)];
		return r.issued ? Q16::from_ratio(r.used, r.issued) : params_.target_accuracy;
	}

	// accuracy = used/issued; coverage = used/demand, the share of demanded blocks a
	// decision had already issued. 0 when nothing happened.
	Q16 accuracy() const noexcept { return Q16::from_ratio(stats_.used_blocks, stats_.issued_blocks); }
	Q16 coverage() const noexcept { return Q16::from_ratio(stats_.used_blocks, stats_.demand_blocks); }

private:
	// Where decisions go during one access.
	struct Sink {
		Decision *out;
		size_t n;
		size_t max;
		bool full() const noexcept { return n >= max; }
	};

	void retire(StreamState &s, const FeedbackEntry &e) noexcept;
	void adapt(Detector detector, u32 used, u32 issued) noexcept;
	bool emit(StreamState &s, Sink &sink, Action a, u64 start, u32 len, Q16 conf, u8 owner,
		  Detector detector) noexcept;
	bool sure(Detector detector, Q16 conf) const noexcept { return conf >= threshold(detector); }
	// Whether the sequential detector reads ahead for a sub-stream confirmed
	// @evidence times: when @conf clears its threshold, or when the windows it issued
	// at that much evidence have lately been used as often as the target asks. The
	// threshold follows the accuracy of all its windows, which short runs dominate
	// on real workloads; once it is above what a run's confirmations can reach, no
	// run retires a window that could bring it down again. A run confirmed a few
	// times may still pay, and its own record says so.
	bool sure_sequential(u32 evidence, Q16 conf) const noexcept
	{
		if (sure(Detector::kSequential, conf))
			return true;
		const Recent &r = by_evidence_[min(evidence, kEvidenceBuckets - 1)];
		return r.issued && against_target(r.used, r.issued) >= 0;
	}
	// The correlation table's key for address @x of stream @s: @x itself in space 0,
	// so a host with one space keys as it always has; else @x mixed with a hash of
	// the space, whose 64 bits keep two spaces' keys apart.
	static constexpr u64 corr_key(const StreamState &s, u64 x) noexcept
	{
		return s.space ? x ^ hash64(s.space) : x;
	}
	// The sign of used / issued - target_accuracy, without a division: both sides in
	// Q16. The one comparison behind thresholds, window halving and the lookahead.
	int against_target(u64 used, u64 issued) const noexcept
	{
		const u64 lhs = used << Q16::kFracBits;
		const u64 rhs = issued * static_cast<u64>(params_.target_accuracy.raw());
		return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
	}
	void readahead_forward(StreamState &s, Tracker &t, u8 idx, u64 a, u32 len, u32 size, Q16 conf,
			       Sink &sink) noexcept;
	void readahead_backward(StreamState &s, Tracker &t, u8 idx, u64 a, u32 size, Q16 conf, Sink &sink) noexcept;
	void stride(StreamState &s, Tracker &t, u8 idx, u64 a, u32 len, Q16 conf, Sink &sink) noexcept;
	void correlate(StreamState &s, u64 a, u32 len, Sink &sink) noexcept;
	void next(StreamState &s, u64 a, u32 len, Sink &sink) noexcept;
	u32 window_for(const Tracker &t, u32 len) const noexcept;
	// The largest window a sequential sub-stream may have: late_window, never below
	// max_window.
	u32 window_cap() const noexcept { return max<u32>(params_.max_window, params_.late_window); }
	Q16 confidence(u32 evidence) const noexcept
	{
		return conf_table_[evidence < kMaxEvidence ? evidence : kMaxEvidence];
	}

	Params params_;
	CorrelationTable &corr_;
	Stats stats_;
	// Blocks used and issued by one detector's retired ranges, each an exponential
	// average with weight 1/32 per retired range: their ratio is the detector's
	// recent accuracy counted in blocks, so one large window used in full weighs
	// more than a few single blocks wasted, as it does in the cache.
	struct Recent {
		u64 used = 0;
		u64 issued = 0;
	};
	// Adds one retired range of @issued blocks, @used of them used, to @r.
	static void average(Recent &r, u32 used, u32 issued) noexcept;
	Q16 threshold_[kDetectors];
	Recent recent_[kDetectors];
	// The same average for the sequential detector's windows, apart by the
	// confirmations their sub-stream had when each was issued: what runs of each
	// length have been worth. Eight buckets, the last for seven confirmations or
	// more, so that selftest.hpp's Predictor still fits a kernel stack frame beside a
	// StreamState; one per confirmation count gave the same replay figures.
	static constexpr u32 kEvidenceBuckets = 8;
	Recent by_evidence_[kEvidenceBuckets];
	// confidence(h) = (2/pi) atan(h / scale), tabulated once so the hot path never
	// evaluates atan.
	Q16 conf_table_[kMaxEvidence + 1];
};

// 2/pi in Q16, rounded.
inline constexpr Q16 kQ16TwoOverPi = Q16::from_raw(41722);

inline Predictor::Predictor(const Params &params, CorrelationTable &corr) noexcept
	: params_(params), corr_(corr)
{
	const Q16 scale = params_.scale > kQ16Zero ? params_.scale : kQ16One;
	for (u32 h = 0; h <= kMaxEvidence; h++)
		conf_table_[h] = clamp(atan(Q16::from_int(h) / scale) * kQ16TwoOverPi, kQ16Zero, kQ16One);
	// A threshold above the most confident detector's confidence would switch the
	// core off for good; the adaptation may make it cautious, never mute.
	if (params_.threshold_max > conf_table_[kMaxEvidence])
		params_.threshold_max = conf_table_[kMaxEvidence];
	if (params_.threshold_min > params_.threshold_max)
		params_.threshold_min = params_.threshold_max;
	for (u32 i = 0; i < kDetectors; i++) {
		threshold_[i] = clamp(params_.threshold, params_.threshold_min, params_.threshold_max);
		recent_[i] = Recent{};
	}
}

inline size_t Predictor::access(StreamState &s, u64 a, u32 len, Decision *out, size_t max, Timing timing) noexcept
{
	if (!len)
		len = 1;
	stats_.accesses++;
	stats_.demand_blocks += len;
	Sink sink{out, 0, out ? max : 0};

	// 1. Feedback first: this access may use what earlier decisions fetched, and
	//    that decides how the windows below are sized.
	const FeedbackHit hit = s.feedback.demand(a, len);
	s.next.demand(a, len);
	if (hit.used) {
		stats_.used_blocks += hit.used;
		for (u32 bits = hit.completed; bits; bits &= bits - 1) {
			const u32 i = static_cast<u32>(__builtin_ctz(bits));
			retire(s, s.feedback.entry(i));
			s.feedback.release(i);
		}
		for (u32 bits = hit.owners_first_hit; bits; bits &= bits - 1) {
			Tracker &t = s.trackers[__builtin_ctz(bits)];
			const u32 cap = t.pattern == Pattern::kStride ? params_.max_depth : params_.max_window;
			// Hits grow a window up to max_window, and never shrink one that
			// lateness grew past it.
			const u32 grown = min<u32>(t.window ? t.window * 2 : 1, cap);
			if (grown > t.window)
				t.window = grown;
		}
	}

	// 2. The majority trend sees every delta.
	const bool first = s.accesses == 0;
	// Sequential by the same rule as the trackers: starts after the previous access
	// started and no later than it ended.
	const bool contiguous = !first && a > s.last_addr && a <= s.last_addr + s.last_len;
	if (!first) {
		const i64 d = delta(s.last_addr, a);
		s.trend.push(d);
		// 3. The correlation table learns every non-sequential successor.
		if (!contiguous)
			corr_.learn(corr_key(s, s.last_addr), a, len);
	}

	// 4. Which sub-stream does this access continue? The most confirmed one wins;
	//    if none, the nearest one within attach_distance seeds a stride candidate.
	s.clock++;
	Tracker *best = nullptr;
	Pattern pattern = Pattern::kNone;
	const Tracker *nearest = nullptr;
	u64 nearest_dist = u64{params_.attach_distance} + 1;
	Tracker *victim = &s.trackers[0];
	// Fast path: the tracker that matched last time continues its pattern (one
	// compare for a sequential or strided reader, whatever else is interleaved).
	Tracker &hot = s.trackers[s.hot < kTrackers ? s.hot : 0];
	const Pattern hot_pattern = classify(hot, a, len);
	if (hot_pattern != Pattern::kNone && hot_pattern == hot.pattern) {
		best = &hot;
		pattern = hot_pattern;
	} else for (Tracker &t : s.trackers) {
		const Pattern p = classify(t, a, len);
		if (p != Pattern::kNone && (!best || t.hits > best->hits)) {
			best = &t;
			pattern = p;
		}
		if (t.live) {
			const u64 dist = a > t.last ? a - t.last : t.last - a;
			if (dist && dist < nearest_dist) {
				nearest = &t;
				nearest_dist = dist;
			}
		}
		// Victim: a free tracker, else the least recently used.
		if (victim->live && (!t.live || static_cast<u8>(s.clock - t.stamp) >
						       static_cast<u8>(s.clock - victim->stamp)))
			victim = &t;
	}

	bool acted = false;
	if (best) {
		Tracker &t = *best;
		const i64 d = delta(t.last, a);
		if (pattern == t.pattern) {
			t.hits = t.hits < kMaxEvidence ? t.hits + 1 : kMaxEvidence;
			if (t.ahead)
				t.ahead--; // a stride access consumed the nearest issued target
		} else {
			// A new pattern starts over: nothing it fetched before applies.
			t.hits = 1;
			t.ahead = 0;
			t.window = 0;
			t.late_wait = 0;
		}
		// Late: the reader caught up with readahead still in flight, so the window
		// leads it by less than the backend takes. Every read of what is in flight
		// arrives late and says the same thing, and so do the reads of the refill
		// that follows a doubling, which starts no further ahead. Only once the
		// reader has read a whole doubled window does a late read show that it is
		// still short: the window doubles at most once per window read.
		if (pattern == Pattern::kForward || pattern == Pattern::kBackward) {
			if (timing == Timing::kLate && t.window && !t.late_wait) {
				t.window = min<u32>(t.window * 2, window_cap());
				t.late_wait = static_cast<u16>(min<u32>(t.window, 0xffff));
			} else {
				t.late_wait = static_cast<u16>(t.late_wait > len ? t.late_wait - len : 0);
			}
		}
		t.pattern = pattern;
		t.stride = d;
		t.last = a;
		// The larger of its last two requests: a stream that mixes sizes (a
		// small request between large ones) needs a window that fits the large.
		const u32 size = aether::max<u32>(len, t.len);
		t.len = len;
		t.stamp = s.clock;
		s.hot = static_cast<u8>(&t - s.trackers);
		const Q16 conf = confidence(t.hits);
		if (pattern == Pattern::kStride ? sure(Detector::kStride, conf) : sure_sequential(t.hits, conf)) {
			acted = true;
			const u8 idx = static_cast<u8>(&t - s.trackers);
			if (pattern == Pattern::kForward)
				readahead_forward(s, t, idx, a, len, size, conf, sink);
			else if (pattern == Pattern::kBackward)
				readahead_backward(s, t, idx, a, size, conf, sink);
			else
				stride(s, t, idx, a, len, conf, sink);
		}
	} else {
		*victim = Tracker{};
		victim->last = a;
		victim->len = len;
		victim->stride = nearest ? delta(nearest->last, a) : 0;
		victim->stamp = s.clock;
		victim->live = 1;
	}

	// 5. No sub-stream is sure: fall back to the majority trend, then to correlation.
	if (!acted && !first) {
		const i64 trend = s.trend.candidate();
		const Q16 conf = confidence(s.trend.votes());
		if (trend != 0 && sure(Detector::kTrend, conf) && s.trend.votes() >= kMaxEvidence / 3) {
			const u64 target = a + static_cast<u64>(trend);
			const bool wraps = trend < 0 ? target > a : target < a;
			if (!wraps && !s.feedback.outstanding(target)) {
				emit(s, sink, Action::kPrefetch, target, len, conf, kOwnerNone, Detector::kTrend);
				acted = true;
			}
		}
	}
	if (!acted)
		correlate(s, a, len, sink);
	if (!acted && sink.n == 0)
		next(s, a, len, sink);

	s.last_addr = a;
	s.last_len = len;
	if (s.accesses < 2)
		s.accesses++;
	return sink.n;
}

inline u32 Predictor::window_for(const Tracker &t, u32 len) const noexcept
{
	// A window smaller than two requests never gets ahead of the reader. Past
	// max_window only by lateness, which set t.window.
	const u32 want = max<u32>(t.window ? t.window : params_.init_window,
				  len > params_.max_window / 2 ? params_.max_window : 2 * len);
	const u32 cap = min<u32>(max<u32>(t.window, params_.max_window), window_cap());
	return min<u32>(max<u32>(want, params_.min_window), cap);
}

inline void Predictor::readahead_forward(StreamState &s, Tracker &t, u8 idx, u64 a, u32 len, u32 size,
					 Q16 conf, Sink &sink) noexcept
{
	const u32 w = window_for(t, size);
	t.window = w;
	const u64 end = a + len;
	// A frontier behind the reader, or implausibly far ahead, is stale.
	if (t.frontier < end || t.frontier - end > 2 * u64{w})
		t.frontier = end;
	// Like Linux's async readahead: refill once less than half a window is left.
	if ((t.frontier - end) * 2 > w)
		return;
	const u64 stop = end + w;
	// The frontier moves only over what was issued: a full sink (or a host
	// that only lets the core learn) leaves the rest for the next access. No
	// decision is longer than max_window, so a window lateness grew goes out in
	// parts.
	while (stop > t.frontier) {
		const u32 part = static_cast<u32>(min<u64>(stop - t.frontier, params_.max_window));
		if (!emit(s, sink, Action::kReadahead, t.frontier, part, conf, idx, Detector::kSequential))
			break;
		t.frontier += part;
	}
}

inline void Predictor::readahead_backward(StreamState &s, Tracker &t, u8 idx, u64 a, u32 size, Q16 conf,
					  Sink &sink) noexcept
{
	const u32 w = window_for(t, size);
	t.window = w;
	if (t.frontier > a || a - t.frontier > 2 * u64{w})
		t.frontier = a;
	if ((a - t.frontier) * 2 > w)
		return;
	const u64 lo = a > w ? a - w : 0;
	while (t.frontier > lo) {
		const u32 part = static_cast<u32>(min<u64>(t.frontier - lo, params_.max_window));
		if (!emit(s, sink, Action::kReadahead, t.frontier - part, part, conf, idx, Detector::kSequential))
			break;
		t.frontier -= part;
	}
}

inline void Predictor::stride(StreamState &s, Tracker &t, u8 idx, u64 a, u32 len, Q16 conf, Sink &sink) noexcept
{
	const u32 depth = min<u32>(max<u32>(t.window, 2), params_.max_depth);
	t.window = depth;
	// Like the windows above: refill once half the targets are used, so targets
	// go out several at a time and a host can issue them together.
	if (t.ahead * 2 > depth)
		return;
	while (t.ahead < depth && !sink.full()) {
		i64 off;
		if (__builtin_mul_overflow(t.stride, i64{t.ahead} + 1, &off))
			break; // a stride this large points outside any device
		const u64 target = a + static_cast<u64>(off);
		if (off < 0 ? target > a : target < a)
			break; // would wrap past block 0 or the top
		t.ahead++;
		if (!s.feedback.outstanding(target))
			emit(s, sink, Action::kPrefetch, target, len, conf, idx, Detector::kStride);
	}
}

inline void Predictor::correlate(StreamState &s, u64 a, u32 len, Sink &sink) noexcept
{
	u64 x = a;
	for (u32 depth = 0; depth < params_.corr_depth && !sink.full(); depth++) {
		const CorrelationEntry *e = corr_.lookup(corr_key(s, x));
		if (!e || e->hits < params_.corr_min_hits)
			return;
		const Q16 conf = confidence(e->hits);
		if (!sure(Detector::kCorrelation, conf))
			return;
		if (e->next != a + len && !s.feedback.outstanding(e->next))
			emit(s, sink, Action::kPrefetch, e->next, e->len, conf, kOwnerNone, Detector::kCorrelation);
		x = e->next;
	}
}

// One-block lookahead, learnt: the range right after an access that no detector
// explained, as long as such ranges have been used often enough. Real workloads
// read the neighbour of a random read later (the next record, the other half of a
// page pair) far more often than chance; uniform random never does. Its accuracy
// comes from the shadow, which sees every such range whether it was fetched or not,
// so it switches itself back on when the workload changes.
inline void Predictor::next(StreamState &s, u64 a, u32 len, Sink &sink) noexcept
{
	const u64 start = a + len;
	if (start < a)
		return; // the top of the address space
	const u32 n = min<u32>(len, params_.max_window);
	ShadowSample old;
	s.next.record(start, n, &old);
	if (old.len)
		adapt(Detector::kNext, old.used ? old.len : 0, old.len);
	const Recent &r = recent_[static_cast<u8>(Detector::kNext)];
	// Silent until the shadow has shown its worth: no guess on a fresh stream.
	if (!r.issued || against_target(r.used, r.issued) < 0)
		return;
	if (!s.feedback.outstanding(start))
		emit(s, sink, Action::kPrefetch, start, n, Q16::from_ratio(r.used, r.issued), kOwnerNone,
		     Detector::kNext);
}

// Returns whether the decision was written (false when @sink is full or @len is 0).
// No decision is longer than max_window: a stride target is as long as the access
// and a correlated one as its successor was, and one huge read must not become
// prefetches as huge. A range that would run past the top of the address space
// stops at it: the windows and strides above add to addresses without checking,
// and a host must never be handed a range whose end wraps to block 0.
inline bool Predictor::emit(StreamState &s, Sink &sink, Action a, u64 start, u32 len, Q16 conf, u8 owner,
			    Detector detector) noexcept
{
	len = min<u32>(len, params_.max_window);
	if (len > ~u64{0} - start)
		len = static_cast<u32>(~u64{0} - start);
	if (sink.full() || !len)
		return false;
	sink.out[sink.n++] = Decision{a, start, len, conf};
	stats_.decisions++;
	stats_.issued_blocks += len;
	FeedbackEntry evicted;
	const u8 evidence = owner < kTrackers ? s.trackers[owner].hits : 0;
	s.feedback.issue(start, len, owner, static_cast<u8>(detector), &evicted, evidence);
	if (evicted.len)
		retire(s, evicted);
	return true;
}

inline void Predictor::retire(StreamState &s, const FeedbackEntry &e) noexcept
{
	stats_.wasted_blocks += e.len - e.used;
	// The shadow measures kNext, fetched or not; counting its fetched ranges here
	// too would weigh them twice.
	if (e.detector != static_cast<u8>(Detector::kNext))
		adapt(e.detector < kDetectors ? static_cast<Detector>(e.detector) : Detector::kCorrelation, e.used,
		      e.len);
	if (e.detector == static_cast<u8>(Detector::kSequential))
		average(by_evidence_[min<u32>(e.evidence, kEvidenceBuckets - 1)], e.used, e.len);
	// As in Leap, a window that fell short is halved; short means below the target
	// accuracy, the same bar the thresholds adapt to, so that windows and thresholds
	// do not pull in different directions.
	if (e.owner < kTrackers &&
	    against_target(e.used, e.len) < 0) {
		Tracker &t = s.trackers[e.owner];
		const u32 floor = t.pattern == Pattern::kStride ? 1 : params_.min_window;
		t.window = max<u32>(t.window / 2, floor);
	}
}

inline void Predictor::average(Recent &r, u32 used, u32 issued) noexcept
{
	// In 1/256 blocks, so that the decay of a few blocks does not round to nothing
	// and leave an accuracy stuck.
	r.used = r.used - r.used / 32 + (u64{min(used, issued)} << 8);
	r.issued = r.issued - r.issued / 32 + (u64{issued} << 8);
}

inline void Predictor::adapt(Detector detector, u32 used, u32 issued) noexcept
{
	Recent &r = recent_[static_cast<u8>(detector)];
	Q16 &threshold = threshold_[static_cast<u8>(detector)];
	average(r, used, issued);
	const int sign = against_target(r.used, r.issued);
	if (sign < 0)
		threshold = threshold + params_.threshold_step;
	else if (sign > 0)
		threshold = threshold - params_.threshold_step;
	threshold = clamp(threshold, params_.threshold_min, params_.threshold_max);
}

} // namespace aether
