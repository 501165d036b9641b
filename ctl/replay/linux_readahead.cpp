// The replay's model of Linux's ondemand readahead; see linux_readahead.hpp.
#include "replay/linux_readahead.hpp"

#include <algorithm>

#include "aether/types.hpp"
#include "replay/arith.hpp"

namespace aether::ctl {

namespace {

using arith::round_up_pow2;
using arith::sat_add;

// How many of the prefetcher's units make @bytes, at least one.
u64 units(SimMode mode, u64 bytes)
{
	const u64 unit = mode == SimMode::kBlock ? kPageBytes : kSectorBytes;
	return std::max<u64>(1, bytes / unit);
}

} // namespace

LinuxReadahead::LinuxReadahead(SimMode mode)
	: min_(units(mode, 16 << 10)), default_max_(units(mode, 128 << 10)), max_(default_max_)
{
}

LinuxReadahead::Step LinuxReadahead::peek(u64 addr, u32 len) const
{
	const u64 end = sat_add(addr, len);
	const bool sequential = seen_ && (addr == prev_end_ || addr + 1 == prev_end_);
	const u64 ra_end = sat_add(ra_start_, ra_size_);
	if (active_ && addr < ra_end && end > ra_start_)
		return Step::kMark;
	if (active_ && sequential && addr >= ra_end)
		return Step::kPast;
	if (active_ && (sequential || (addr >= lo_ && addr < ra_end)))
		return Step::kConsume;
	return sequential ? Step::kStart : Step::kRandom;
}

void LinuxReadahead::access(u64 addr, u32 len, std::vector<Range> &out)
{
	const u64 end = sat_add(addr, len);
	switch (peek(addr, len)) {
	case Step::kMark:
	case Step::kPast:
		window_ = std::min(window_ * 2, max_);
		ra_start_ = std::max(sat_add(ra_start_, ra_size_), end);
		ra_size_ = window_;
		out.push_back({ra_start_, ra_size_});
		break;
	case Step::kConsume:
		break;
	case Step::kStart:
		active_ = true;
		lo_ = addr;
		window_ = std::clamp(round_up_pow2(u64{len} * 4), std::min(min_, max_), max_);
		ra_start_ = end;
		ra_size_ = window_;
		out.push_back({ra_start_, ra_size_});
		break;
	case Step::kRandom:
		active_ = false;
		break;
	}
	read_without_readahead(addr, len);
}

void LinuxReadahead::read_without_readahead(u64 addr, u32 len)
{
	seen_ = true;
	prev_end_ = sat_add(addr, len);
}

void LinuxReadahead::set_max_window(u64 units)
{
	max_ = std::max<u64>(units, 1);
}

} // namespace aether::ctl
