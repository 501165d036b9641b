// The window's O(1) running features equal a from-scratch computation over the last 16 deltas.
#include <cmath>
#include <cstdlib>
#include <deque>

#include <gtest/gtest.h>

#include "aether/window.hpp"

using aether::Features;
using aether::Window;

namespace {

struct Elem {
	int64_t d;
	uint32_t len;
	bool seq;
};

double q(aether::Q16 v) { return v.raw() / 65536.0; }

// A Window and a from-scratch model of its last kWindow elements, fed together.
class Checked {
public:
	// Pushes one element into both and checks that their features agree.
	void push(int64_t d, uint32_t len, bool seq)
	{
		w_.push(d, len, seq ? Window::Contiguity::kContiguous : Window::Contiguity::kGap);
		win_.push_back({d, len, seq});
		jit_.push_back(win_.size() > 1 ? std::llabs(d - prev_) : 0);
		prev_ = d;
		if (win_.size() > aether::kWindow) {
			win_.pop_front();
			jit_.pop_front();
		}
		expect_matches();
	}

private:
	void expect_matches() const
	{
		const Features f = w_.features();
		ASSERT_EQ(f.samples, win_.size());
		double n = win_.size(), sum = 0, sum_abs = 0, sum_jit = 0, seq = 0, back = 0, len = 0;
		for (size_t i = 0; i < win_.size(); i++) {
			sum += win_[i].d;
			sum_abs += std::llabs(win_[i].d);
			sum_jit += jit_[i];
			seq += win_[i].seq;
			back += win_[i].d < 0;
			len += win_[i].len;
		}
		EXPECT_EQ(f.span, static_cast<uint64_t>(std::fabs(sum)));
		EXPECT_NEAR(q(f.velocity), sum / n, 1.0 / 65536);
		EXPECT_NEAR(q(f.irregularity), sum_jit / n, 1.0 / 65536);
		EXPECT_NEAR(q(f.regularity), (n + sum_abs) / (n + sum_abs + sum_jit), 1.0 / 65536);
		EXPECT_NEAR(q(f.sequential), seq / n, 1.0 / 65536);
		EXPECT_NEAR(q(f.backward), back / n, 1.0 / 65536);
		EXPECT_NEAR(q(f.request_size), len / n, 1.0 / 65536);
	}

	Window w_;
	std::deque<Elem> win_;
	std::deque<int64_t> jit_;
	int64_t prev_ = 0;
};

uint64_t lcg(uint64_t &x) { return x = x * 6364136223846793005ull + 1442695040888963407ull; }

TEST(Window, RunningFeaturesMatchBruteForce)
{
	Checked w;
	uint64_t x = 7;
	for (int i = 0; i < 1000; i++) {
		lcg(x);
		w.push(static_cast<int64_t>((x >> 33) % 2001) - 1000, 1 + (x >> 20) % 16, (x >> 40) & 1);
	}
}

// Steady readers repeat one element for long runs, which push() skips once the
// window is uniform; runs of every length around kWindow must still match.
TEST(Window, LongRunsOfOneElementMatchBruteForce)
{
	Checked w;
	uint64_t x = 11;
	for (int run = 0; run < 300; run++) {
		lcg(x);
		// Few distinct values, so a new run often repeats the last one's element.
		const int64_t d = static_cast<int64_t>((x >> 33) % 3) - 1;
		const int reps = static_cast<int>((x >> 45) % (2 * aether::kWindow + 4));
		for (int i = 0; i < reps; i++)
			w.push(d, 1 + (x >> 20) % 2, (x >> 40) & 1);
	}
}

TEST(Window, ConstantStrideIsPerfectlyRegular)
{
	Window w;
	for (int i = 0; i < 40; i++)
		w.push(-64, 1, Window::Contiguity::kGap);
	const Features f = w.features();
	EXPECT_EQ(f.regularity, aether::kQ16One);
	EXPECT_EQ(f.backward, aether::kQ16One);
	EXPECT_EQ(f.velocity, aether::Q16::from_int(-64));
	EXPECT_EQ(f.span, 64u * aether::kWindow);
}

TEST(Window, HugeDeltasClampInsteadOfOverflowing)
{
	Window w;
	for (int i = 0; i < 40; i++)
		w.push(i & 1 ? INT64_MAX : INT64_MIN, 1, Window::Contiguity::kGap);
	const Features f = w.features();
	EXPECT_LE(f.span, uint64_t{INT32_MAX});
	EXPECT_GT(f.regularity, aether::kQ16Zero);
}

TEST(Window, EmptyWindowHasNoFeatures)
{
	const Features f = Window().features();
	EXPECT_EQ(f.samples, 0u);
	EXPECT_EQ(f.span, 0u);
}

} // namespace
