// aether-ctl's command line: a command line it cannot parse exits 2 and points at --help.
#include <sstream>

#include <gtest/gtest.h>

#include "ctl_run.hpp"

namespace {

using aether::test::run_ctl;

TEST(CtlCli, NoCommandIsAUsageError)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({}, out, err), 2);
	EXPECT_NE(err.str().find("--help"), std::string::npos) << err.str();
}

TEST(CtlCli, UnknownCommandIsAUsageError)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"frobnicate"}, out, err), 2);
}

TEST(CtlCli, UnknownFlagIsAUsageError)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"status", "--bogus"}, out, err), 2);
}

} // namespace
