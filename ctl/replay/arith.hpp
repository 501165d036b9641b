// Saturating address arithmetic for the replay's prefetchers and simulators, so that
// addresses near 2^64 are clipped instead of wrapping around to small ones.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

namespace aether::ctl::arith {

using u32 = std::uint32_t;
using u64 = std::uint64_t;
using i64 = std::int64_t;

inline constexpr u64 kU64Max = std::numeric_limits<u64>::max();
inline constexpr u32 kU32Max = std::numeric_limits<u32>::max();

// a + b, or 2^64 - 1 when that overflows.
inline u64 sat_add(u64 a, u64 b)
{
	return b > kU64Max - a ? kU64Max : a + b;
}

// @v, or 2^32 - 1 when it does not fit 32 bits.
inline u32 clamp_u32(u64 v)
{
	return v > kU32Max ? kU32Max : static_cast<u32>(v);
}

// addr + k * d, or nothing when that leaves [0, 2^64).
inline std::optional<u64> step(u64 addr, i64 d, u64 k)
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

// The smallest power of two >= @v (1 for 0), or 2^63 when that would overflow.
inline u64 round_up_pow2(u64 v)
{
	u64 p = 1;
	while (p < v && p <= kU64Max / 2)
		p *= 2;
	return p;
}

} // namespace aether::ctl::arith
