// fail() and usage_error(): each prints one error as "aether-ctl: WHAT" and returns its exit code.
#include <sstream>

#include <gtest/gtest.h>

#include "cli.hpp"

namespace {

using namespace aether::ctl;

class CtlErrors : public ::testing::Test {
protected:
	std::ostringstream out_, err_;
	Context ctx_{out_, err_, Sysfs("/nonexistent/aether")};
};

TEST_F(CtlErrors, FailPrintsOneLineAndReturns1)
{
	EXPECT_EQ(fail(ctx_, "xrp get: it broke"), kExitFailure);
	EXPECT_EQ(err_.str(), "aether-ctl: xrp get: it broke\n");
	EXPECT_EQ(out_.str(), "");
}

TEST_F(CtlErrors, UsageErrorPointsAtHelpAndReturns2)
{
	EXPECT_EQ(usage_error(ctx_, "give either KEYS or --sample N"), kExitUsage);
	EXPECT_EQ(err_.str(), "aether-ctl: give either KEYS or --sample N\nRun 'aether-ctl --help' for usage.\n");
}

TEST_F(CtlErrors, UsageErrorCanLeaveOutThePointer)
{
	EXPECT_EQ(usage_error(ctx_, "unknown knob 'x'. Knobs: mode", UsageHint::kNone), kExitUsage);
	EXPECT_EQ(err_.str(), "aether-ctl: unknown knob 'x'. Knobs: mode\n");
}

} // namespace
