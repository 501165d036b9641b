// Marsaglia's xorshift64 (shifts 13, 7, 17): the one fixed-seed pseudo-random source
// of the golden vectors, the unit tests and the test tools, so that the same seed
// gives the same sequence in the kernel, on the host and in the VM.
//
// It is for reproducible test inputs only, never for anything that must be
// unpredictable.
#pragma once

#include "aether/types.hpp"

namespace aether {

// The state after @x. A state of 0 stays 0; every other state has period 2^64 - 1,
// so seeds must be non-zero.
constexpr u64 xorshift64(u64 x) noexcept
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

// A generator over xorshift64(): XorShift{seed}() returns the next state, the first
// call xorshift64(seed). An aggregate, so `XorShift rng{seed};` is all it takes.
struct XorShift {
	u64 state;

	constexpr u64 operator()() noexcept
	{
		state = xorshift64(state);
		return state;
	}
};

} // namespace aether
