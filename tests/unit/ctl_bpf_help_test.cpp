// aether-ctl bpf --help names every program built into aether-ctl.
#include <gtest/gtest.h>

#include "bpf/loader.hpp"
#include "ctl_run.hpp"

namespace {

using aether::test::run_ctl;

TEST(CtlBpf, HelpNamesTheBuiltins)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"bpf", "--help"}, out, err), 0);
	EXPECT_NE(out.str().find("xrp_btree"), std::string::npos) << out.str();
	for (const aether::ctl::BpfBuiltin &b : aether::ctl::bpf_builtins())
		EXPECT_NE(out.str().find(std::string("  ") + b.name + "  " + b.what + "\n"), std::string::npos) << b.name;
}

} // namespace
