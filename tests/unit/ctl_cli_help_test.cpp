// aether-ctl --help exits 0 and lists every command.
#include <sstream>

#include <gtest/gtest.h>

#include "ctl_run.hpp"

namespace {

using aether::test::run_ctl;

TEST(CtlCli, HelpListsCommands)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"--help"}, out, err), 0);
	for (const char *cmd : {"version", "status", "replay", "get", "set", "stats", "devices", "ublk", "xrp", "bpf", "trace"})
		EXPECT_NE(out.str().find(std::string("\n  ") + cmd + " "), std::string::npos) << cmd << "\n" << out.str();
}

} // namespace
