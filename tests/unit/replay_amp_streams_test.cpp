// AMP follows two interleaved sequential streams at once, each with its own prefetches.
#include <vector>

#include <gtest/gtest.h>

#include "replay/amp.hpp"
#include "replay_fixture.hpp"

using namespace aether::ctl;
using aether::test::feed;

namespace {

TEST(ReplayAmpStreams, TracksTwoInterleavedStreams)
{
	auto p = make_amp(SimMode::kBlock);
	// Stream one from page 0 and stream two from page 1000, a read of each in turn,
	// with a random read between them.
	feed(*p, {{0, 4}, {1000, 4}, {500000, 1}});
	EXPECT_EQ(feed(*p, {{4, 4}}), (std::vector<Range>{{8, 8}}));
	EXPECT_EQ(feed(*p, {{1004, 4}}), (std::vector<Range>{{1008, 8}}));
	// Each goes on from its own set.
	EXPECT_EQ(feed(*p, {{8, 4}}), (std::vector<Range>{{16, 8}}));
	EXPECT_EQ(feed(*p, {{1008, 4}}), (std::vector<Range>{{1016, 8}}));
}

TEST(ReplayAmpStreams, ObjectModePrefetchesTheNextSameSizedRequests)
{
	auto p = make_amp(SimMode::kObject);
	// Requests of 16 sectors: a set of two is the next 32 sectors, one window.
	EXPECT_EQ(feed(*p, {{100, 16}, {116, 16}}), (std::vector<Range>{{132, 32}}));
}

} // namespace
