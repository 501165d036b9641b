// Q16 fixed point rounds to nearest (ties away from zero), saturates, and atan is accurate.
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "aether/fixed.hpp"

using aether::Q16;

namespace {

double to_double(Q16 q) { return q.raw() / 65536.0; }

TEST(Q16, FromRatioRoundsToNearestTiesAwayFromZero)
{
	// 1/2^17 is exactly half a unit in the last place.
	EXPECT_EQ(Q16::from_ratio(1, 1 << 17).raw(), 1);
	EXPECT_EQ(Q16::from_ratio(-1, 1 << 17).raw(), -1);
	EXPECT_EQ(Q16::from_ratio(1, 3).raw(), 21845);  // 0.33333 * 65536 = 21845.33
	EXPECT_EQ(Q16::from_ratio(2, 3).raw(), 43691);  // 43690.67
	EXPECT_EQ(Q16::from_ratio(-2, 3).raw(), -43691);
	EXPECT_EQ(Q16::from_ratio(3, -4).raw(), -49152);
}

TEST(Q16, SaturatesInsteadOfWrapping)
{
	const Q16 big = Q16::from_int(30000);
	EXPECT_EQ((big + big).raw(), Q16::kMaxRaw);
	EXPECT_EQ((-big - big).raw(), Q16::kMinRaw);
	EXPECT_EQ((big * big).raw(), Q16::kMaxRaw);
	EXPECT_EQ((big * -big).raw(), Q16::kMinRaw);
	EXPECT_EQ(Q16::from_int(1 << 20).raw(), Q16::kMaxRaw);
	EXPECT_EQ((-aether::kQ16Min).raw(), Q16::kMaxRaw);
}

TEST(Q16, DivisionByZeroSaturatesBySign)
{
	EXPECT_EQ(Q16::from_ratio(5, 0).raw(), Q16::kMaxRaw);
	EXPECT_EQ(Q16::from_ratio(-5, 0).raw(), Q16::kMinRaw);
	EXPECT_EQ(Q16::from_ratio(0, 0).raw(), 0);
	EXPECT_EQ((aether::kQ16One / aether::kQ16Zero).raw(), Q16::kMaxRaw);
}

TEST(Q16, MultiplyRounds)
{
	// 1.5 * 1.5 = 2.25 exactly; (1/65536) * 0.5 = half an ulp, rounds away from zero.
	EXPECT_EQ((Q16::from_ratio(3, 2) * Q16::from_ratio(3, 2)).raw(), Q16::from_ratio(9, 4).raw());
	EXPECT_EQ((Q16::from_raw(1) * Q16::from_ratio(1, 2)).raw(), 1);
	EXPECT_EQ((Q16::from_raw(-1) * Q16::from_ratio(1, 2)).raw(), -1);
	EXPECT_EQ(Q16::from_ratio(5, 2).round(), 3);
	EXPECT_EQ(Q16::from_ratio(-5, 2).round(), -3);
	EXPECT_EQ(Q16::from_ratio(-5, 2).floor(), -3);
}

TEST(Q16, HugeRatiosDoNotOverflow)
{
	const int64_t big = INT64_C(1) << 60;
	EXPECT_NEAR(to_double(Q16::from_ratio(big, big / 3)), 3.0, 1e-4);
	EXPECT_EQ(Q16::from_ratio(big, 1).raw(), Q16::kMaxRaw);
	EXPECT_EQ(Q16::from_ratio(1, big).raw(), 0);
}

// atan over the whole Q16 domain: every value in [-8, 8] and a dense sample of the
// rest. The bound is the polynomial's 1e-5 plus Q16 rounding (7.6e-6 per step).
TEST(Q16Atan, MaxErrorOverWholeDomain)
{
	double worst = 0, worst_at = 0;
	auto check = [&](int64_t raw) {
		const Q16 x = Q16::from_raw(static_cast<int32_t>(raw));
		const double err = std::fabs(to_double(aether::atan(x)) - std::atan(to_double(x)));
		if (err > worst) {
			worst = err;
			worst_at = to_double(x);
		}
	};
	for (int64_t raw = -8 * 65536; raw <= 8 * 65536; raw++)
		check(raw);
	for (int64_t raw = Q16::kMinRaw; raw <= Q16::kMaxRaw; raw += 4093)
		check(raw);
	check(Q16::kMaxRaw);
	std::printf("atan: max |error| vs std::atan = %.3g rad (at x = %.6f)\n", worst, worst_at);
	RecordProperty("atan_max_abs_error", std::to_string(worst));
	EXPECT_LT(worst, 4e-5);
}

TEST(Q16Atan, IsOddAndMonotonic)
{
	int32_t prev = aether::atan(Q16::from_raw(-(1 << 20))).raw();
	for (int32_t raw = -(1 << 20) + 1; raw <= (1 << 20); raw += 7) {
		const int32_t v = aether::atan(Q16::from_raw(raw)).raw();
		EXPECT_GE(v, prev) << raw;
		EXPECT_EQ(aether::atan(Q16::from_raw(-raw)).raw(), -v) << raw;
		prev = v;
	}
	EXPECT_LE(aether::atan(aether::kQ16Max).raw(), aether::kQ16HalfPi.raw());
	EXPECT_GE(aether::atan(aether::kQ16Min).raw(), -aether::kQ16HalfPi.raw());
}

} // namespace
