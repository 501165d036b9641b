// Fixed-point arithmetic for the core: the kernel forbids floating point.
//
// Q16 is a signed Q15.16 number in an int32_t. Every operation states its rounding
// (round to nearest, ties away from zero) and saturates to [kMin, kMax] instead of
// wrapping, so a feature that overflows pins to an extreme rather than flipping sign.
#pragma once

#include "aether/types.hpp"

namespace aether {

class Q16 {
public:
	static constexpr int kFracBits = 16;
	static constexpr i32 kOneRaw = i32{1} << kFracBits;
	static constexpr i32 kMaxRaw = 0x7fffffff;
	static constexpr i32 kMinRaw = -kMaxRaw - 1;

	constexpr Q16() noexcept = default;

	// From a raw Q15.16 bit pattern.
	static constexpr Q16 from_raw(i32 raw) noexcept
	{
		Q16 q;
		q.raw_ = raw;
		return q;
	}

	// From an integer, saturating.
	static constexpr Q16 from_int(i64 v) noexcept { return from_raw(saturate(v * kOneRaw)); }

	// num/den, rounded to nearest (ties away from zero) and saturated. den == 0
	// gives kMax or kMin by the sign of num (0/0 gives 0): the core never traps.
	static constexpr Q16 from_ratio(i64 num, i64 den) noexcept
	{
		if (den == 0)
			return from_raw(num > 0 ? kMaxRaw : num < 0 ? kMinRaw : 0);
		if (den < 0) {
			num = -num;
			den = -den;
		}
		// |num| < 2^47 keeps num << 16 inside int64; beyond that the result
		// saturates anyway unless den is huge, so scale both down first.
		while (num > (i64{1} << 46) || num < -(i64{1} << 46)) {
			num /= 2;
			den = den / 2 ? den / 2 : 1;
		}
		return from_raw(saturate(div_round(num * kOneRaw, den)));
	}

	constexpr i32 raw() const noexcept { return raw_; }

	// Integer part, rounded toward negative infinity.
	constexpr i32 floor() const noexcept { return raw_ >> kFracBits; }

	// Nearest integer, ties away from zero.
	constexpr i32 round() const noexcept
	{
		return static_cast<i32>(div_round(raw_, kOneRaw));
	}

	friend constexpr Q16 operator+(Q16 a, Q16 b) noexcept
	{
		return from_raw(saturate(i64{a.raw_} + b.raw_));
	}
	friend constexpr Q16 operator-(Q16 a, Q16 b) noexcept
	{
		return from_raw(saturate(i64{a.raw_} - b.raw_));
	}
	friend constexpr Q16 operator-(Q16 a) noexcept { return from_raw(saturate(-i64{a.raw_})); }
	friend constexpr Q16 operator*(Q16 a, Q16 b) noexcept
	{
		return from_raw(saturate(div_round(i64{a.raw_} * b.raw_, kOneRaw)));
	}
	friend constexpr Q16 operator/(Q16 a, Q16 b) noexcept
	{
		return from_ratio(a.raw_, b.raw_);
	}
	friend constexpr bool operator==(Q16 a, Q16 b) noexcept { return a.raw_ == b.raw_; }
	friend constexpr bool operator<(Q16 a, Q16 b) noexcept { return a.raw_ < b.raw_; }
	friend constexpr bool operator<=(Q16 a, Q16 b) noexcept { return a.raw_ <= b.raw_; }
	friend constexpr bool operator>(Q16 a, Q16 b) noexcept { return a.raw_ > b.raw_; }
	friend constexpr bool operator>=(Q16 a, Q16 b) noexcept { return a.raw_ >= b.raw_; }

	// Rounded division of two int64s, ties away from zero. Exposed for the core's
	// other integer maths so there is one rounding rule. den must be > 0.
	static constexpr i64 div_round(i64 num, i64 den) noexcept
	{
		return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
	}

	static constexpr i32 saturate(i64 v) noexcept
	{
		return v > kMaxRaw ? kMaxRaw : v < kMinRaw ? kMinRaw : static_cast<i32>(v);
	}

private:
	i32 raw_ = 0;
};

inline constexpr Q16 kQ16Zero = Q16::from_raw(0);
inline constexpr Q16 kQ16One = Q16::from_raw(Q16::kOneRaw);
inline constexpr Q16 kQ16Max = Q16::from_raw(Q16::kMaxRaw);
inline constexpr Q16 kQ16Min = Q16::from_raw(Q16::kMinRaw);
// pi/2 = 1.5707963... rounded to Q16.
inline constexpr Q16 kQ16HalfPi = Q16::from_raw(102944);

constexpr Q16 clamp(Q16 v, Q16 lo, Q16 hi) noexcept
{
	return v < lo ? lo : hi < v ? hi : v;
}

// atan(x) in Q16 radians, for any Q16 x. Odd, monotonic, in [-pi/2, pi/2].
//
// For |x| <= 1 it evaluates the minimax polynomial
//   atan(x) ~ x (c1 + c3 x^2 + c5 x^4 + c7 x^6 + c9 x^8)
// (Abramowitz & Stegun 4.4.49, |error| <= 1e-5) in Q2.30 so the Q16 result loses
// only its final rounding; for |x| > 1 it uses atan(x) = pi/2 - atan(1/x). The unit
// tests measure the maximum error against std::atan over the whole Q16 domain.
constexpr Q16 atan(Q16 x) noexcept
{
	constexpr int kF = 30;
	constexpr i64 kOne30 = i64{1} << kF;
	constexpr i64 kC1 = 1073597943;  //  0.9998660 * 2^30
	constexpr i64 kC3 = -354656388;  // -0.3302995 * 2^30
	constexpr i64 kC5 = 193424926;   //  0.1801410 * 2^30
	constexpr i64 kC7 = -91410863;   // -0.0851330 * 2^30
	constexpr i64 kC9 = 22371518;    //  0.0208351 * 2^30
	constexpr i64 kHalfPi30 = 1686629713; // pi/2 * 2^30

	const bool neg = x.raw() < 0;
	// |x| in Q2.30 would overflow for |x| > 1, so reduce first: t = min(|x|, 1/|x|).
	const i64 ax = neg ? -i64{x.raw()} : i64{x.raw()};
	const bool invert = ax > Q16::kOneRaw;
	// t in Q2.30: either |x| << 14, or 2^46 / |x| (= 1/|x| in Q30), rounded.
	const i64 t = invert ? Q16::div_round(i64{1} << 46, ax) : ax << (kF - Q16::kFracBits);
	const i64 t2 = Q16::div_round(t * t, kOne30);
	i64 p = kC9;
	p = kC7 + Q16::div_round(p * t2, kOne30);
	p = kC5 + Q16::div_round(p * t2, kOne30);
	p = kC3 + Q16::div_round(p * t2, kOne30);
	p = kC1 + Q16::div_round(p * t2, kOne30);
	i64 r = Q16::div_round(p * t, kOne30); // atan(t) in Q30
	if (invert)
		r = kHalfPi30 - r;
	r = Q16::div_round(r, i64{1} << (kF - Q16::kFracBits));
	return Q16::from_raw(static_cast<i32>(neg ? -r : r));
}

} // namespace aether
