// Cache simulators (page-level and libCacheSim-style object-level) and the baseline policies.
#include "sim.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "aether/predictor.hpp"

namespace aether::ctl {

namespace {

using i64 = std::int64_t;

constexpr u64 kU64Max = std::numeric_limits<u64>::max();
constexpr u32 kU32Max = std::numeric_limits<u32>::max();

u64 sat_add(u64 a, u64 b)
{
	return b > kU64Max - a ? kU64Max : a + b;
}

u32 clamp_u32(u64 v)
{
	return v > kU32Max ? kU32Max : static_cast<u32>(v);
}

// b - a as a signed delta, saturated so far-apart addresses never wrap into a small one.
i64 delta(u64 a, u64 b)
{
	constexpr u64 kMax = static_cast<u64>(std::numeric_limits<i64>::max());
	if (b >= a)
		return b - a > kMax ? std::numeric_limits<i64>::max() : static_cast<i64>(b - a);
	return a - b > kMax ? std::numeric_limits<i64>::min() : -static_cast<i64>(a - b);
}

// addr + k * d, or nothing when that leaves [0, 2^64).
std::optional<u64> step(u64 addr, i64 d, u64 k)
{
	// 0 - u64(d) is |d| even for INT64_MIN.
	const u64 mag = d < 0 ? 0 - static_cast<u64>(d) : static_cast<u64>(d);
	if (mag && k > kU64Max / mag)
		return std::nullopt;
	const u64 off = mag * k;
	if (d >= 0)
		return off > kU64Max - addr ? std::nullopt : std::optional<u64>(addr + off);
	return off > addr ? std::nullopt : std::optional<u64>(addr - off);
}

u64 round_up_pow2(u64 v)
{
	u64 p = 1;
	while (p < v && p <= kU64Max / 2)
		p *= 2;
	return p;
}

// How many of the policy's units make @bytes, at least one.
u64 units(SimMode mode, u64 bytes)
{
	const u64 unit = mode == SimMode::kBlock ? kPageBytes : kSectorBytes;
	return std::max<u64>(1, bytes / unit);
}

class NonePolicy final : public Policy {
public:
	void access(u64, u32, std::vector<Range> &) override {}
};

// A model of Linux's ondemand readahead (mm/readahead.c) for one stream, simplified:
// - a sequential read starts a stream. Sequential is the kernel's test: it starts where
//   the previous read ended or in its last unit ("index - prev_index <= 1"), since
//   unaligned reads share a page. The first window is 4x the request rounded up to a
//   power of two, from 16 KiB to the maximum, read right after the request;
// - a read that enters the last window read ahead triggers the asynchronous readahead
//   of the next window, twice as large (up to 128 KiB, the default read_ahead_kb), so
//   the reader never catches up with a sequential stream;
// - reads inside what was already read ahead just consume it;
// - anything else is a random read: no readahead, and the stream is forgotten.
// The kernel's first read at offset 0, its 2x/4x ramp-up and its miss-driven sync
// readahead after eviction are left out: this is the policy's shape, not its code.
class LinuxPolicy final : public Policy {
public:
	explicit LinuxPolicy(SimMode mode) : min_(units(mode, 16 << 10)), max_(units(mode, 128 << 10)) {}

	void access(u64 addr, u32 len, std::vector<Range> &out) override
	{
		const u64 end = sat_add(addr, len);
		const bool sequential = seen_ && (addr == prev_end_ || addr + 1 == prev_end_);
		const u64 ra_end = sat_add(ra_start_, ra_size_);
		const bool in_last = addr < ra_end && end > ra_start_;
		if (active_ && (in_last || (sequential && addr >= ra_end))) {
			window_ = std::min(window_ * 2, max_);
			ra_start_ = std::max(ra_end, end);
			ra_size_ = window_;
			out.push_back({ra_start_, ra_size_});
		} else if (active_ && (sequential || (addr >= lo_ && addr < ra_end))) {
			// Consuming what was already read ahead.
		} else if (sequential) {
			active_ = true;
			lo_ = addr;
			window_ = std::clamp(round_up_pow2(u64{len} * 4), min_, max_);
			ra_start_ = end;
			ra_size_ = window_;
			out.push_back({ra_start_, ra_size_});
		} else {
			active_ = false;
		}
		seen_ = true;
		prev_end_ = end;
	}

private:
	const u64 min_, max_;
	bool seen_ = false;
	bool active_ = false;
	u64 prev_end_ = 0;
	u64 lo_ = 0;       // where the stream started
	u64 ra_start_ = 0; // the last window read ahead
	u64 ra_size_ = 0;
	u64 window_ = 0;
};

// One-block lookahead: always the next unit. In block mode that is the next page; in
// object mode an object is a whole request, so it is the same-sized object right after.
class OblPolicy final : public Policy {
public:
	explicit OblPolicy(SimMode mode) : mode_(mode) {}

	void access(u64 addr, u32 len, std::vector<Range> &out) override
	{
		const u64 next = sat_add(addr, len);
		if (next != kU64Max)
			out.push_back({next, mode_ == SimMode::kBlock ? 1 : u64{len}});
	}

private:
	const SimMode mode_;
};

// Classic stride prefetching for one stream: once the same delta between request starts
// is seen twice in a row, fetch one more request at that stride.
class StridePolicy final : public Policy {
public:
	void access(u64 addr, u32 len, std::vector<Range> &out) override
	{
		if (seen_) {
			const i64 d = delta(prev_addr_, addr);
			if (have_delta_ && d == prev_delta_ && d != 0)
				if (const auto next = step(addr, d, 1))
					out.push_back({*next, len});
			prev_delta_ = d;
			have_delta_ = true;
		}
		seen_ = true;
		prev_addr_ = addr;
	}

private:
	bool seen_ = false;
	bool have_delta_ = false;
	u64 prev_addr_ = 0;
	i64 prev_delta_ = 0;
};

// Leap's majority-trend prefetcher (Al Maruf and Chowdhury, USENIX ATC '20). The
// majority delta (Boyer-Moore vote) of the last 8 deltas, else of the last 4, is the
// trend; without one nothing is prefetched. The window (how many strides ahead) starts
// at 1 and doubles up to 8 while the previous batch was hit, else halves. Leap learns
// about hits from the swap cache; here a hit is a later access overlapping the batch.
class LeapPolicy final : public Policy {
public:
	void access(u64 addr, u32 len, std::vector<Range> &out) override
	{
		const u64 end = sat_add(addr, len);
		for (const Range &r : batch_)
			if (addr < sat_add(r.start, r.length) && end > r.start)
				batch_hit_ = true;

		if (seen_) {
			history_[head_] = delta(prev_addr_, addr);
			head_ = (head_ + 1) % kHistory;
			count_ = std::min(count_ + 1, kHistory);
		}
		seen_ = true;
		prev_addr_ = addr;

		std::optional<i64> trend = majority(kHistory);
		if (!trend)
			trend = majority(kHistory / 2);
		if (!trend || *trend == 0)
			return;

		if (!batch_.empty())
			window_ = batch_hit_ ? std::min<u64>(window_ * 2, kMaxWindow)
					     : std::max<u64>(window_ / 2, 1);
		batch_.clear();
		batch_hit_ = false;
		for (u64 k = 1; k <= window_; k++) {
			const auto next = step(addr, *trend, k);
			if (!next)
				break;
			batch_.push_back({*next, len});
			out.push_back({*next, len});
		}
	}

private:
	static constexpr size_t kHistory = 8;
	static constexpr u64 kMaxWindow = 8;

	// The strict majority of the last @n deltas (or of all there are), if any.
	std::optional<i64> majority(size_t n) const
	{
		n = std::min(n, count_);
		if (n == 0)
			return std::nullopt;
		const auto at = [this](size_t back) { return history_[(head_ + kHistory - 1 - back) % kHistory]; };
		i64 candidate = 0;
		size_t votes = 0;
		for (size_t i = 0; i < n; i++) {
			if (votes == 0)
				candidate = at(i), votes = 1;
			else if (at(i) == candidate)
				votes++;
			else
				votes--;
		}
		size_t seen = 0;
		for (size_t i = 0; i < n; i++)
			seen += at(i) == candidate;
		return seen * 2 > n ? std::optional<i64>(candidate) : std::nullopt;
	}

	i64 history_[kHistory] = {};
	size_t head_ = 0;  // where the next delta goes
	size_t count_ = 0; // deltas recorded, up to kHistory
	bool seen_ = false;
	u64 prev_addr_ = 0;
	u64 window_ = 1;
	std::vector<Range> batch_; // the last prefetches issued
	bool batch_hit_ = false;
};

// The Aether core with one of its presets, one stream for the whole trace. Its windows
// are defined in bytes, so the preset is given the size of a unit.
class AetherPolicy final : public Policy {
public:
	AetherPolicy(Preset preset, SimMode mode)
		: corr_(std::make_unique<CorrelationTableN<4096>>()),
		  predictor_(std::make_unique<Predictor>(
			  preset_params(preset, mode == SimMode::kBlock ? kPageBytes : kSectorBytes), *corr_)),
		  stream_(std::make_unique<StreamState>())
	{
	}

	void access(u64 addr, u32 len, std::vector<Range> &out) override
	{
		Decision d[kMaxDecisions];
		const size_t n = predictor_->access(*stream_, addr, len, d, kMaxDecisions);
		for (size_t i = 0; i < n && i < kMaxDecisions; i++)
			if (d[i].length)
				out.push_back({d[i].start, d[i].length});
	}

private:
	std::unique_ptr<CorrelationTableN<4096>> corr_;
	std::unique_ptr<Predictor> predictor_;
	std::unique_ptr<StreamState> stream_;
};

// One demand access of @key: counts it as a hit, a prefetch hit or a miss (which
// brings @bytes in), as both simulation modes do.
void demand(LruCache &cache, Metrics &m, u64 key, u64 bytes)
{
	switch (cache.get(key)) {
	case LruCache::Lookup::kMiss:
		m.demand_misses++;
		cache.put(key, bytes, LruCache::Origin::kDemand);
		break;
	case LruCache::Lookup::kPrefetchHit:
		m.prefetch_hits++;
		m.hits++;
		break;
	case LruCache::Lookup::kHit:
		m.hits++;
		break;
	}
}

double ratio(u64 num, u64 den)
{
	return den ? static_cast<double>(num) / static_cast<double>(den) : 0.0;
}

// Block mode: every request in pages; reads demand theirs and drive the policy,
// writes only bring theirs into the cache.
Metrics simulate_block(const std::vector<Request> &requests, u64 cache_bytes, Policy &policy)
{
	LruCache cache(cache_bytes);
	// A prefetch larger than the cache would only evict itself.
	const u64 max_prefetch = std::max<u64>(1, cache_bytes / kPageBytes);
	Metrics m;
	std::vector<Range> out;
	for (const Request &r : requests) {
		const u64 first = r.offset / kPageBytes;
		const u64 end_byte = r.offset + r.length; // the reader checked it fits
		const u64 last = end_byte / kPageBytes + (end_byte % kPageBytes != 0);
		if (r.op == Op::kWrite) {
			for (u64 p = first; p < last; p++)
				cache.put(p, kPageBytes, LruCache::Origin::kDemand);
			continue;
		}
		for (u64 p = first; p < last; p++)
			demand(cache, m, p, kPageBytes);
		m.demand_units += last - first;

		out.clear();
		policy.access(first, clamp_u32(last - first), out);
		for (const Range &pf : out) {
			const u64 end = sat_add(pf.start, std::min(pf.length, max_prefetch));
			for (u64 p = pf.start; p < end; p++)
				m.prefetched_units += cache.put(p, kPageBytes, LruCache::Origin::kPrefetch);
		}
	}
	m.demand_bytes = m.demand_units * kPageBytes;
	m.prefetched_bytes = m.prefetched_units * kPageBytes;
	m.prefetch_wasted = cache.wasted();
	return m;
}

// At most this many objects are made from one prefetch range in object mode.
constexpr u64 kMaxTiles = 64;

// Object mode, as libCacheSim: every request is a get of object id = start LBN, sized
// by the request, and goes to the policy in sectors.
Metrics simulate_object(const std::vector<Request> &requests, u64 cache_bytes, Policy &policy)
{
	LruCache cache(cache_bytes);
	Metrics m;
	std::vector<Range> out;
	for (const Request &r : requests) {
		const u64 id = r.offset / kSectorBytes;
		m.demand_units++;
		m.demand_bytes += r.length;
		demand(cache, m, id, r.length);

		out.clear();
		policy.access(id, clamp_u32(r.length / kSectorBytes + (r.length % kSectorBytes != 0)), out);
		// A range is fetched as objects the size of the request that triggered it,
		// tiling the range: in object semantics a readahead window of four
		// requests is the next four requests, not one object four times as large.
		// Ranges no longer than the request (OBL, stride, Leap, correlation) are one
		// object, as before.
		const u64 tile = std::max<u64>(1, r.length / kSectorBytes);
		for (const Range &pf : out) {
			// A length beyond what fits in 64 bits of bytes cannot fit in any cache.
			if (pf.length == 0 || pf.length > kU64Max / kSectorBytes)
				continue;
			const u64 step = pf.length > tile ? tile : pf.length;
			for (u64 off = 0, n = 0; off < pf.length && n < kMaxTiles; off += step, n++) {
				const u64 bytes = std::min(step, pf.length - off) * kSectorBytes;
				if (cache.put(pf.start + off, bytes, LruCache::Origin::kPrefetch)) {
					m.prefetched_units++;
					m.prefetched_bytes += bytes;
				}
			}
		}
	}
	m.prefetch_wasted = cache.wasted();
	return m;
}

} // namespace

const char *mode_name(SimMode mode)
{
	return mode == SimMode::kBlock ? "block" : "object";
}

const char *policy_name(PolicyKind kind)
{
	switch (kind) {
	case PolicyKind::kNone:
		return "none";
	case PolicyKind::kLinux:
		return "linux";
	case PolicyKind::kObl:
		return "obl";
	case PolicyKind::kStride:
		return "stride";
	case PolicyKind::kLeap:
		return "leap";
	case PolicyKind::kHft:
		return preset_name(Preset::kHft);
	case PolicyKind::kGaming:
		return preset_name(Preset::kGaming);
	case PolicyKind::kAdaptive:
		return preset_name(Preset::kAdaptive);
	}
	return "?";
}

std::optional<PolicyKind> parse_policy(std::string_view name)
{
	for (PolicyKind kind : kAllPolicies)
		if (name == policy_name(kind))
			return kind;
	return std::nullopt;
}

std::unique_ptr<Policy> make_policy(PolicyKind kind, SimMode mode)
{
	switch (kind) {
	case PolicyKind::kNone:
		return std::make_unique<NonePolicy>();
	case PolicyKind::kLinux:
		return std::make_unique<LinuxPolicy>(mode);
	case PolicyKind::kObl:
		return std::make_unique<OblPolicy>(mode);
	case PolicyKind::kStride:
		return std::make_unique<StridePolicy>();
	case PolicyKind::kLeap:
		return std::make_unique<LeapPolicy>();
	case PolicyKind::kHft:
		return std::make_unique<AetherPolicy>(Preset::kHft, mode);
	case PolicyKind::kGaming:
		return std::make_unique<AetherPolicy>(Preset::kGaming, mode);
	case PolicyKind::kAdaptive:
		return std::make_unique<AetherPolicy>(Preset::kAdaptive, mode);
	}
	return std::make_unique<NonePolicy>();
}

// ---- LruCache::Index ----

size_t LruCache::Index::home(u64 key) const
{
	return static_cast<size_t>(aether::hash64(key)) & (slots_.size() - 1);
}

u32 LruCache::Index::find(u64 key) const
{
	if (slots_.empty())
		return kNil;
	for (size_t i = home(key);; i = (i + 1) & (slots_.size() - 1)) {
		const Slot &s = slots_[i];
		if (s.node == kNil)
			return kNil;
		if (s.key == key)
			return s.node;
	}
}

void LruCache::Index::insert(u64 key, u32 node)
{
	// At most half full, so probes stay short and there is always an empty slot.
	if ((size_ + 1) * 2 > slots_.size())
		grow();
	size_t i = home(key);
	while (slots_[i].node != kNil)
		i = (i + 1) & (slots_.size() - 1);
	slots_[i] = Slot{key, node};
	size_++;
}

void LruCache::Index::erase(u64 key)
{
	const size_t mask = slots_.size() - 1;
	size_t i = home(key);
	while (slots_[i].key != key || slots_[i].node == kNil)
		i = (i + 1) & mask;
	slots_[i].node = kNil;
	size_--;
	// Backward-shift deletion: move later entries of the probe run into the hole when
	// their home is not between the hole and where they are now.
	for (size_t j = (i + 1) & mask; slots_[j].node != kNil; j = (j + 1) & mask) {
		const size_t k = home(slots_[j].key);
		const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (stays)
			continue;
		slots_[i] = slots_[j];
		slots_[j].node = kNil;
		i = j;
	}
}

void LruCache::Index::grow()
{
	std::vector<Slot> old = std::move(slots_);
	slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
	size_ = 0;
	for (const Slot &s : old)
		if (s.node != kNil)
			insert(s.key, s.node);
}

// ---- LruCache ----

LruCache::LruCache(u64 capacity_bytes) : capacity_(capacity_bytes) {}

void LruCache::unlink(u32 n)
{
	Node &node = nodes_[n];
	if (node.prev != kNil)
		nodes_[node.prev].next = node.next;
	else
		head_ = node.next;
	if (node.next != kNil)
		nodes_[node.next].prev = node.prev;
	else
		tail_ = node.prev;
	node.prev = node.next = kNil;
}

void LruCache::push_front(u32 n)
{
	Node &node = nodes_[n];
	node.prev = kNil;
	node.next = head_;
	if (head_ != kNil)
		nodes_[head_].prev = n;
	head_ = n;
	if (tail_ == kNil)
		tail_ = n;
}

void LruCache::evict_lru()
{
	const u32 n = tail_;
	const Node &node = nodes_[n];
	wasted_ += node.prefetched;
	evictions_++;
	used_ -= node.bytes;
	index_.erase(node.key);
	unlink(n);
	free_.push_back(n);
}

LruCache::Lookup LruCache::get(u64 key)
{
	const u32 n = index_.find(key);
	if (n == kNil)
		return Lookup::kMiss;
	unlink(n);
	push_front(n);
	if (nodes_[n].prefetched) {
		nodes_[n].prefetched = false;
		return Lookup::kPrefetchHit;
	}
	return Lookup::kHit;
}

bool LruCache::put(u64 key, u64 bytes, Origin origin)
{
	const u32 found = index_.find(key);
	if (found != kNil) {
		if (origin == Origin::kDemand) {
			unlink(found);
			push_front(found);
			wasted_ += nodes_[found].prefetched;
			nodes_[found].prefetched = false;
		}
		return false;
	}
	if (bytes > capacity_)
		return false;
	while (bytes > capacity_ - used_)
		evict_lru();

	u32 n;
	if (!free_.empty()) {
		n = free_.back();
		free_.pop_back();
	} else {
		if (nodes_.size() >= kNil)
			throw std::length_error("cache simulator: more than 2^32 - 1 entries");
		n = static_cast<u32>(nodes_.size());
		nodes_.push_back({});
	}
	nodes_[n] = Node{key, bytes, kNil, kNil, origin == Origin::kPrefetch};
	push_front(n);
	index_.insert(key, n);
	used_ += bytes;
	return true;
}

std::vector<u64> LruCache::keys_by_recency() const
{
	std::vector<u64> keys;
	keys.reserve(index_.size());
	for (u32 n = head_; n != kNil; n = nodes_[n].next)
		keys.push_back(nodes_[n].key);
	return keys;
}

// ---- Metrics and simulate ----

double Metrics::hit_ratio() const
{
	return ratio(hits, demand_units);
}

double Metrics::accuracy() const
{
	return ratio(prefetch_hits, prefetched_units);
}

double Metrics::coverage() const
{
	return ratio(prefetch_hits, prefetch_hits + demand_misses);
}

Metrics simulate(const std::vector<Request> &requests, SimMode mode, u64 cache_bytes, Policy &policy)
{
	return mode == SimMode::kBlock ? simulate_block(requests, cache_bytes, policy)
				       : simulate_object(requests, cache_bytes, policy);
}

} // namespace aether::ctl
