// aether-ctl bpf load refuses bad names, files and tunables before it touches BPF or the kernel.
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
	// The module is not loaded here: each refusal must come before that check.
	const struct {
		const char *program, *set, *says;
	} cases[] = {
		{"policy_next", "nosuch=1", "no tunable 'nosuch'; it has: pages"},
		{"policy_next", "pages", "--set takes NAME=VALUE"},
		{"policy_next", "pages=1x", "is not an unsigned decimal number"},
		{"policy_stride", "depth=4294967296", "does not fit its 4 bytes"},
		{"xrp_btree", "pages=1", "it has: (none)"},
	};
	std::ostringstream out, err;
	for (const auto &c : cases) {
		EXPECT_EQ(run_ctl({"bpf", "load", c.program, "--set", c.set}, out, err), 1) << c.set;
		EXPECT_NE(err.str().find(c.says), std::string::npos) << err.str();
	}
	// A good tunable passes on to the next check: here, that aether.ko is loaded.
	EXPECT_EQ(run_ctl({"bpf", "load", "policy_next", "--set", "pages=16"}, out, err), 1);
	EXPECT_EQ(err.str().find("tunable"), std::string::npos) << err.str();
}

} // namespace
