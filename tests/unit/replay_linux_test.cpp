// The replay's model of Linux's ondemand readahead starts, grows and resets its window like the kernel's.
#include <vector>

#include <gtest/gtest.h>

#include "replay/baselines.hpp"
#include "replay_fixture.hpp"

using namespace aether::ctl;
using aether::test::feed;

namespace {

TEST(ReplayLinux, LinuxStartsOnSequentialAndDoubles)
{
	auto p = make_prefetcher(Baseline::kLinux, SimMode::kBlock);
	EXPECT_TRUE(feed(*p, {{0, 2}}).empty());               // one read: not a stream yet
	EXPECT_EQ(feed(*p, {{2, 2}}), (std::vector<Range>{{4, 8}})); // 4 x 2 pages
	EXPECT_TRUE(feed(*p, {{3, 1}}).empty());               // inside the stream, not the last window
	EXPECT_EQ(feed(*p, {{4, 2}}), (std::vector<Range>{{12, 16}})); // entered it
	EXPECT_EQ(feed(*p, {{12, 2}}), (std::vector<Range>{{28, 32}})); // capped at 128 KiB
	EXPECT_EQ(feed(*p, {{28, 2}}), (std::vector<Range>{{60, 32}}));
}

TEST(ReplayLinux, LinuxRandomReadResets)
{
	auto p = make_prefetcher(Baseline::kLinux, SimMode::kBlock);
	feed(*p, {{0, 2}, {2, 2}});
	EXPECT_TRUE(feed(*p, {{5000, 2}}).empty());
	EXPECT_EQ(feed(*p, {{5002, 2}}), (std::vector<Range>{{5004, 8}})); // a new stream
}

TEST(ReplayLinux, LinuxTakesAnOverlappingPageAsSequential)
{
	// Unaligned reads: the next read starts in the last page of the previous one.
	auto p = make_prefetcher(Baseline::kLinux, SimMode::kBlock);
	EXPECT_EQ(feed(*p, {{0, 17}, {16, 17}}), (std::vector<Range>{{33, 32}}));
}

TEST(ReplayLinux, LinuxWindowsAreInSectorsInObjectMode)
{
	auto p = make_prefetcher(Baseline::kLinux, SimMode::kObject);
	EXPECT_EQ(feed(*p, {{0, 8}, {8, 8}}), (std::vector<Range>{{16, 32}}));
	EXPECT_EQ(feed(*p, {{16, 128}}), (std::vector<Range>{{144, 64}}));
}

} // namespace
