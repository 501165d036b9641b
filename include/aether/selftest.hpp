// Golden-vector self-check run by every host before it trusts the core.
//
// Each host (aether.ko at init, the unit tests, aether-ublk at start) runs
// selftest::run() and refuses to go on when it reports a mismatch: a core that
// decides differently from the golden vectors must never drive real I/O.
//
// PLACEHOLDER (issue 2): the prediction core does not exist yet, so the vectors
// check a fixed-point mixing function that stands in for it. Issue 3 replaces
// them with input streams and their expected decisions.
#pragma once

#include "aether/types.hpp"

namespace aether::selftest {

struct Vector {
	u64 input;
	u64 expected;
};

// A 64-bit finaliser (xor-shift-multiply). It exercises 64-bit multiply and shifts,
// which differ between hosts only if the build is broken.
constexpr u64 mix(u64 x) noexcept
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

inline constexpr Vector kVectors[] = {
	{0x0000000000000000ull, 0x0000000000000000ull},
	{0x0000000000000001ull, 0xb456bcfc34c2cb2cull},
	{0x00000000deadbeefull, 0xd24bd59f862a1dacull},
	{0xffffffffffffffffull, 0x64b5720b4b825f21ull},
};

inline constexpr size_t kVectorCount = sizeof(kVectors) / sizeof(kVectors[0]);

// Runs every vector through @fn. Returns the number of mismatches (0 means the
// core agrees with the golden vectors). @fn is a parameter so that a host can
// route the inputs through a path the optimiser cannot fold away.
template <typename Fn>
constexpr size_t run(Fn &&fn) noexcept
{
	size_t bad = 0;
	for (const Vector &v : kVectors)
		if (fn(v.input) != v.expected)
			++bad;
	return bad;
}

constexpr size_t run() noexcept
{
	return run([](u64 x) { return mix(x); });
}

} // namespace aether::selftest
