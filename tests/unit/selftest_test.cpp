// The golden-vector self-check passes on the real core and catches a wrong one.
#include <gtest/gtest.h>

#include "aether/selftest.hpp"

namespace {

TEST(Selftest, CoreMatchesEveryGoldenVector)
{
	EXPECT_EQ(aether::selftest::run(), 0u);
}

TEST(Selftest, ReportsEachMismatchingVector)
{
	// A "core" that is off by one on every input must fail every vector.
	size_t bad = aether::selftest::run([](aether::u64 x) { return aether::selftest::mix(x) + 1; });
	EXPECT_EQ(bad, aether::selftest::kVectorCount);
}

TEST(Selftest, AgreesAtCompileTime)
{
	// The same check as a constant expression: the host compiler and the core agree
	// without running anything.
	static_assert(aether::selftest::run() == 0);
}

} // namespace
