// linux+PRESET reads exactly what linux reads, access by access, while the core decides nothing.
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "replay/baselines.hpp"
#include "replay/core_prefetcher.hpp"
#include "replay_fixture.hpp"

using namespace aether::ctl;

namespace {

// Uniform random reads of 1 to 4 pages over 4 TiB, every twentieth followed by the
// read right after it: Linux opens a window on each such pair. The core may try a
// window or a neighbour at first, but nothing it fetches is ever used, so its
// detectors' thresholds rise and it falls silent; the second half of the stream is
// where it decides nothing. One neighbour in twenty is a quarter of the lowest
// preset target (gaming's 1/5): kNext judges itself on a sample of ranges, and a rate
// near its target would open it now and then by chance.
constexpr int kReads = 10000;

std::vector<std::pair<u64, u32>> random_with_pairs()
{
	std::mt19937_64 rng(15);
	std::uniform_int_distribution<u64> page(0, (u64{1} << 30) - 1);
	std::uniform_int_distribution<u32> len(1, 4);
	std::vector<std::pair<u64, u32>> v;
	for (int i = 0; i < kReads; i++) {
		const u64 a = page(rng);
		const u32 n = len(rng);
		v.push_back({a, n});
		if (i % 20 == 0)
			v.push_back({a + n, n});
	}
	return v;
}

TEST(ReplayLinuxCore, SilentCoreLeavesLinuxAsItIs)
{
	const auto accesses = random_with_pairs();
	const size_t half = accesses.size() / 2;
	// The premise: the core alone decides nothing in the second half.
	for (aether::Preset preset : {aether::Preset::kHft, aether::Preset::kGaming, aether::Preset::kAdaptive}) {
		const auto core = make_core_prefetcher(preset, SimMode::kBlock);
		std::vector<Range> out;
		for (size_t i = 0; i < accesses.size(); i++) {
			if (i == half)
				out.clear();
			core->access(accesses[i].first, accesses[i].second, out);
		}
		ASSERT_TRUE(out.empty()) << aether::preset_name(preset) << " made " << out.size() << " decisions";
	}
	for (Baseline b : {Baseline::kLinuxHft, Baseline::kLinuxGaming, Baseline::kLinuxAdaptive}) {
		const auto linux = make_prefetcher(Baseline::kLinux, SimMode::kBlock);
		const auto both = make_prefetcher(b, SimMode::kBlock);
		size_t windows = 0;
		for (size_t i = 0; i < accesses.size(); i++) {
			std::vector<Range> want, got;
			linux->access(accesses[i].first, accesses[i].second, want);
			both->access(accesses[i].first, accesses[i].second, got);
			if (i < half)
				continue;
			ASSERT_EQ(got, want) << baseline_name(b) << ", access " << i;
			windows += want.size();
		}
		EXPECT_GT(windows, 200u) << baseline_name(b); // about one per sequential pair
	}
}

} // namespace
