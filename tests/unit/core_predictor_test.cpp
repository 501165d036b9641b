// The predictor is accurate on regular streams, quiet on random ones, and deterministic.
#include <gtest/gtest.h>

#include "core_sim.hpp"

namespace {

using namespace aether;
using namespace aether::test;

constexpr Preset kPresets[] = {Preset::kHft, Preset::kGaming, Preset::kAdaptive};

// Blocks the core asked for, relative to blocks demanded: the cost of its decisions
// whether or not the blocks happened to be cached already.
double issued_fraction(const SimResult &r)
{
	uint64_t issued = 0;
	for (const Decision &d : r.trace)
		issued += d.length;
	return r.demand_blocks ? double(issued) / double(r.demand_blocks) : 0;
}

struct Pattern {
	const char *name;
	std::vector<Access> stream;
};

std::vector<Pattern> regular_patterns()
{
	constexpr size_t n = 16384;
	return {
		{"sequential", sequential(n)},
		{"sequential 8-block requests", sequential(n, 1000, 8)},
		{"reverse", strided(n, -1)},
		{"stride +2", strided(n, 2)},
		{"stride -2", strided(n, -2)},
		{"stride +16", strided(n, 16)},
		{"stride -16", strided(n, -16)},
		{"stride +64", strided(n, 64)},
		{"stride -64", strided(n, -64)},
		{"2 interleaved sequential", interleaved(2, n)},
		{"4 interleaved sequential", interleaved(4, n)},
	};
}

TEST(Predictor, RegularPatternsAreAtLeast95PercentAccurate)
{
	for (const Pattern &p : regular_patterns()) {
		for (Preset preset : kPresets) {
			const SimResult r = simulate(preset, p.stream);
			EXPECT_GE(r.accuracy(), 0.95) << p.name << " / " << preset_name(preset);
			// Accurate but idle would pass the line above: it must also fetch.
			EXPECT_GE(r.used_blocks, r.demand_blocks * 9 / 10) << p.name << " / " << preset_name(preset);
		}
	}
}

TEST(Predictor, UniformRandomPrefetchesAtMostOnePercent)
{
	for (unsigned bits : {16u, 20u, 24u, 32u}) {
		for (Preset preset : kPresets) {
			const SimResult r = simulate(preset, uniform_random(65536, bits));
			EXPECT_LE(issued_fraction(r), 0.01) << bits << " bits / " << preset_name(preset);
			EXPECT_LE(r.prefetched_fraction(), 0.01) << bits << " bits / " << preset_name(preset);
		}
	}
}

TEST(Predictor, SameStreamGivesIdenticalDecisions)
{
	std::vector<Access> mixed = interleaved(2, 500);
	for (const Access &a : uniform_random(500, 20))
		mixed.push_back(a);
	for (const Access &a : strided(500, -16))
		mixed.push_back(a);
	for (Preset preset : kPresets) {
		const SimResult a = simulate(preset, mixed), b = simulate(preset, mixed);
		ASSERT_EQ(a.trace.size(), b.trace.size());
		for (size_t i = 0; i < a.trace.size(); i++) {
			EXPECT_EQ(a.trace[i].action, b.trace[i].action);
			EXPECT_EQ(a.trace[i].start, b.trace[i].start);
			EXPECT_EQ(a.trace[i].length, b.trace[i].length);
			EXPECT_EQ(a.trace[i].confidence, b.trace[i].confidence);
		}
	}
}

TEST(Predictor, SequentialIsReadaheadAndStrideIsPrefetch)
{
	const SimResult seq = simulate(Preset::kAdaptive, sequential(256));
	ASSERT_FALSE(seq.trace.empty());
	for (const Decision &d : seq.trace)
		EXPECT_EQ(d.action, Action::kReadahead);
	const SimResult st = simulate(Preset::kAdaptive, strided(256, 64));
	ASSERT_FALSE(st.trace.empty());
	for (const Decision &d : st.trace) {
		EXPECT_EQ(d.action, Action::kPrefetch);
		EXPECT_EQ(d.length, 1u);
		EXPECT_EQ((d.start - (uint64_t{1} << 24)) % 64, 0u);
	}
}

TEST(Predictor, ConservativePresetWaitsForMoreEvidence)
{
	// The access at which each preset first acts on a fresh sequential stream.
	auto first_decision = [](Preset preset) {
		CorrelationTableN<64> corr;
		Predictor p(preset_params(preset), corr);
		StreamState s{};
		Decision d[kMaxDecisions];
		for (uint32_t i = 0; i < 100; i++)
			if (p.access(s, 100 + i, 1, d, kMaxDecisions))
				return i;
		return 100u;
	};
	// Gaming and adaptive both act on the first confirmation; hft waits for more.
	EXPECT_LE(first_decision(Preset::kGaming), first_decision(Preset::kAdaptive));
	EXPECT_EQ(first_decision(Preset::kAdaptive), 1u);
	EXPECT_LT(first_decision(Preset::kAdaptive), first_decision(Preset::kHft));
	EXPECT_LT(first_decision(Preset::kHft), 100u);
}

TEST(Predictor, WindowGrowsWithHitsUpToTheMaximum)
{
	CorrelationTableN<64> corr;
	const Params params = preset_params(Preset::kAdaptive);
	Predictor p(params, corr);
	StreamState s{};
	Decision d[kMaxDecisions];
	uint32_t first = 0, last = 0;
	for (uint32_t i = 0; i < 4096; i++) {
		const size_t n = p.access(s, i, 1, d, kMaxDecisions);
		if (n && !first)
			first = d[0].length;
		if (n)
			last = d[0].length;
	}
	EXPECT_EQ(first, params.init_window);
	// Refills are half a window once it has grown to the maximum.
	EXPECT_EQ(last, params.max_window / 2);
}

TEST(Predictor, WasteHalvesTheWindowAndRaisesTheThreshold)
{
	CorrelationTableN<64> corr;
	const Params params = preset_params(Preset::kAdaptive);
	Predictor p(params, corr);
	StreamState s{};
	Decision d[kMaxDecisions];
	// Short sequential bursts at scattered places, alternately up and down so that
	// no majority trend forms: each confirms a stream whose readahead is never used.
	uint64_t base = 1 << 20;
	for (int burst = 0; burst < 200; burst++, base += 1 << 16)
		for (uint32_t i = 0; i < 5; i++)
			p.access(s, burst % 2 ? base + 4 - i : base + i, 1, d, kMaxDecisions);
	EXPECT_GT(p.stats().wasted_blocks, 0u);
	EXPECT_GT(p.threshold(Detector::kSequential), params.threshold);
	EXPECT_LT(p.recent_accuracy(Detector::kSequential), params.target_accuracy);
}

TEST(Predictor, AccuracyFeedbackLowersTheThresholdOnGoodStreams)
{
	CorrelationTableN<64> corr;
	const Params params = preset_params(Preset::kAdaptive);
	Predictor p(params, corr);
	StreamState s{};
	Decision d[kMaxDecisions];
	for (uint32_t i = 0; i < 20000; i++)
		p.access(s, i * 16, 1, d, kMaxDecisions);
	EXPECT_EQ(p.threshold(Detector::kStride), params.threshold_min);
	EXPECT_GT(p.accuracy(), Q16::from_ratio(95, 100));
	EXPECT_GT(p.coverage(), Q16::from_ratio(95, 100));
}

TEST(Predictor, CorrelationLearnsARepeatingScatteredSequence)
{
	// Eight far-apart blocks in a fixed order, repeated: no stride, no trend, so only
	// "after X comes Y" can predict them.
	const uint64_t blocks[] = {91, 70001, 333, 9000000, 12, 5555555, 777777, 42424};
	CorrelationTableN<4096> corr;
	Predictor p(preset_params(Preset::kAdaptive), corr);
	StreamState s{};
	Decision d[kMaxDecisions];
	int predicted = 0, accesses = 0;
	for (int rep = 0; rep < 50; rep++) {
		for (size_t i = 0; i < 8; i++) {
			const size_t n = p.access(s, blocks[i], 1, d, kMaxDecisions);
			if (rep < 3)
				continue; // learning: a pair must repeat before it is trusted
			accesses++;
			for (size_t k = 0; k < n; k++)
				predicted += d[k].action == Action::kPrefetch &&
					     (d[k].start == blocks[(i + 1) % 8] || d[k].start == blocks[(i + 2) % 8]);
		}
	}
	// Once learned, each access predicts its successor, or (when the chain followed
	// one access earlier already fetched that) the one after.
	EXPECT_GE(predicted * 2, accesses);
	EXPECT_GE(p.accuracy(), Q16::from_ratio(95, 100));
	EXPECT_GE(p.coverage(), Q16::from_ratio(85, 100));
}

TEST(Predictor, ZeroLengthAndExtremeAddressesAreSafe)
{
	CorrelationTableN<64> corr;
	Predictor p(preset_params(Preset::kGaming), corr);
	StreamState s{};
	Decision d[kMaxDecisions];
	const uint64_t addrs[] = {0, 1, 0, UINT64_MAX, UINT64_MAX - 1, 0, 2, 4, 6, 8, UINT64_MAX - 64};
	for (int rep = 0; rep < 20; rep++)
		for (uint64_t a : addrs)
			EXPECT_LE(p.access(s, a, rep % 3 ? 0 : UINT32_MAX, d, kMaxDecisions), kMaxDecisions);
	// A zero-capacity output is allowed and gets nothing.
	EXPECT_EQ(p.access(s, 10, 1, nullptr, 0), 0u);
}

} // namespace

namespace {

// Anything a host can feed the core: random mixes of huge, tiny, repeated and
// wrapping addresses and lengths. Under UBSan (the unit tests' build) any overflow
// or out-of-bounds access aborts the test.
TEST(PredictorRobustness, ArbitraryInputNeverMisbehaves)
{
	using namespace aether;
	aether::test::XorShift next{0x243f6a8885a308d3ull};
	for (Preset preset : {Preset::kHft, Preset::kGaming, Preset::kAdaptive}) {
		CorrelationTableN<64> corr;
		Predictor p(preset_params(preset), corr);
		StreamState s{};
		Decision d[kMaxDecisions];
		uint64_t base = 0;
		for (int i = 0; i < 200000; i++) {
			const uint64_t r = next();
			uint64_t addr;
			switch (r % 6) {
			case 0: addr = next(); break;                       // anywhere
			case 1: addr = UINT64_MAX - (r >> 8) % 1000; break; // the top
			case 2: addr = (r >> 8) % 1000; break;              // the bottom
			case 3: addr = base += (r >> 60) << 59; break;     // huge strides, wrapping
			default: addr = base += 1 + (r >> 62); break;       // runs
			}
			const uint32_t len = r & 0x100 ? static_cast<uint32_t>(next()) : static_cast<uint32_t>(r >> 40) % 64;
			const size_t want = (r >> 12) % (kMaxDecisions + 1);
			const size_t n = p.access(s, addr, len, d, want);
			ASSERT_LE(n, want);
			for (size_t k = 0; k < n; k++) {
				ASSERT_NE(d[k].action, Action::kNone);
				ASSERT_GT(d[k].length, 0u);
				ASSERT_GE(d[k].confidence, kQ16Zero);
				ASSERT_LE(d[k].confidence, kQ16One);
			}
		}
		EXPECT_LE(p.stats().used_blocks, p.stats().issued_blocks);
		for (const Detector det : {Detector::kSequential, Detector::kStride, Detector::kTrend,
					   Detector::kCorrelation}) {
			EXPECT_LE(p.threshold(det), p.params().threshold_max);
			EXPECT_GE(p.threshold(det), p.params().threshold_min);
		}
	}
}

} // namespace

// Streams that reach the top of the address space: every decision stops at it, for
// a decision whose end wrapped would name blocks at 0. (Found by the core fuzzer.)
TEST(Predictor, NoDecisionRunsPastTheTopOfTheAddressSpace)
{
	constexpr uint64_t kTop = ~uint64_t{0};
	for (const Preset preset : kPresets) {
		const std::vector<Access> forward = sequential(64, kTop - 64 * 8, 8);
		const std::vector<Access> strides = strided(64, 1024, kTop - 64 * 1024 - 1, 8);
		for (const auto *stream : {&forward, &strides}) {
			const SimResult r = simulate(preset, *stream);
			ASSERT_FALSE(r.trace.empty()) << preset_name(preset);
			for (const Decision &d : r.trace)
				EXPECT_LE(d.length, kTop - d.start) << preset_name(preset) << " at " << d.start;
		}
	}
}

// Reads longer than max_window, at a constant stride: their prefetches are cut to
// max_window, as every decision is, however large the reads. (Found by the core
// fuzzer, with a correlated successor longer than the window.)
TEST(Predictor, NoDecisionIsLongerThanMaxWindow)
{
	for (const Preset preset : kPresets) {
		const uint32_t max_window = preset_params(preset).max_window;
		const SimResult r = simulate(preset, strided(256, 4 * max_window, 1u << 24, 2 * max_window));
		ASSERT_FALSE(r.trace.empty()) << preset_name(preset);
		for (const Decision &d : r.trace)
			EXPECT_LE(d.length, max_window) << preset_name(preset);
	}
}
