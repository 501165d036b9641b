// The replay's core adapter runs the Aether core under a preset, with windows in the mode's units.
#include <memory>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "aether/predictor.hpp"
#include "replay/baselines.hpp"
#include "replay/core_prefetcher.hpp"
#include "replay_fixture.hpp"

using namespace aether::ctl;

namespace {

// What the core itself decides on @accesses with @preset for blocks of @block_bytes,
// one list of ranges per access, zero-length decisions left out.
std::vector<std::vector<Range>> core_decisions(aether::Preset preset, u32 block_bytes,
					       const std::vector<std::pair<u64, u32>> &accesses)
{
	auto corr = std::make_unique<aether::CorrelationTableN<4096>>();
	aether::Predictor p(aether::preset_params(preset, block_bytes), *corr);
	aether::StreamState s{};
	std::vector<std::vector<Range>> all;
	for (const auto &[addr, len] : accesses) {
		aether::Decision d[aether::kMaxDecisions];
		const size_t n = p.access(s, addr, len, d, aether::kMaxDecisions);
		std::vector<Range> out;
		for (size_t i = 0; i < n; i++)
			if (d[i].length)
				out.push_back({d[i].start, d[i].length});
		all.push_back(out);
	}
	return all;
}

// Two interleaved sequential readers and a strided one, in 4-unit requests.
std::vector<std::pair<u64, u32>> mixed_accesses()
{
	std::vector<std::pair<u64, u32>> v;
	for (u64 i = 0; i < 200; i++) {
		v.push_back({1000 + 4 * i, 4});
		v.push_back({900000 - 4 * i, 4});
		v.push_back({5000000 + 64 * i, 4});
	}
	return v;
}

// The adapter asks for exactly what the core decides, access by access.
void expect_same_as_core(aether::Preset preset, SimMode mode, u32 block_bytes)
{
	const auto accesses = mixed_accesses();
	const auto want = core_decisions(preset, block_bytes, accesses);
	const auto prefetcher = make_core_prefetcher(preset, mode);
	size_t prefetched = 0;
	for (size_t i = 0; i < accesses.size(); i++) {
		std::vector<Range> out;
		prefetcher->access(accesses[i].first, accesses[i].second, out);
		ASSERT_EQ(out, want[i]) << "access " << i;
		prefetched += out.size();
	}
	EXPECT_GT(prefetched, 0u); // the streams above are worth prefetching
}

TEST(ReplayCorePrefetcher, BlockModeIsTheCoreWithPageSizedBlocks)
{
	for (aether::Preset preset : {aether::Preset::kHft, aether::Preset::kGaming, aether::Preset::kAdaptive})
		expect_same_as_core(preset, SimMode::kBlock, 4096);
}

TEST(ReplayCorePrefetcher, ObjectModeIsTheCoreWithSectorSizedBlocks)
{
	for (aether::Preset preset : {aether::Preset::kHft, aether::Preset::kGaming, aether::Preset::kAdaptive})
		expect_same_as_core(preset, SimMode::kObject, 512);
}

TEST(ReplayCorePrefetcher, SequentialReaderIsPrefetchedAhead)
{
	const auto prefetcher = make_core_prefetcher(aether::Preset::kAdaptive, SimMode::kBlock);
	std::vector<Range> last;
	for (u64 i = 0; i < 64; i++) {
		std::vector<Range> out;
		prefetcher->access(i * 2, 2, out);
		for (const Range &r : out)
			EXPECT_GE(r.start, i * 2 + 2) << "access " << i; // never behind the reader
		if (!out.empty())
			last = out;
	}
	EXPECT_FALSE(last.empty());
}

TEST(ReplayCorePrefetcher, FreshPrefetchersShareNoHistory)
{
	// A second prefetcher of the same preset decides as the first did from the start.
	const auto accesses = mixed_accesses();
	std::vector<std::vector<Range>> first, second;
	for (auto *runs : {&first, &second}) {
		const auto prefetcher = aether::ctl::make_prefetcher(Baseline::kGaming, SimMode::kBlock);
		for (const auto &[addr, len] : accesses) {
			std::vector<Range> out;
			prefetcher->access(addr, len, out);
			runs->push_back(out);
		}
	}
	EXPECT_EQ(first, second);
}

} // namespace
