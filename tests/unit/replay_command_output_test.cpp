// `aether-ctl replay` prints one result per baseline and cache size, as a table or as documented JSON.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "replay_fixture.hpp"

using namespace aether::ctl;
using aether::test::ReplayCommand;

namespace {

TEST_F(ReplayCommand, SequentialLinuxIsAccurate)
{
	EXPECT_GT(results("linux")["linux"].at("accuracy").get<double>(), 0.9);
}

TEST_F(ReplayCommand, SequentialOblIsAccurate)
{
	EXPECT_GT(results("obl")["obl"].at("accuracy").get<double>(), 0.9);
}

TEST_F(ReplayCommand, SequentialPrefetchBeatsNone)
{
	auto r = results("none,linux,obl");
	const double none = r["none"].at("hit_ratio").get<double>();
	EXPECT_GT(r["linux"].at("hit_ratio").get<double>(), none);
	EXPECT_GT(r["obl"].at("hit_ratio").get<double>(), none);
}

TEST_F(ReplayCommand, NoneNeverPrefetches)
{
	auto r = results("none")["none"];
	EXPECT_EQ(r.at("prefetched_bytes"), 0);
	EXPECT_EQ(r.at("accuracy"), 0.0);
	EXPECT_EQ(r.at("coverage"), 0.0);
	EXPECT_EQ(r.at("demand_bytes"), 2000 * 16384);
}

TEST_F(ReplayCommand, JsonHasTheDocumentedShape)
{
	ASSERT_EQ(run({trace_, "--json", "--sweep", "1M,64K", "--policy", "obl,none"}), 0) << err_.str();
	const auto j = nlohmann::json::parse(out_.str());
	EXPECT_EQ(j.size(), 5u);
	EXPECT_EQ(j.at("trace"), trace_);
	EXPECT_EQ(j.at("mode"), "block");
	EXPECT_EQ(j.at("requests"), 2000);
	EXPECT_EQ(j.at("reads"), 2000);
	const auto &res = j.at("results");
	ASSERT_EQ(res.size(), 4u);
	// Sizes outside, baselines inside, each in the order given.
	const std::pair<const char *, u64> order[] = {
		{"obl", 1 << 20}, {"none", 1 << 20}, {"obl", 64 << 10}, {"none", 64 << 10}};
	for (size_t i = 0; i < res.size(); i++) {
		EXPECT_EQ(res[i].size(), 7u);
		EXPECT_EQ(res[i].at("policy"), order[i].first) << i;
		EXPECT_EQ(res[i].at("cache_bytes"), order[i].second) << i;
		for (const char *key : {"hit_ratio", "accuracy", "coverage"}) {
			EXPECT_GE(res[i].at(key).get<double>(), 0.0) << key;
			EXPECT_LE(res[i].at(key).get<double>(), 1.0) << key;
		}
		EXPECT_TRUE(res[i].at("prefetched_bytes").is_number_unsigned());
		EXPECT_TRUE(res[i].at("demand_bytes").is_number_unsigned());
	}
}

TEST_F(ReplayCommand, DefaultRunsEveryBaselineInOrder)
{
	ASSERT_EQ(run({trace_, "--json"}), 0) << err_.str();
	const auto res = nlohmann::json::parse(out_.str()).at("results");
	std::vector<std::string> names;
	for (const auto &r : res) {
		names.push_back(r.at("policy"));
		EXPECT_EQ(r.at("cache_bytes"), 256u << 20);
		EXPECT_LE(r.at("accuracy").get<double>(), 1.0);
		EXPECT_LE(r.at("coverage").get<double>(), 1.0);
	}
	EXPECT_EQ(names, (std::vector<std::string>{"none", "linux", "obl", "stride", "leap", "mithril", "amp", "pg",
						   "hft", "gaming", "adaptive", "linux+hft", "linux+gaming",
						   "linux+adaptive"}));
}

TEST_F(ReplayCommand, ObjectModeIsReported)
{
	ASSERT_EQ(run({trace_, "--json", "--object", "--policy", "none"}), 0) << err_.str();
	EXPECT_EQ(nlohmann::json::parse(out_.str()).at("mode"), "object");
}

TEST_F(ReplayCommand, TableHasAHeaderAndARowPerRun)
{
	ASSERT_EQ(run({trace_, "--cache", "128M", "--policy", "none,obl"}), 0) << err_.str();
	const std::string out = out_.str();
	EXPECT_NE(out.find("mode: block"), std::string::npos) << out;
	EXPECT_NE(out.find("requests: 2000"), std::string::npos) << out;
	EXPECT_NE(out.find("reads: 2000"), std::string::npos) << out;
	EXPECT_NE(out.find("accuracy %"), std::string::npos) << out;
	EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 4) << out;
	EXPECT_NE(out.find("\nnone "), std::string::npos) << out;
	EXPECT_NE(out.find("\nobl "), std::string::npos) << out;
	EXPECT_NE(out.find(" 128M "), std::string::npos) << out;
	EXPECT_EQ(err_.str(), "");
}

} // namespace
