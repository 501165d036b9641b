// aether-ctl bpf refuses bad names and files before it touches BPF or the kernel.
#include <gtest/gtest.h>

#include "ctl_run.hpp"

namespace {

using aether::test::run_ctl;

TEST(CtlBpf, UnknownBuiltinIsAUsageErrorListingTheBuiltins)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"bpf", "load", "no_such_program"}, out, err), 2);
	EXPECT_NE(err.str().find("no built-in program 'no_such_program' (built in: xrp_btree policy_next policy_stride)"), std::string::npos)
		<< err.str();
}

TEST(CtlBpf, UnreadableObjectFileSaysWhy)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"bpf", "load", "/nonexistent/prog.bpf.o"}, out, err), 1);
	EXPECT_NE(err.str().find("cannot read /nonexistent/prog.bpf.o: No such file"), std::string::npos)
		<< err.str();
}

TEST(CtlBpf, BadTunablesAreRefusedBeforeTheKernelIsAsked)
{
	std::ostringstream out, err;
	// The module is not loaded here: each refusal must come before that check.
	EXPECT_EQ(run_ctl({"bpf", "load", "policy_next", "--set", "nosuch=1"}, out, err), 1);
	EXPECT_NE(err.str().find("no tunable 'nosuch'; it has: pages"), std::string::npos) << err.str();
	EXPECT_EQ(run_ctl({"bpf", "load", "policy_next", "--set", "pages"}, out, err), 1);
	EXPECT_NE(err.str().find("--set takes NAME=VALUE"), std::string::npos) << err.str();
	EXPECT_EQ(run_ctl({"bpf", "load", "policy_next", "--set", "pages=1x"}, out, err), 1);
	EXPECT_NE(err.str().find("is not an unsigned decimal number"), std::string::npos) << err.str();
	EXPECT_EQ(run_ctl({"bpf", "load", "policy_stride", "--set", "depth=4294967296"}, out, err), 1);
	EXPECT_NE(err.str().find("does not fit its 4 bytes"), std::string::npos) << err.str();
	EXPECT_EQ(run_ctl({"bpf", "load", "xrp_btree", "--set", "pages=1"}, out, err), 1);
	EXPECT_NE(err.str().find("it has: (none)"), std::string::npos) << err.str();
	// A good tunable passes on to the next check: here, that aether.ko is loaded.
	EXPECT_EQ(run_ctl({"bpf", "load", "policy_next", "--set", "pages=16"}, out, err), 1);
	EXPECT_EQ(err.str().find("tunable"), std::string::npos) << err.str();
}

TEST(CtlBpf, UnloadRefusesAPath)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"bpf", "unload", "../../etc"}, out, err), 1);
	EXPECT_NE(err.str().find("is not a program name"), std::string::npos) << err.str();
}

TEST(CtlBpf, NeedsASubcommand)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"bpf"}, out, err), 2);
	EXPECT_EQ(run_ctl({"bpf", "load"}, out, err), 2);
}

TEST(CtlBpf, HelpNamesTheBuiltins)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"bpf", "--help"}, out, err), 0);
	EXPECT_NE(out.str().find("xrp_btree"), std::string::npos) << out.str();
}

} // namespace
