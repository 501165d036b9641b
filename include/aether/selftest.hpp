// Golden vectors: fixed input streams and the decisions the core must make on them.
//
// Every host runs selftest::run() before it trusts the core (aether.ko at init, and
// the unit tests), and the same vectors must pass in all of them: the same input
// gives the same decisions everywhere. A mismatch means the core was miscompiled or
// changed behaviour; changing behaviour on purpose means regenerating the table
// below (`build/bin/aether-unit --gtest_filter=Golden.EachStreamAndPresetMatches` prints it).
#pragma once

#include "aether/predictor.hpp"
#include "aether/types.hpp"
#include "aether/xorshift.hpp"

namespace aether::selftest {

enum class Shape : u8 {
	kSequential = 0,  // 1000, 1001, ...
	kReverse = 1,     // 50000, 49999, ...
	kStride16 = 2,    // +16 blocks
	kStrideNeg64 = 3, // -64 blocks
	kInterleaved2 = 4, // two sequential streams alternating
	kRandom = 5,      // xorshift over 2^20 blocks
	kLoop = 6,        // the same 8 scattered blocks, over and over
	kCount = 7,
};

inline constexpr u32 kAccesses = 96;

// The @i-th access of a golden stream of @shape (block address; length is 1, or 4
// for the interleaved streams).
constexpr u64 address(Shape shape, u32 i) noexcept
{
	switch (shape) {
	case Shape::kSequential:
		return 1000 + i;
	case Shape::kReverse:
		return 50000 - i;
	case Shape::kStride16:
		return 1000000 + u64{i} * 16;
	case Shape::kStrideNeg64:
		return 2000000 - u64{i} * 64;
	case Shape::kInterleaved2:
		return (i & 1 ? 900000 : 300000) + u64{i / 2} * 4;
	case Shape::kRandom: {
		u64 x = 0x9e3779b97f4a7c15ull;
		for (u32 k = 0; k <= i; k++)
			x = xorshift64(x);
		return x & ((u64{1} << 20) - 1);
	}
	case Shape::kLoop:
		return hash64(i % 8 + 1) & ((u64{1} << 24) - 1);
	case Shape::kCount:
		break;
	}
	return 0;
}

constexpr u32 length(Shape shape) noexcept
{
	return shape == Shape::kInterleaved2 ? 4 : 1;
}

// What a run of one stream produced: how many decisions, and an FNV-1a hash over
// every decision's action, start, length and confidence, in order.
struct Outcome {
	u32 decisions;
	u64 hash;

	constexpr bool operator==(const Outcome &o) const noexcept
	{
		return decisions == o.decisions && hash == o.hash;
	}
};

constexpr u64 fnv(u64 h, u64 v) noexcept
{
	for (int i = 0; i < 8; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ull;
	}
	return h;
}

// Runs one golden stream through a fresh core with @preset (4 KiB blocks and a
// 16-entry correlation table, so it fits the kernel's 2 KiB frame limit).
inline Outcome compute(Shape shape, Preset preset) noexcept
{
	CorrelationTableN<16> corr;
	Predictor p(preset_params(preset), corr);
	StreamState s{};
	Decision d[kMaxDecisions];
	Outcome o{0, 0xcbf29ce484222325ull};
	for (u32 i = 0; i < kAccesses; i++) {
		const size_t n = p.access(s, address(shape, i), length(shape), d, kMaxDecisions);
		for (size_t k = 0; k < n; k++) {
			o.decisions++;
			o.hash = fnv(o.hash, static_cast<u64>(d[k].action));
			o.hash = fnv(o.hash, d[k].start);
			o.hash = fnv(o.hash, d[k].length);
			o.hash = fnv(o.hash, static_cast<u32>(d[k].confidence.raw()));
		}
	}
	return o;
}

inline constexpr u32 kPresets = 3;

// kExpected[shape][preset], preset in Preset order (hft, gaming, adaptive).
inline constexpr Outcome kExpected[static_cast<u32>(Shape::kCount)][kPresets] = {
	{ /* kSequential */ {9, 0x104ef12d9184ba81ull}, {5, 0xafbac0f739c22e34ull}, {5, 0x970800dcd1f967ffull} },
	{ /* kReverse */ {9, 0xf215e944c58d258dull}, {5, 0xfd5eef499ed801d8ull}, {5, 0x4b6766a14ae3b428ull} },
	{ /* kStride16 */ {97, 0x4632a66d42f12cd3ull}, {101, 0x01b5788018d59aeaull}, {101, 0x01b5788018d59aeaull} },
	{ /* kStrideNeg64 */ {97, 0x46e2826e12a9441full}, {101, 0x5c2ab7abe4e62f1bull}, {101, 0x5c2ab7abe4e62f1bull} },
	{ /* kInterleaved2 */ {26, 0x5994b1b120d95405ull}, {10, 0x9c5ab7716cd8c224ull}, {14, 0x66ffe8c0e3920845ull} },
	{ /* kRandom */ {0, 0xcbf29ce484222325ull}, {0, 0xcbf29ce484222325ull}, {0, 0xcbf29ce484222325ull} },
	{ /* kLoop */ {16, 0xaf324bb2bbdc4e9dull}, {20, 0xff7357bc56a1b379ull}, {20, 0xff7357bc56a1b379ull} },
};

inline constexpr size_t kVectorCount = static_cast<size_t>(Shape::kCount) * kPresets;

// Runs every golden stream under every preset. Returns how many disagree with the
// table (0: the core behaves as built and reviewed).
inline size_t run() noexcept
{
	size_t bad = 0;
	for (u32 sh = 0; sh < static_cast<u32>(Shape::kCount); sh++)
		for (u32 pr = 0; pr < kPresets; pr++)
			if (!(compute(static_cast<Shape>(sh), static_cast<Preset>(pr)) == kExpected[sh][pr]))
				bad++;
	return bad;
}

} // namespace aether::selftest
