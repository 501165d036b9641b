// aether-ctl's command groups (bpf, xrp, trace) are usage errors without one of their subcommands.
#include <gtest/gtest.h>

#include "ctl_run.hpp"

namespace {

using aether::test::run_ctl;

TEST(CtlBpf, NeedsASubcommand)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"bpf"}, out, err), 2);
	EXPECT_EQ(run_ctl({"bpf", "load"}, out, err), 2);
}

TEST(CtlCommandGroup, EveryGroupNeedsASubcommand)
{
	for (const char *group : {"bpf", "xrp", "trace"}) {
		std::ostringstream out, err;
		EXPECT_EQ(run_ctl({group}, out, err), 2) << group;
		EXPECT_NE(err.str().find("A subcommand is required"), std::string::npos) << group << ": " << err.str();
		EXPECT_EQ(out.str(), "") << group;
	}
}

} // namespace
