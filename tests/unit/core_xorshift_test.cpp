// aether::xorshift64 is Marsaglia's 13/7/17 xorshift: its known sequence, and the generator over it.
#include <gtest/gtest.h>

#include "aether/xorshift.hpp"

namespace {

// Worked by hand from the definition, for seed 1.
static_assert(aether::xorshift64(1) == 0x40822041ull);
static_assert(aether::xorshift64(0) == 0); // the one fixed point, hence non-zero seeds

TEST(XorShift, FollowsTheRecurrence)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 1000; i++) {
		const uint64_t want = [](uint64_t v) {
			v ^= v << 13;
			v ^= v >> 7;
			v ^= v << 17;
			return v;
		}(x);
		ASSERT_EQ(aether::xorshift64(x), want) << i;
		x = want;
		ASSERT_NE(x, 0u) << i;
	}
}

TEST(XorShift, GeneratorReturnsEachNextState)
{
	aether::XorShift rng{42};
	const uint64_t a = rng(), b = rng();
	EXPECT_EQ(a, aether::xorshift64(42));
	EXPECT_EQ(b, aether::xorshift64(a));
	EXPECT_EQ(rng.state, b);
	constexpr uint64_t third = [] {
		aether::XorShift r{42};
		r();
		r();
		return r();
	}();
	EXPECT_EQ(third, aether::xorshift64(b)); // usable in constant expressions
}

} // namespace
