// `aether-ctl get`, `set` and `stats` against a scratch directory laid out like aether.ko's sysfs.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ctl_run.hpp"
#include "knobs.hpp"

namespace fs = std::filesystem;
using aether::ctl::Sysfs;
using aether::test::run_ctl;

namespace {

class CtlTune : public aether::test::CtlSysfsTest {
protected:
	void SetUp() override
	{
		CtlSysfsTest::SetUp();
		fs::create_directories(root_ / "stats");
		put("version", "v1");
		put("enabled", "1");
		put("mode", "adaptive");
		put("min_window_kb", "16");
		put("max_window_kb", "512");
		put("prefetch_queue_depth", "64");
		put("target_accuracy", "75");
		unsigned n = 1;
		for (const char *s : aether::ctl::kStatNames)
			put(std::string("stats/") + s, std::to_string(n++));
		put("stats/decision_latency_ns", "0 0\n2 5\n4 0\n");
	}
	std::string content(const std::string &name)
	{
		std::ifstream in(root_ / name);
		return {std::istreambuf_iterator<char>(in), {}};
	}
};

TEST_F(CtlTune, GetOnePrintsItsValue)
{
	EXPECT_EQ(run({"get", "mode"}), 0);
	EXPECT_EQ(out_.str(), "adaptive\n");
}

TEST_F(CtlTune, GetAllAsJsonListsEveryKnob)
{
	ASSERT_EQ(run({"get", "--json"}), 0) << err_.str();
	auto j = nlohmann::json::parse(out_.str());
	EXPECT_EQ(j.size(), aether::ctl::knobs().size());
	EXPECT_EQ(j["max_window_kb"], "512");
}

TEST_F(CtlTune, GetUnknownKnobIsAUsageErrorNamingTheKnobs)
{
	EXPECT_EQ(run({"get", "readahead"}), 2);
	EXPECT_NE(err_.str().find("unknown knob 'readahead'"), std::string::npos) << err_.str();
	EXPECT_NE(err_.str().find("prefetch_queue_depth"), std::string::npos) << err_.str();
}

TEST_F(CtlTune, CommandsFailClearlyWithoutTheModule)
{
	fs::remove_all(root_);
	for (auto args : {std::vector<std::string>{"get"}, {"set", "mode", "off"}, {"stats"}}) {
		EXPECT_EQ(run(args), 1) << args[0];
		EXPECT_NE(err_.str().find("aether.ko is not loaded"), std::string::npos) << err_.str();
	}
}

TEST_F(CtlTune, SetWritesTheValue)
{
	EXPECT_EQ(run({"set", "mode", "observe"}), 0) << err_.str();
	EXPECT_EQ(content("mode"), "observe");
	EXPECT_EQ(run({"set", "max_window_kb", "1024"}), 0) << err_.str();
	EXPECT_EQ(content("max_window_kb"), "1024");
}

TEST_F(CtlTune, SetRefusesInvalidValuesBeforeWriting)
{
	for (auto [knob, value] : {std::pair{"mode", "fast"}, {"enabled", "2"}, {"min_window_kb", "6"},
				   {"max_window_kb", "70000"}, {"prefetch_queue_depth", "-1"},
				   {"target_accuracy", "101"}, {"target_accuracy", "50%"}, {"enabled", ""}}) {
		const std::string before = content(knob);
		EXPECT_EQ(run({"set", knob, value}), 2) << knob << "=" << value;
		EXPECT_NE(err_.str().find("invalid value"), std::string::npos) << err_.str();
		EXPECT_EQ(content(knob), before) << knob;
	}
}

TEST_F(CtlTune, SetReportsTheKernelsRefusal)
{
	// A directory cannot be written: the write fails as a refused sysfs store would.
	fs::remove(root_ / "target_accuracy");
	fs::create_directory(root_ / "target_accuracy");
	EXPECT_EQ(run({"set", "target_accuracy", "80"}), 1);
	EXPECT_NE(err_.str().find("refused target_accuracy = 80"), std::string::npos) << err_.str();
	EXPECT_NE(err_.str().find("unchanged"), std::string::npos) << err_.str();
}

TEST_F(CtlTune, StatsJsonHasEveryCounterAndTheHistogram)
{
	ASSERT_EQ(run({"stats", "--json"}), 0) << err_.str();
	auto j = nlohmann::json::parse(out_.str());
	unsigned n = 1;
	for (const char *s : aether::ctl::kStatNames)
		EXPECT_EQ(j[s], n++) << s;
	ASSERT_EQ(j["decision_latency_ns"].size(), 3u);
	EXPECT_EQ(j["decision_latency_ns"][1]["from_ns"], 2);
	EXPECT_EQ(j["decision_latency_ns"][1]["count"], 5);
}

TEST_F(CtlTune, StatsTextShowsCountersAndNonEmptyBuckets)
{
	ASSERT_EQ(run({"stats"}), 0) << err_.str();
	EXPECT_NE(out_.str().find("sync_misses"), std::string::npos) << out_.str();
	EXPECT_NE(out_.str().find("2..4 ns: 5"), std::string::npos) << out_.str();
	EXPECT_EQ(out_.str().find("4..8 ns"), std::string::npos) << out_.str();
}

TEST_F(CtlTune, StatsRejectsACorruptCounter)
{
	put("stats/sync_misses", "12abc");
	EXPECT_EQ(run({"stats"}), 1);
	EXPECT_NE(err_.str().find("is not a counter"), std::string::npos) << err_.str();
}

TEST_F(CtlTune, StatsWatchNeedsAPositiveInterval)
{
	EXPECT_EQ(run({"stats", "--watch", "0"}), 2);
	EXPECT_EQ(run({"stats", "--watch", "x"}), 2);
}

TEST(CtlKnobs, ValidationMatchesTheModulesRules)
{
	const auto *w = aether::ctl::find_knob("min_window_kb");
	ASSERT_NE(w, nullptr);
	EXPECT_EQ(aether::ctl::validate_knob(*w, "4"), "");
	EXPECT_EQ(aether::ctl::validate_knob(*w, "65536\n"), "");
	EXPECT_NE(aether::ctl::validate_knob(*w, "65540"), "");
	EXPECT_NE(aether::ctl::validate_knob(*w, " 16"), "");
	EXPECT_NE(aether::ctl::validate_knob(*w, "+16"), "");
	EXPECT_NE(aether::ctl::validate_knob(*w, "99999999999999999999"), "");
	const auto *d = aether::ctl::find_knob("prefetch_queue_depth");
	EXPECT_EQ(aether::ctl::validate_knob(*d, "0"), "");
	EXPECT_EQ(aether::ctl::find_knob("version"), nullptr);
}

} // namespace
