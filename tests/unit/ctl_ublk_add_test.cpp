// aether-ctl ublk add starts aether-ublk with the options given, a --size in any spelling passed as bytes, and refuses bad options before starting anything.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "ctl_ublk.hpp"

namespace {

using aether::test::CtlUblkTest;

// A stand-in for aether-ublk ($AETHER_UBLK): it writes its arguments, one a line, to
// <dir>/args and prints a device path as the server does once the device is live.
class CtlUblkAddTest : public CtlUblkTest {
protected:
	void SetUp() override
	{
		CtlUblkTest::SetUp();
		const auto server = dir_ / "fake-aether-ublk";
		std::ofstream(server) << "#!/bin/sh\nprintf '%s\\n' \"$@\" >'" << (dir_ / "args").string()
				      << "'\necho /dev/ublkb9\n";
		std::filesystem::permissions(server, std::filesystem::perms::owner_all);
		setenv("AETHER_UBLK", server.c_str(), 1);
	}
	void TearDown() override
	{
		unsetenv("AETHER_UBLK");
		CtlUblkTest::TearDown();
	}
	// The arguments the stand-in was started with, one a line; "" if it never ran.
	std::string server_args() const
	{
		std::ifstream f(dir_ / "args");
		std::ostringstream s;
		s << f.rdbuf();
		return s.str();
	}
};

TEST_F(CtlUblkAddTest, ASizeWithASuffixReachesTheServerAsBytes)
{
	ASSERT_EQ(run({"ublk", "add", "--file", "/srv/disk.img", "--size", "64M"}), 0) << err_.str();
	EXPECT_EQ(out_.str(), "/dev/ublkb9\n");
	EXPECT_EQ(server_args(), "--file\n/srv/disk.img\n--size\n67108864\n");
	// Its log is kept under the device's name.
	EXPECT_TRUE(std::filesystem::exists(dir_ / "ublk9.log"));
}

TEST_F(CtlUblkAddTest, EveryOptionGivenIsPassedOnAndNoOther)
{
	ASSERT_EQ(run({"ublk", "add", "--file", "f", "--size", "1048576", "--cache-mb", "8", "--latency-us", "50",
		       "--policy", "hft", "--queues", "2", "--depth", "32"}),
		  0)
		<< err_.str();
	EXPECT_EQ(server_args(), "--file\nf\n--size\n1048576\n--cache-mb\n8\n--latency-us\n50\n"
				 "--policy\nhft\n--queues\n2\n--depth\n32\n");
	ASSERT_EQ(run({"ublk", "add", "--file", "f"}), 0) << err_.str();
	EXPECT_EQ(server_args(), "--file\nf\n");
}

TEST_F(CtlUblkAddTest, ASizeThatIsNotOneIsRefusedBeforeTheServerStarts)
{
	for (const char *bad : {"64X", "0", "1MB", "1.5G"}) {
		EXPECT_EQ(run({"ublk", "add", "--file", "f", "--size", bad}), 2) << bad;
		EXPECT_NE(err_.str().find(std::string("\"") + bad + "\""), std::string::npos) << err_.str();
	}
	EXPECT_EQ(server_args(), "");
}

TEST_F(CtlUblkAddTest, AddNeedsAFileAndAKnownPolicy)
{
	EXPECT_EQ(run({"ublk", "add"}), 2);
	EXPECT_EQ(run({"ublk", "add", "--file", "x", "--policy", "fastest"}), 2);
	EXPECT_EQ(server_args(), "");
}

} // namespace
