// The replay's address arithmetic saturates or gives up at the ends of the 64-bit space, never wrapping.
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "replay/arith.hpp"

using namespace aether::ctl::arith;

namespace {

constexpr i64 kI64Min = std::numeric_limits<i64>::min();

TEST(ReplayArith, SatAddStopsAtTheTop)
{
	EXPECT_EQ(sat_add(1, 2), 3u);
	EXPECT_EQ(sat_add(kU64Max - 1, 1), kU64Max);
	EXPECT_EQ(sat_add(kU64Max - 1, 5), kU64Max);
	EXPECT_EQ(clamp_u32(7), 7u);
	EXPECT_EQ(clamp_u32(u64{1} << 40), kU32Max);
}

TEST(ReplayArith, StepLeavesNoRoomForWrapping)
{
	EXPECT_EQ(step(100, 10, 3), 130u);
	EXPECT_EQ(step(100, -10, 3), 70u);
	EXPECT_EQ(step(100, -10, 10), 0u);
	EXPECT_FALSE(step(100, -10, 11));          // below 0
	EXPECT_FALSE(step(kU64Max - 5, 3, 2));     // past 2^64 - 1
	EXPECT_FALSE(step(1, 1 << 20, kU64Max));   // k * d overflows
	EXPECT_FALSE(step(kU64Max, kI64Min, 2));   // |INT64_MIN| twice is 2^64
	EXPECT_EQ(step(kU64Max, kI64Min, 1), kU64Max - (u64{1} << 63));
	EXPECT_EQ(step(5, 7, 0), 5u);
}

TEST(ReplayArith, RoundUpPow2)
{
	EXPECT_EQ(round_up_pow2(0), 1u);
	EXPECT_EQ(round_up_pow2(1), 1u);
	EXPECT_EQ(round_up_pow2(5), 8u);
	EXPECT_EQ(round_up_pow2(64), 64u);
	EXPECT_EQ(round_up_pow2((u64{1} << 63) + 1), u64{1} << 63); // the largest there is
}

} // namespace
