// `aether-ctl replay` refuses bad options with exit status 2, and its help teaches every option.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "replay_fixture.hpp"

using aether::test::ReplayCommand;

namespace {

TEST_F(ReplayCommand, CacheAndSweepTogetherIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--cache", "1M", "--sweep", "1M,2M"}), 2);
}

TEST_F(ReplayCommand, JsonAndMarkdownTogetherIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--json", "--markdown"}), 2);
	for (const char *s : {"--json", "--markdown", "excludes"})
		EXPECT_NE(err_.str().find(s), std::string::npos) << s << " in " << err_.str();
	EXPECT_EQ(out_.str(), "");
}

TEST_F(ReplayCommand, GarbageSizeIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--cache", "12Q"}), 2);
	EXPECT_NE(err_.str().find("not a size"), std::string::npos) << err_.str();
}

TEST_F(ReplayCommand, ZeroSizeIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--sweep", "1M,0"}), 2);
}

TEST_F(ReplayCommand, OverflowingSizeIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--cache", "99999999999999999999"}), 2);
	EXPECT_EQ(run({trace_, "--cache", "17179869184G"}), 2); // 2^34 GiB = 2^64 bytes
}

TEST_F(ReplayCommand, CacheSmallerThanAPageIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--cache", "1K"}), 2);
	EXPECT_EQ(run({trace_, "--cache", "1K", "--object", "--policy", "none"}), 0) << err_.str();
}

TEST_F(ReplayCommand, ListOptionsTakeOneArgumentSoTheTraceCanFollow)
{
	EXPECT_EQ(run({"--sweep", "1M,2M", "--policy", "none", trace_, "--sweep", "4M"}), 0) << err_.str();
	const std::string out = out_.str();
	EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 5) << out; // 3 runs
}

TEST_F(ReplayCommand, UnknownBaselineIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--policy", "none,belady"}), 2);
	EXPECT_NE(err_.str().find("belady"), std::string::npos) << err_.str();
}

TEST_F(ReplayCommand, HelpTeachesFormatsModesMetricsAndBaselines)
{
	ASSERT_EQ(run({"--help"}), 0);
	const std::string out = out_.str();
	for (const char *s : {"cloudphysics", "generic", "--object", "--sweep", "hit %", "accuracy", "coverage",
			      "none", "linux", "obl", "stride", "leap", "mithril", "amp", "pg", "adaptive",
			      "linux+adaptive", "Examples"})
		EXPECT_NE(out.find(s), std::string::npos) << s;
}

} // namespace
