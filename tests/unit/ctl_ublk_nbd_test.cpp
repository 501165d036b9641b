// aether-ctl ublk add --nbd starts aether-ublk on an NBD URI, and ublk list tells an NBD device from a file one.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ctl_ublk.hpp"
#include "stats_file.hpp"

namespace {

using aether::test::CtlUblkTest;

TEST_F(CtlUblkTest, AddPassesAnNbdUriOnAndWantsExactlyOneBackingStore)
{
	const auto server = dir_ / "fake-aether-ublk";
	std::ofstream(server) << "#!/bin/sh\nprintf '%s\\n' \"$@\" >'" << (dir_ / "args").string()
			      << "'\necho /dev/ublkb9\n";
	std::filesystem::permissions(server, std::filesystem::perms::owner_all);
	setenv("AETHER_UBLK", server.c_str(), 1);
	const auto args = [&] {
		std::ifstream f(dir_ / "args");
		std::ostringstream s;
		s << f.rdbuf();
		std::filesystem::remove(dir_ / "args");
		return s.str();
	};
	ASSERT_EQ(run({"ublk", "add", "--nbd", "nbd://storage/vol1", "--cache-mb", "64", "--io-timeout", "5"}), 0)
		<< err_.str();
	EXPECT_EQ(args(), "--nbd\nnbd://storage/vol1\n--cache-mb\n64\n--io-timeout\n5\n");
	EXPECT_EQ(run({"ublk", "add", "--file", "f", "--io-timeout", "5"}), 2); // only for --nbd
	EXPECT_EQ(run({"ublk", "add", "--nbd", "nbd://storage/vol1", "--file", "f"}), 2);
	EXPECT_EQ(run({"ublk", "add", "--cache-mb", "64"}), 2);
	EXPECT_NE(err_.str().find("--file PATH or --nbd URI"), std::string::npos) << err_.str();
	EXPECT_EQ(args(), ""); // neither refusal started a server
	unsetenv("AETHER_UBLK");
}

TEST_F(CtlUblkTest, ListNamesTheTargetOfEachDevice)
{
	aether::ublk::StatsWriter file_dev, nbd_dev;
	std::string why;
	for (auto [w, id, where] : {std::tuple{&file_dev, 4u, "/srv/disk.img"}, {&nbd_dev, 5u, "nbd+unix:///?socket=/run/s"}}) {
		aether::ublk::StatsHeader h{};
		h.pid = getpid();
		h.dev_id = id;
		h.dev_bytes = 64 << 20;
		std::snprintf(h.policy, sizeof(h.policy), "off");
		std::snprintf(h.file, sizeof(h.file), "%s", where);
		ASSERT_EQ(w->create(h, &why), 0) << why;
	}
	ASSERT_EQ(run({"ublk", "list", "--json"}), 0) << err_.str();
	const auto j = nlohmann::json::parse(out_.str());
	ASSERT_EQ(j.size(), 2u);
	for (const auto &d : j)
		EXPECT_EQ(d["target"], d["id"] == 4 ? "file" : "nbd") << d.dump();
	ASSERT_EQ(run({"ublk", "list"}), 0);
	EXPECT_NE(out_.str().find("nbd+unix:///?socket=/run/s"), std::string::npos) << out_.str();
}

} // namespace
