// The replay's baselines: the simple prefetchers Aether is compared with (none, OBL,
// stride, Leap; Linux's readahead is in linux_readahead.cpp), and the one list of every
// baseline by name.
#include "replay/baselines.hpp"

#include <algorithm>

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

std::optional<Preset> core_preset(Baseline baseline)
{
	switch (baseline) {
	case Baseline::kHft:
		return Preset::kHft;
	case Baseline::kGaming:
		return Preset::kGaming;
	case Baseline::kAdaptive:
		return Preset::kAdaptive;
	case Baseline::kNone:
	case Baseline::kLinux:
	case Baseline::kObl:
	case Baseline::kStride:
	case Baseline::kLeap:
	case Baseline::kMithril:
	case Baseline::kAmp:
	case Baseline::kPg:
	case Baseline::kLinuxHft:
	case Baseline::kLinuxGaming:
	case Baseline::kLinuxAdaptive:
		break;
	}
	return std::nullopt;
}

std::optional<Preset> linux_core_preset(Baseline baseline)
{
	switch (baseline) {
	case Baseline::kLinuxHft:
		return Preset::kHft;
	case Baseline::kLinuxGaming:
		return Preset::kGaming;
	case Baseline::kLinuxAdaptive:
		return Preset::kAdaptive;
	case Baseline::kNone:
	case Baseline::kLinux:
	case Baseline::kObl:
	case Baseline::kStride:
	case Baseline::kLeap:
	case Baseline::kMithril:
	case Baseline::kAmp:
	case Baseline::kPg:
	case Baseline::kHft:
	case Baseline::kGaming:
	case Baseline::kAdaptive:
		break;
	}
	return std::nullopt;
}

const char *baseline_name(Baseline baseline)
{
	if (const std::optional<Preset> preset = core_preset(baseline))
		return preset_name(*preset);
	switch (baseline) {
	case Baseline::kNone:
		return "none";
	case Baseline::kLinux:
		return "linux";
	case Baseline::kObl:
		return "obl";
	case Baseline::kStride:
		return "stride";
	case Baseline::kLeap:
		return "leap";
	case Baseline::kMithril:
		return "mithril";
	case Baseline::kAmp:
		return "amp";
	case Baseline::kPg:
		return "pg";
	case Baseline::kLinuxHft:
		return "linux+hft";
	case Baseline::kLinuxGaming:
		return "linux+gaming";
	case Baseline::kLinuxAdaptive:
		return "linux+adaptive";
	case Baseline::kHft:
	case Baseline::kGaming:
	case Baseline::kAdaptive:
		break;
	}
	return "?";
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
