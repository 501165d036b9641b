// The replay's baselines: the simple prefetchers Aether is compared with (none, OBL,
// stride, Leap; Linux's readahead is in linux_readahead.cpp), and the one list of every
// baseline by name.
#include "replay/baselines.hpp"

#include <algorithm>
#include <iterator>

#include "aether/types.hpp"
#include "replay/amp.hpp"
#include "replay/arith.hpp"
#include "replay/core_prefetcher.hpp"
#include "replay/linux_core.hpp"
#include "replay/linux_readahead.hpp"
#include "replay/mithril.hpp"
#include "replay/pg.hpp"

namespace aether::ctl {

namespace {

using arith::i64;
using arith::kU64Max;
using arith::sat_add;
using arith::step;

// The `none` baseline: no prefetching, so the cache is plain LRU.
class NoPrefetch final : public Prefetcher {
public:
	void access(u64, u32, std::vector<Range> &) override {}
};

// One-block lookahead: always the next unit. In block mode that is the next page; in
// object mode an object is a whole request, so it is the same-sized object right after.
class Obl final : public Prefetcher {
public:
	explicit Obl(SimMode mode) : mode_(mode) {}

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
class Stride final : public Prefetcher {
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
class Leap final : public Prefetcher {
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

} // namespace

namespace {

// What runs a baseline: one of the prefetchers in this directory, the core alone, or
// Linux's readahead with aether.ko running the core.
enum class Family { kSimple, kCore, kLinuxCore };

struct Info {
	Baseline baseline;
	const char *name;
	Family family;
	Preset preset; // the core's preset, for kCore and kLinuxCore
};

// Every baseline's name and family, in kAllBaselines' order.
constexpr Info kInfo[] = {
	{Baseline::kNone, "none", Family::kSimple, Preset::kAdaptive},
	{Baseline::kLinux, "linux", Family::kSimple, Preset::kAdaptive},
	{Baseline::kObl, "obl", Family::kSimple, Preset::kAdaptive},
	{Baseline::kStride, "stride", Family::kSimple, Preset::kAdaptive},
	{Baseline::kLeap, "leap", Family::kSimple, Preset::kAdaptive},
	{Baseline::kMithril, "mithril", Family::kSimple, Preset::kAdaptive},
	{Baseline::kAmp, "amp", Family::kSimple, Preset::kAdaptive},
	{Baseline::kPg, "pg", Family::kSimple, Preset::kAdaptive},
	{Baseline::kHft, "hft", Family::kCore, Preset::kHft},
	{Baseline::kGaming, "gaming", Family::kCore, Preset::kGaming},
	{Baseline::kAdaptive, "adaptive", Family::kCore, Preset::kAdaptive},
	{Baseline::kLinuxHft, "linux+hft", Family::kLinuxCore, Preset::kHft},
	{Baseline::kLinuxGaming, "linux+gaming", Family::kLinuxCore, Preset::kGaming},
	{Baseline::kLinuxAdaptive, "linux+adaptive", Family::kLinuxCore, Preset::kAdaptive},
};
static_assert(std::size(kInfo) == std::size(kAllBaselines), "every baseline has its line");

constexpr const Info &info(Baseline baseline)
{
	for (const Info &i : kInfo)
		if (i.baseline == baseline)
			return i;
	return kInfo[0];
}

// The preset @baseline runs the core with, when its family is @family.
std::optional<Preset> preset_in(Baseline baseline, Family family)
{
	const Info &i = info(baseline);
	return i.family == family ? std::optional<Preset>(i.preset) : std::nullopt;
}

} // namespace

std::optional<Preset> core_preset(Baseline baseline)
{
	return preset_in(baseline, Family::kCore);
}

std::optional<Preset> linux_core_preset(Baseline baseline)
{
	return preset_in(baseline, Family::kLinuxCore);
}

const char *baseline_name(Baseline baseline)
{
	return info(baseline).name;
}

std::optional<Baseline> parse_baseline(std::string_view name)
{
	for (Baseline baseline : kAllBaselines)
		if (name == baseline_name(baseline))
			return baseline;
	return std::nullopt;
}

std::unique_ptr<Prefetcher> make_prefetcher(Baseline baseline, SimMode mode)
{
	if (const std::optional<Preset> preset = core_preset(baseline))
		return make_core_prefetcher(*preset, mode);
	if (const std::optional<Preset> preset = linux_core_preset(baseline))
		return make_linux_core_prefetcher(*preset, mode);
	switch (baseline) {
	case Baseline::kNone:
		return std::make_unique<NoPrefetch>();
	case Baseline::kLinux:
		return std::make_unique<LinuxReadahead>(mode);
	case Baseline::kObl:
		return std::make_unique<Obl>(mode);
	case Baseline::kStride:
		return std::make_unique<Stride>();
	case Baseline::kLeap:
		return std::make_unique<Leap>();
	case Baseline::kMithril:
		return make_mithril();
	case Baseline::kAmp:
		return make_amp(mode);
	case Baseline::kPg:
		return make_pg();
	case Baseline::kHft:
	case Baseline::kGaming:
	case Baseline::kAdaptive:
	case Baseline::kLinuxHft:
	case Baseline::kLinuxGaming:
	case Baseline::kLinuxAdaptive:
		break;
	}
	return std::make_unique<NoPrefetch>();
}

} // namespace aether::ctl
