// `aether-ctl replay --markdown` prints baselines by cache size, the best baseline that is not Aether's in bold.
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "replay/report.hpp"
#include "replay_fixture.hpp"

using namespace aether::ctl;
using aether::test::ReplayCommand;

namespace {

// The lines of @text, without their newlines.
std::vector<std::string> lines(const std::string &text)
{
	std::vector<std::string> out;
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);)
		out.push_back(line);
	return out;
}

// Metrics with @hits of 1000 demanded units, and @prefetched of them prefetched and used.
Metrics hits(u64 hits, u64 prefetched = 0)
{
	Metrics m;
	m.demand_units = 1000;
	m.hits = hits;
	m.demand_misses = 1000 - hits;
	m.prefetch_hits = prefetched;
	m.prefetched_units = prefetched;
	m.prefetched_bytes = prefetched << 20;
	return m;
}

TEST(ReplayMarkdown, TablesAreBaselinesByCacheSizeWithTheBestNonAetherBaselineBold)
{
	Trace t;
	t.requests = {{0, 4096, Op::kRead}};
	t.reads = 1;
	t.format = TraceFormat::kGeneric;
	// At 1M linux and obl tie at one decimal and adaptive beats both; at 2M stride wins,
	// and obl did not run there.
	const std::vector<Result> results = {
		{Baseline::kNone, 1 << 20, hits(100)},          {Baseline::kLinux, 1 << 20, hits(300, 8)},
		{Baseline::kObl, 1 << 20, hits(300, 2)},        {Baseline::kAdaptive, 1 << 20, hits(900, 5)},
		{Baseline::kNone, 2 << 20, hits(150)},          {Baseline::kLinux, 2 << 20, hits(350, 8)},
		{Baseline::kStride, 2 << 20, hits(456, 1)},     {Baseline::kAdaptive, 2 << 20, hits(999, 5)},
	};
	std::ostringstream out;
	write_markdown(out, "t.csv", t, SimMode::kBlock, results);
	EXPECT_EQ(out.str(), "`t.csv` (generic), block mode: 1 requests, 1 reads\n"
			     "\n"
			     "Hit % by cache size. Bold: the best baseline that is not Aether's.\n"
			     "\n"
			     "| policy | 1M | 2M |\n"
			     "|---|---:|---:|\n"
			     "| none | 10.0 | 15.0 |\n"
			     "| linux | **30.0** | 35.0 |\n"
			     "| obl | **30.0** | - |\n"
			     "| adaptive | 90.0 | 99.9 |\n"
			     "| stride | - | **45.6** |\n"
			     "\n"
			     "Prefetched MiB / accuracy % by cache size.\n"
			     "\n"
			     "| policy | 1M | 2M |\n"
			     "|---|---:|---:|\n"
			     "| none | 0.0 / - | 0.0 / - |\n"
			     "| linux | 8.0 / 100.0 | 8.0 / 100.0 |\n"
			     "| obl | 2.0 / 100.0 | - |\n"
			     "| adaptive | 5.0 / 100.0 | 5.0 / 100.0 |\n"
			     "| stride | - | 1.0 / 100.0 |\n");
}

// The whole command on a sequential trace: the core wins, yet the bold goes to the best
// of the others.
TEST_F(ReplayCommand, MarkdownHasARowPerBaselineAndAColumnPerSize)
{
	ASSERT_EQ(run({trace_, "--sweep", "1M,4M", "--policy", "none,obl,adaptive", "--markdown"}), 0) << err_.str();
	const std::vector<std::string> l = lines(out_.str());
	ASSERT_EQ(l.size(), 17u) << out_.str();
	EXPECT_EQ(l[4], "| policy | 1M | 4M |");
	EXPECT_EQ(l[5], "|---|---:|---:|");
	EXPECT_EQ(l[6].rfind("| none | 0.0 | 0.0 |", 0), 0u) << l[6];
	EXPECT_EQ(l[7].rfind("| obl | **", 0), 0u) << l[7];
	EXPECT_EQ(l[8].rfind("| adaptive | ", 0), 0u) << l[8];
	EXPECT_EQ(l[8].find("**"), std::string::npos) << l[8];
	EXPECT_EQ(l[15].rfind("| obl | 7.8 / 100.0 |", 0), 0u) << l[15];
}

} // namespace
