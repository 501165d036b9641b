// The bpf loader opens every built-in program and sets its tunables without the kernel.
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "bpf/loader.hpp"

namespace {

using namespace aether::ctl;

TEST(BpfLoader, BuiltinsAreFoundByName)
{
	ASSERT_EQ(bpf_builtins().size(), 3u);
	for (const BpfBuiltin &b : bpf_builtins())
		EXPECT_EQ(find_bpf_builtin(b.name), &b) << b.name;
	EXPECT_EQ(find_bpf_builtin("no_such_program"), nullptr);
	EXPECT_EQ(find_bpf_builtin(""), nullptr);
}

TEST(BpfLoader, EveryBuiltinOpensWithAStructOpsMap)
{
	for (const BpfBuiltin &b : bpf_builtins()) {
		BpfProgram prog;
		std::string why;
		EXPECT_EQ(prog.open_builtin(b, &why), 0) << b.name << ": " << why;
		EXPECT_EQ(why, "") << b.name;
	}
}

TEST(BpfLoader, FittingTunablesAreSetAndTheFirstBadOneStops)
{
	BpfProgram prog;
	std::string why;
	ASSERT_EQ(prog.open_builtin(*find_bpf_builtin("policy_stride"), &why), 0) << why;
	EXPECT_EQ(prog.set_tunables({}, &why), 0);
	EXPECT_EQ(prog.set_tunables({"depth=4294967295"}, &why), 0) << why;
	EXPECT_EQ(prog.set_tunables({"depth=3", "depth=-1", "nosuch"}, &why), -EINVAL);
	EXPECT_EQ(why, "--set depth: '-1' is not an unsigned decimal number");
}

TEST(BpfLoader, AFileThatIsNotBpfIsRefusedWithLibbpfsReason)
{
	std::ostringstream log;
	const LibbpfLog to_log(log, LibbpfMessages::kWarnings);
	BpfProgram prog;
	std::string why;
	EXPECT_LT(prog.open_file("/proc/self/exe", &why), 0);
	EXPECT_EQ(why.find("cannot open /proc/self/exe as a BPF object: "), 0u) << why;
	EXPECT_EQ(log.str().find("  libbpf: "), 0u) << log.str();
}

} // namespace
