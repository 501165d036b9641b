// aether-ctl bpf refuses bad names and files before it touches BPF or the kernel.
#include <gtest/gtest.h>

#include "ctl_run.hpp"

namespace {

using aether::test::run_ctl;

TEST(CtlBpf, UnknownBuiltinIsAUsageErrorListingTheBuiltins)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"bpf", "load", "no_such_program"}, out, err), 2);
	EXPECT_NE(err.str().find("no built-in program 'no_such_program' (built in: xrp_btree)"), std::string::npos)
		<< err.str();
}

TEST(CtlBpf, UnreadableObjectFileSaysWhy)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"bpf", "load", "/nonexistent/prog.bpf.o"}, out, err), 1);
	EXPECT_NE(err.str().find("cannot read /nonexistent/prog.bpf.o: No such file"), std::string::npos)
		<< err.str();
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
