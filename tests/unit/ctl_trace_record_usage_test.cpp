// aether-ctl trace record's command line: --dev and -o are required, --duration is 1 s or more.
#include <sstream>

#include <gtest/gtest.h>

#include "ctl_run.hpp"

namespace {

using aether::test::run_ctl;

TEST(CtlTraceRecord, ArgumentsAreChecked)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"trace", "record", "-o", "x.csv"}, out, err), 2);                       // no --dev
	EXPECT_EQ(run_ctl({"trace", "record", "--dev", "/dev/null"}, out, err), 2);                 // no -o
	EXPECT_EQ(run_ctl({"trace", "record", "--dev", "/dev/null", "-o", "x", "--duration", "0"}, out, err), 2);
	EXPECT_EQ(run_ctl({"trace"}, out, err), 2);
}

} // namespace
