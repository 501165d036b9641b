// aether-ublk gives each queue a core of its own, so readers interleaved on one queue are not crowded out of the core's trackers by readers on the others.
#include <gtest/gtest.h>

#include <set>

#include "device.hpp"

namespace {

using aether::Decision;
using aether::kMaxDecisions;
using aether::kTrackers;
using aether::Preset;
using aether::ublk::make_prefetchers;

TEST(UblkPrefetchQueues, OneCorePerQueue)
{
	const auto none = make_prefetchers(Preset::kAdaptive, 0);
	EXPECT_TRUE(none.empty());
	const auto two = make_prefetchers(Preset::kAdaptive, 2);
	ASSERT_EQ(two.size(), 2u);
	EXPECT_NE(two[0].get(), two[1].get());
}

// Two queues, each with as many sequential readers as the core has trackers, 4
// blocks a read, interleaved: all of them on one core would be more readers than
// it tracks. Each read after the first few must lie in what its queue's core had
// already decided to fetch.
TEST(UblkPrefetchQueues, EachQueuesReadersKeepTheirTrackers)
{
	constexpr unsigned kQueues = 2, kReaders = kTrackers, kSteps = 500, kWarm = 50;
	auto pf = make_prefetchers(Preset::kAdaptive, kQueues);
	std::set<uint64_t> fetched[kQueues];
	unsigned reads = 0, covered = 0;
	for (unsigned step = 0; step < kSteps; step++)
		for (unsigned q = 0; q < kQueues; q++)
			for (unsigned r = 0; r < kReaders; r++) {
				// Each reader in its own 64 GiB region, far from the others.
				const uint64_t block = (uint64_t{q * kReaders + r} << 24) + step * 4;
				bool in = true;
				for (uint64_t b = block; b < block + 4; b++)
					in = in && fetched[q].count(b);
				if (step >= kWarm) {
					reads++;
					covered += in;
				}
				Decision d[kMaxDecisions];
				const size_t n = pf[q]->decide(block, 4, aether::Timing::kUnknown, d);
				for (size_t i = 0; i < n; i++)
					for (uint64_t b = d[i].start; b < d[i].start + d[i].length; b++)
						fetched[q].insert(b);
			}
	EXPECT_EQ(covered, reads) << covered << " of " << reads << " reads were decided ahead";
}

} // namespace
