// aether-ctl ublk list, stats and del read aether-ublk's stats files, and reject bad ones and bad requests.
#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ctl_ublk.hpp"
#include "stats_file.hpp"

namespace {

using aether::test::CtlUblkTest;
using aether::ublk::Stat;

TEST_F(CtlUblkTest, ListWithNoDevicesSaysHowToStartOne)
{
	EXPECT_EQ(run({"ublk", "list"}), 0);
	EXPECT_NE(out_.str().find("aether-ctl ublk add"), std::string::npos);
	EXPECT_EQ(run({"ublk", "list", "--json"}), 0);
	EXPECT_EQ(nlohmann::json::parse(out_.str()), nlohmann::json::array());
}

TEST_F(CtlUblkTest, StatsShowWhatTheServerCounted)
{
	aether::ublk::StatsHeader h{};
	h.pid = getpid(); // alive, but not an aether-ublk: reported dead
	h.dev_id = 3;
	h.dev_bytes = 64 << 20;
	h.cache_bytes = 8 << 20;
	h.latency_us = 200;
	std::snprintf(h.policy, sizeof(h.policy), "gaming");
	std::snprintf(h.file, sizeof(h.file), "/srv/disk.img");
	aether::ublk::StatsWriter w;
	std::string why;
	ASSERT_EQ(w.create(h, &why), 0) << why;
	w.file()->c.add(Stat::kReads, 10);
	w.file()->c.add(Stat::kCacheHits, 4);
	w.file()->c.add(Stat::kPrefetchIssued, 8);
	w.file()->c.add(Stat::kPrefetchUsed, 6);
	w.file()->c.add_read_latency(300'000);
	w.file()->c.add_read_latency(300'000);
	w.file()->c.add_read_latency(5'000'000);

	ASSERT_EQ(run({"ublk", "stats", "3", "--json"}), 0) << err_.str();
	const auto j = nlohmann::json::parse(out_.str());
	ASSERT_EQ(j.size(), 1u);
	EXPECT_EQ(j[0]["device"], "/dev/ublkb3");
	EXPECT_EQ(j[0]["state"], "dead");
	EXPECT_EQ(j[0]["policy"], "gaming");
	EXPECT_EQ(j[0]["reads"], 10);
	EXPECT_EQ(j[0]["prefetch_used"], 6);
	EXPECT_EQ(j[0]["read_latency"]["256-512us"], 2);
	EXPECT_EQ(j[0]["read_latency_p50"], "256-512us");

	ASSERT_EQ(run({"ublk", "stats", "3"}), 0);
	EXPECT_NE(out_.str().find("cache_hit_pct         40"), std::string::npos) << out_.str();
	EXPECT_NE(out_.str().find("prefetch_accuracy_pct 75"), std::string::npos) << out_.str();
	EXPECT_NE(out_.str().find("read_latency_p99      4096-8192us"), std::string::npos) << out_.str();
	EXPECT_NE(out_.str().find("256-512us:2 4096-8192us:1"), std::string::npos) << out_.str();
	// A file has no round trips to show.
	EXPECT_EQ(out_.str().find("backend_latency"), std::string::npos) << out_.str();
	ASSERT_EQ(run({"ublk", "list"}), 0);
	EXPECT_NE(out_.str().find("/srv/disk.img"), std::string::npos) << out_.str();
}

TEST_F(CtlUblkTest, StatsShowTheBackendsRoundTrips)
{
	aether::ublk::StatsHeader h{};
	h.pid = getpid();
	h.dev_id = 6;
	h.dev_bytes = 64 << 20;
	std::snprintf(h.policy, sizeof(h.policy), "adaptive");
	std::snprintf(h.file, sizeof(h.file), "nbd+unix:///?socket=/tmp/nbd.sock");
	aether::ublk::StatsWriter w;
	std::string why;
	ASSERT_EQ(w.create(h, &why), 0) << why;
	for (int i = 0; i < 9; i++)
		w.file()->c.add_backend_latency(1'500'000);
	w.file()->c.add_backend_latency(40'000'000);

	ASSERT_EQ(run({"ublk", "stats", "6", "--json"}), 0) << err_.str();
	const auto j = nlohmann::json::parse(out_.str());
	ASSERT_EQ(j.size(), 1u);
	EXPECT_EQ(j[0]["target"], "nbd");
	EXPECT_EQ(j[0]["backend_latency"]["1024-2048us"], 9);
	EXPECT_EQ(j[0]["backend_latency"]["32768-65536us"], 1);
	EXPECT_EQ(j[0]["backend_latency_p50"], "1024-2048us");
	EXPECT_EQ(j[0]["backend_latency_p99"], "32768-65536us");
	EXPECT_EQ(j[0]["read_latency"], nlohmann::json::object()); // apart from the reads'

	ASSERT_EQ(run({"ublk", "stats", "6"}), 0);
	EXPECT_NE(out_.str().find("backend_latency_p50   1024-2048us"), std::string::npos) << out_.str();
	EXPECT_NE(out_.str().find("1024-2048us:9 32768-65536us:1"), std::string::npos) << out_.str();
}

TEST_F(CtlUblkTest, AFileThatIsNotAStatsFileIsRejected)
{
	std::ofstream(dir_ / "ublk4.stats") << std::string(8192, 'x');
	EXPECT_EQ(run({"ublk", "stats", "4"}), 1);
	EXPECT_NE(err_.str().find("not an aether-ublk stats file"), std::string::npos) << err_.str();
	std::ofstream(dir_ / "ublk5.stats") << "short";
	EXPECT_EQ(run({"ublk", "stats", "5"}), 1);
	EXPECT_NE(err_.str().find("too short"), std::string::npos) << err_.str();
}

TEST_F(CtlUblkTest, StatsOfAnUnknownDeviceFail)
{
	EXPECT_EQ(run({"ublk", "stats", "7"}), 1);
	EXPECT_NE(err_.str().find("no aether-ublk device 7"), std::string::npos) << err_.str();
}

TEST_F(CtlUblkTest, DelNeedsIdsOrAllButNotBoth)
{
	EXPECT_EQ(run({"ublk", "del"}), 2);
	EXPECT_EQ(run({"ublk", "del", "1", "--all"}), 2);
	EXPECT_NE(err_.str().find("device ids or --all"), std::string::npos);
}

TEST_F(CtlUblkTest, DelTimeoutIsWholeSeconds)
{
	EXPECT_EQ(run({"ublk", "del", "--timeout", "soon", "1"}), 2);
	EXPECT_EQ(run({"ublk", "del", "--timeout", "-1", "1"}), 2);
}

} // namespace
