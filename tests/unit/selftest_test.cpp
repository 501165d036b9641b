// The golden vectors pass on the host, exactly as aether.ko checks them at load.
#include <cstdio>

#include <gtest/gtest.h>

#include "aether/selftest.hpp"

namespace {

using namespace aether::selftest;

TEST(Golden, EveryVectorMatches)
{
	EXPECT_EQ(run(), 0u);
}

// Not only "run() == 0": each cell, so a failure names the stream and preset, and the
// printed table is what to paste into selftest.hpp after a deliberate change.
TEST(Golden, EachStreamAndPresetMatches)
{
	const char *names[] = {"kSequential", "kReverse", "kStride16", "kStrideNeg64",
			       "kInterleaved2", "kRandom", "kLoop"};
	bool all = true;
	for (uint32_t sh = 0; sh < static_cast<uint32_t>(Shape::kCount); sh++) {
		std::printf("\t{ /* %s */", names[sh]);
		for (uint32_t pr = 0; pr < kPresets; pr++) {
			const Outcome o = compute(static_cast<Shape>(sh), static_cast<aether::Preset>(pr));
			std::printf(" {%u, 0x%016llxull}%s", o.decisions, static_cast<unsigned long long>(o.hash),
				    pr + 1 < kPresets ? "," : "");
			EXPECT_TRUE(o == kExpected[sh][pr]) << names[sh] << " preset " << pr;
			all = all && o == kExpected[sh][pr];
		}
		std::printf(" },\n");
	}
	EXPECT_TRUE(all);
}

TEST(Golden, RegularStreamsDecideAndRandomDoesNot)
{
	// A sanity floor under the hashes: the table itself must describe a core that
	// acts on regular streams and stays quiet on random ones.
	for (uint32_t pr = 0; pr < kPresets; pr++) {
		EXPECT_GT(kExpected[static_cast<uint32_t>(Shape::kSequential)][pr].decisions, 0u);
		EXPECT_GT(kExpected[static_cast<uint32_t>(Shape::kStride16)][pr].decisions, 0u);
		EXPECT_GT(kExpected[static_cast<uint32_t>(Shape::kLoop)][pr].decisions, 0u);
		EXPECT_EQ(kExpected[static_cast<uint32_t>(Shape::kRandom)][pr].decisions, 0u);
	}
}

TEST(Golden, IsDeterministicAcrossRuns)
{
	for (uint32_t sh = 0; sh < static_cast<uint32_t>(Shape::kCount); sh++)
		EXPECT_TRUE(compute(static_cast<Shape>(sh), aether::Preset::kAdaptive) ==
			    compute(static_cast<Shape>(sh), aether::Preset::kAdaptive));
}

} // namespace
