// aether-ctl bpf unload takes a program's name, never a path.
#include <gtest/gtest.h>

#include "ctl_run.hpp"

namespace {

using aether::test::run_ctl;

TEST(CtlBpf, UnloadRefusesAPath)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"bpf", "unload", "../../etc"}, out, err), 1);
	EXPECT_NE(err.str().find("is not a program name"), std::string::npos) << err.str();
}

TEST(CtlBpf, UnloadRefusesTheDirectoryNames)
{
	std::ostringstream out, err;
	for (const char *name : {".", ".."}) {
		EXPECT_EQ(run_ctl({"bpf", "unload", name}, out, err), 1) << name;
		EXPECT_EQ(err.str(), std::string("aether-ctl: bpf unload: '") + name +
					     "' is not a program name (see 'aether-ctl bpf list')\n");
		EXPECT_EQ(out.str(), "");
	}
}

} // namespace
