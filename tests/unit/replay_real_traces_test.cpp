// Every real trace in ../shared/traces replays in block mode at 64M with its documented request counts, and adaptive hits at least as often as none.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ctl_run.hpp"

namespace fs = std::filesystem;

namespace {

// Where the real traces are: $AETHER_TRACES (as scripts/bench_replay.sh takes it), else
// ../shared/traces next to the repository.
fs::path traces_dir()
{
	if (const char *env = std::getenv("AETHER_TRACES"); env && *env)
		return env;
	return fs::path(__FILE__).parent_path().parent_path().parent_path() / ".." / "shared" / "traces";
}

struct Counts {
	int requests;
	int reads;
};

// The request and read counts that the traces' README.md documents.
const std::map<std::string, Counts> kKnown = {
	{"cloudphysics.csv", {113872, 46974}}, {"webserver.csv", {194539, 83835}}, {"mysql.csv", {80794, 7187}},
	{"hplajw.csv", {44519, 13040}},        {"financial1.csv", {10000, 4078}},
};

// Every .csv in the traces directory, sorted; none when it is missing, which
// TracesArePresent reports.
std::vector<std::string> trace_names()
{
	std::vector<std::string> names;
	std::error_code ec;
	for (const fs::directory_entry &e : fs::directory_iterator(traces_dir(), ec))
		if (e.path().extension() == ".csv")
			names.push_back(e.path().filename().string());
	std::sort(names.begin(), names.end());
	return names;
}

TEST(ReplayRealTraces, TracesArePresent)
{
	const fs::path dir = traces_dir();
	// A checkout without the traces beside it (a clone elsewhere) cannot run these;
	// the skip says so in the test log, where the replay of each trace would be.
	if (!fs::is_directory(dir))
		GTEST_SKIP() << dir << " is absent: put the real traces in ../shared/traces next to the "
				"repository, or set AETHER_TRACES";
	for (const auto &[name, counts] : kKnown)
		EXPECT_TRUE(fs::exists(dir / name)) << dir / name << " is missing";
}

class ReplayRealTrace : public ::testing::TestWithParam<std::string> {};

TEST_P(ReplayRealTrace, CountsMatchAndAdaptiveHitsAtLeastAsOftenAsNone)
{
	const std::string name = GetParam();
	std::ostringstream out, err;
	ASSERT_EQ(aether::test::run_ctl({"replay", (traces_dir() / name).string(), "--cache", "64M", "--json"}, out, err),
		  0)
		<< err.str();
	const auto j = nlohmann::json::parse(out.str());
	if (const auto known = kKnown.find(name); known != kKnown.end()) {
		EXPECT_EQ(j.at("requests"), known->second.requests);
		EXPECT_EQ(j.at("reads"), known->second.reads);
	}
	std::map<std::string, double> hit;
	for (const auto &r : j.at("results"))
		hit[r.at("policy")] = r.at("hit_ratio");
	ASSERT_TRUE(hit.count("adaptive") && hit.count("none")) << out.str();
	EXPECT_GE(hit["adaptive"], hit["none"]);
}

// One test per trace, named after its file ("cloudphysics_csv").
INSTANTIATE_TEST_SUITE_P(Traces, ReplayRealTrace, ::testing::ValuesIn(trace_names()),
			 [](const ::testing::TestParamInfo<std::string> &info) {
				 std::string s = info.param;
				 std::replace_if(
					 s.begin(), s.end(), [](unsigned char c) { return !std::isalnum(c); }, '_');
				 return s;
			 });
// With the directory missing there is nothing to instantiate; TracesArePresent says so.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ReplayRealTrace);

} // namespace
