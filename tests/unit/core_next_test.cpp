// The learnt one-range lookahead prefetches a random read's neighbour only while neighbours are read, and stops when they are not.
#include <gtest/gtest.h>

#include "aether/predictor.hpp"
#include "aether/xorshift.hpp"

namespace {

using namespace aether;

// Whether any decision of @d[0..n) starts at @at.
bool fetches(const Decision *d, size_t n, u64 at)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].start == at)
			return true;
	return false;
}

// Neighbour rounds: @reads random 2-block reads far apart, no two contiguous (so no
// sequential or stride detector explains them), each one's right neighbour read
// @delay rounds later (at most 64). Returns how many of the rounds from @from on
// fetched that neighbour; *@rounds is how many rounds that was.
u32 neighbour_rounds(Predictor &p, StreamState &s, XorShift &rng, u32 delay, u32 reads, u32 from, u32 *rounds)
{
	Decision d[kMaxDecisions];
	u64 pending[64] = {};
	u32 fetched = 0;
	*rounds = 0;
	for (u32 i = 0; i < reads; i++) {
		const u64 a = (rng() % (1ull << 30)) * 64;
		const size_t n = p.access(s, a, 2, d, kMaxDecisions);
		if (i >= from) {
			++*rounds;
			fetched += fetches(d, n, a + 2);
		}
		const u64 nb = pending[i % delay];
		if (nb)
			p.access(s, nb, 2, d, kMaxDecisions);
		pending[i % delay] = a + 2;
	}
	return fetched;
}

TEST(Next, LearnsThatNeighboursAreReadAndThenThatTheyAreNot)
{
	CorrelationTableN<64> corr;
	Predictor p(preset_params(Preset::kAdaptive), corr);
	StreamState s{};
	Decision d[kMaxDecisions];
	XorShift rng{7};
	// Phase 1: each read's right neighbour is read three reads later.
	u32 rounds = 0;
	const u32 fetched_neighbour = neighbour_rounds(p, s, rng, 3, 3000, 2000, &rounds);
	EXPECT_GT(fetched_neighbour, rounds * 9 / 10);
	// Phase 2: the neighbours are never read again. The shadow sees it and the
	// detector falls silent.
	u32 late = 0;
	for (u32 i = 0; i < 3000; i++) {
		const u64 a = (rng() % (1ull << 30)) * 64;
		const size_t n = p.access(s, a, 2, d, kMaxDecisions);
		if (i >= 1000)
			late += fetches(d, n, a + 2);
	}
	EXPECT_EQ(late, 0u);
	EXPECT_LT(p.recent_accuracy(Detector::kNext), p.params().target_accuracy);
}

TEST(Next, AFreshStreamGuessesNothing)
{
	CorrelationTableN<64> corr;
	Predictor p(preset_params(Preset::kAdaptive), corr);
	StreamState s{};
	Decision d[kMaxDecisions];
	XorShift rng{11};
	// Until the shadow has retired a range, no neighbour is fetched.
	for (u32 i = 0; i < kShadow; i++)
		EXPECT_EQ(p.access(s, (rng() % (1ull << 30)) * 64, 2, d, kMaxDecisions), 0u) << i;
}

TEST(Next, LearnsNeighboursReadManyReadsLater)
{
	CorrelationTableN<64> corr;
	Predictor p(preset_params(Preset::kAdaptive), corr);
	StreamState s{};
	XorShift rng{13};
	// Each random read's neighbour is read 50 rounds (100 reads) later, as when
	// many readers interleave: far past the shadow's 16 slots, within its sample's
	// reach. Half of all neighbours are read, so the detector pays.
	u32 rounds = 0;
	const u32 fetched_neighbour = neighbour_rounds(p, s, rng, 50, 8000, 6000, &rounds);
	EXPECT_GT(fetched_neighbour, rounds * 9 / 10);
}

} // namespace
