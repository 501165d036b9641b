// linux+adaptive prefetches a strided reader that Linux's readahead leaves alone.
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "replay/baselines.hpp"
#include "replay_fixture.hpp"

using namespace aether::ctl;

namespace {

TEST(ReplayLinuxCore, StridedReaderIsPrefetchedOnlyWithTheModule)
{
	// One page every 64: no read is sequential, so Linux reads nothing ahead.
	constexpr u64 kStride = 64;
	constexpr u64 kReads = 100;
	const auto linux = make_prefetcher(Baseline::kLinux, SimMode::kBlock);
	const auto both = make_prefetcher(Baseline::kLinuxAdaptive, SimMode::kBlock);
	std::vector<Range> by_linux, by_both;
	for (u64 i = 0; i < kReads; i++) {
		linux->access(1000 + i * kStride, 1, by_linux);
		both->access(1000 + i * kStride, 1, by_both);
	}
	EXPECT_TRUE(by_linux.empty());
	// The module prefetches the reader's later pages, and nothing else.
	u64 targets = 0;
	for (const Range &r : by_both) {
		EXPECT_EQ(r.length, 1u) << r.start;
		EXPECT_EQ((r.start - 1000) % kStride, 0u) << r.start;
		targets += r.start < 1000 + kReads * kStride;
	}
	EXPECT_GE(targets, kReads / 2);
}

} // namespace
