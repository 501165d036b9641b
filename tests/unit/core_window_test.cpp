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

// The same features by brute force over the window's contents.
void expect_matches(const Window &w, const std::deque<Elem> &win, const std::deque<int64_t> &jit)
{
	const Features f = w.features();
	ASSERT_EQ(f.samples, win.size());
	double n = win.size(), sum = 0, sum_abs = 0, sum_jit = 0, seq = 0, back = 0, len = 0;
	for (size_t i = 0; i < win.size(); i++) {
		sum += win[i].d;
		sum_abs += std::llabs(win[i].d);
		sum_jit += jit[i];
		seq += win[i].seq;
		back += win[i].d < 0;
		len += win[i].len;
	}
	EXPECT_EQ(f.span, static_cast<uint64_t>(std::fabs(sum)));
	EXPECT_NEAR(q(f.velocity), sum / n, 1.0 / 65536);
	EXPECT_NEAR(q(f.irregularity), sum_jit / n, 1.0 / 65536);
	EXPECT_NEAR(q(f.regularity), (n + sum_abs) / (n + sum_abs + sum_jit), 1.0 / 65536);
	EXPECT_NEAR(q(f.sequential), seq / n, 1.0 / 65536);
	EXPECT_NEAR(q(f.backward), back / n, 1.0 / 65536);
	EXPECT_NEAR(q(f.request_size), len / n, 1.0 / 65536);
}

TEST(Window, RunningFeaturesMatchBruteForce)
{
	Window w;
	std::deque<Elem> win;
	std::deque<int64_t> jit;
	int64_t prev = 0;
	bool have_prev = false;
	uint64_t x = 7;
	for (int i = 0; i < 1000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		const int64_t d = static_cast<int64_t>((x >> 33) % 2001) - 1000;
		const uint32_t len = 1 + (x >> 20) % 16;
		const bool seq = (x >> 40) & 1;
		w.push(d, len, seq ? Window::Contiguity::kContiguous : Window::Contiguity::kGap);
		win.push_back({d, len, seq});
		jit.push_back(have_prev ? std::llabs(d - prev) : 0);
		prev = d;
		have_prev = true;
		if (win.size() > aether::kWindow) {
			win.pop_front();
			jit.pop_front();
		}
		expect_matches(w, win, jit);
	}
}

// Steady readers repeat one element for long runs, which push() skips once the
// window is uniform; runs of every length around kWindow must still match.
TEST(Window, LongRunsOfOneElementMatchBruteForce)
{
	Window w;
	std::deque<Elem> win;
	std::deque<int64_t> jit;
	int64_t prev = 0;
	bool have_prev = false;
	uint64_t x = 11;
	for (int run = 0; run < 300; run++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		// Few distinct values, so a new run often repeats the last one's element.
		const int64_t d = static_cast<int64_t>((x >> 33) % 3) - 1;
		const uint32_t len = 1 + (x >> 20) % 2;
		const bool seq = (x >> 40) & 1;
		const int reps = static_cast<int>((x >> 45) % (2 * aether::kWindow + 4));
		for (int i = 0; i < reps; i++) {
			w.push(d, len, seq ? Window::Contiguity::kContiguous : Window::Contiguity::kGap);
			win.push_back({d, len, seq});
			jit.push_back(have_prev ? std::llabs(d - prev) : 0);
			prev = d;
			have_prev = true;
			if (win.size() > aether::kWindow) {
				win.pop_front();
				jit.pop_front();
			}
			expect_matches(w, win, jit);
		}
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
