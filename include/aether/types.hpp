// Freestanding integer types and tiny helpers shared by every core header.
//
// The core is compiled into the kernel (gcc -ffreestanding -nostdinc++), the ublk
// server, aether-ctl and the unit tests. Only gcc's freestanding C headers are
// available in all of them, so this is the one place that includes them.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace aether {

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using i32 = int32_t;
using i64 = int64_t;

template <typename T>
constexpr T min(T a, T b) noexcept
{
	return b < a ? b : a;
}

template <typename T>
constexpr T max(T a, T b) noexcept
{
	return a < b ? b : a;
}

// A 64-bit finaliser (xor-shift-multiply): spreads every input bit over the output,
// so the low bits of a hash of page numbers or inode pointers index tables evenly.
constexpr u64 hash64(u64 x) noexcept
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

// Set bits in x. Written out because __builtin_popcountll becomes a call to libgcc's
// __popcountdi2 on a baseline x86-64 target, and the kernel has no libgcc.
constexpr u32 popcount64(u64 x) noexcept
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return static_cast<u32>((x * 0x0101010101010101ull) >> 56);
}

// b - a as a signed delta, saturated to the i64 range so two far-apart unsigned
// addresses never wrap into a small stride.
constexpr i64 delta(u64 a, u64 b) noexcept
{
	if (b >= a) {
		const u64 d = b - a;
		return d > static_cast<u64>(INT64_MAX) ? INT64_MAX : static_cast<i64>(d);
	}
	const u64 d = a - b;
	return d > static_cast<u64>(INT64_MAX) ? INT64_MIN : -static_cast<i64>(d);
}

} // namespace aether
