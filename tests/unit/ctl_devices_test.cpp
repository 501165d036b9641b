// `aether-ctl devices` against a scratch directory laid out like aether.ko's devices/.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ctl_run.hpp"

namespace fs = std::filesystem;
using aether::ctl::Sysfs;
using aether::test::run_ctl;

namespace {

class CtlDevices : public aether::test::CtlSysfsTest {
protected:
	void SetUp() override
	{
		CtlSysfsTest::SetUp();
		fs::create_directories(root_ / "devices");
		put("version", "v1");
		put("devices/untracked_requests", "0");
	}

	// A disk's directory; reads = @reads, half of them sequential, latencies in 32..64 us.
	void disk(const std::string &devt, const std::string &name, unsigned reads)
	{
		const std::string d = "devices/" + devt + "/";
		fs::create_directories(root_ / d);
		put(d + "name", name);
		put(d + "reads", std::to_string(reads));
		put(d + "writes", "3");
		put(d + "read_bytes", std::to_string(reads * 4096ull));
		put(d + "write_bytes", "12288");
		put(d + "readahead_bytes", std::to_string(reads * 2048ull));
		put(d + "sequential_reads", std::to_string(reads / 2));
		put(d + "errors", "0");
		put(d + "decisions", "7");
		put(d + "decisions_skipped", "1");
		put(d + "pattern", "forward");
		put(d + "decision", "readahead 100 32 90");
		put(d + "latency_ns", "0 0\n16384 1\n32768 " + std::to_string(reads) + "\n65536 0");
	}
};

TEST_F(CtlDevices, JsonHasEveryCounterOfEveryDiskInDeviceOrder)
{
	disk("254:0", "nullb0", 10);
	disk("8:16", "sdb", 20);
	disk("8:0", "sda", 30);
	ASSERT_EQ(run({"devices", "--json"}), 0) << err_.str();
	auto j = nlohmann::json::parse(out_.str());
	ASSERT_EQ(j["devices"].size(), 3u);
	EXPECT_EQ(j["devices"][0]["device"], "8:0");
	EXPECT_EQ(j["devices"][1]["device"], "8:16");
	EXPECT_EQ(j["devices"][2]["device"], "254:0");
	const auto &sda = j["devices"][0];
	EXPECT_EQ(sda["name"], "sda");
	EXPECT_EQ(sda["reads"], 30);
	EXPECT_EQ(sda["readahead_bytes"], 30 * 2048);
	EXPECT_EQ(sda["sequential_reads"], 15);
	EXPECT_EQ(sda["decisions_skipped"], 1);
	EXPECT_EQ(sda["decision"], "readahead 100 32 90");
	ASSERT_EQ(sda["latency_ns"].size(), 4u);
	EXPECT_EQ(sda["latency_ns"][2]["from_ns"], 32768);
	EXPECT_EQ(sda["latency_ns"][2]["count"], 30);
	EXPECT_EQ(j["untracked_requests"], 0);
}

TEST_F(CtlDevices, TableShowsSequentialShareAndMedianLatency)
{
	disk("254:0", "nullb0", 10);
	ASSERT_EQ(run({"devices"}), 0) << err_.str();
	const std::string out = out_.str();
	EXPECT_NE(out.find("nullb0"), std::string::npos) << out;
	EXPECT_NE(out.find(" 50 "), std::string::npos) << out;	// 5 of 10 reads sequential
	EXPECT_NE(out.find("32us-65us"), std::string::npos) << out;
	EXPECT_NE(out.find("readahead 100 32 90"), std::string::npos) << out;
}

TEST_F(CtlDevices, NoDisksSaysSo)
{
	ASSERT_EQ(run({"devices"}), 0) << err_.str();
	EXPECT_NE(out_.str().find("no block device"), std::string::npos) << out_.str();
	ASSERT_EQ(run({"devices", "--json"}), 0);
}

TEST_F(CtlDevices, CorruptCounterIsAnErrorNamingTheFile)
{
	disk("254:0", "nullb0", 10);
	put("devices/254:0/reads", "12x");
	EXPECT_EQ(run({"devices"}), 1);
	EXPECT_NE(err_.str().find("devices/254:0/reads is not a counter"), std::string::npos) << err_.str();
}

TEST_F(CtlDevices, MalformedHistogramIsAnError)
{
	disk("254:0", "nullb0", 10);
	put("devices/254:0/latency_ns", "0 0\n16384");
	EXPECT_EQ(run({"devices", "--json"}), 1);
	EXPECT_NE(err_.str().find("malformed line"), std::string::npos) << err_.str();
}

TEST_F(CtlDevices, FailsClearlyWithoutTheModule)
{
	fs::remove_all(root_);
	EXPECT_EQ(run({"devices"}), 1);
	EXPECT_NE(err_.str().find("not loaded"), std::string::npos) << err_.str();
}

} // namespace
