// aether-ctl trace record refuses what is not a block device and an existing output before it records anything.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "ctl_run.hpp"

namespace {

using aether::test::run_ctl;
using aether::test::scratch_dir;

TEST(CtlTraceRecord, NotABlockDeviceCreatesNoFile)
{
	const auto dir = scratch_dir();
	std::filesystem::create_directories(dir);
	const std::string out_path = (dir / "t.csv").string();
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"trace", "record", "--dev", "/proc/self/exe", "-o", out_path}, out, err), 1);
	EXPECT_NE(err.str().find("/proc/self/exe is not a block device"), std::string::npos) << err.str();
	EXPECT_FALSE(std::filesystem::exists(out_path));
	EXPECT_EQ(run_ctl({"trace", "record", "--dev", "/nonexistent", "-o", out_path}, out, err), 1);
	EXPECT_NE(err.str().find("cannot stat /nonexistent"), std::string::npos) << err.str();
	std::filesystem::remove_all(dir);
}

TEST(CtlTraceRecord, ArgumentsAreChecked)
{
	std::ostringstream out, err;
	EXPECT_EQ(run_ctl({"trace", "record", "-o", "x.csv"}, out, err), 2);                       // no --dev
	EXPECT_EQ(run_ctl({"trace", "record", "--dev", "/dev/null"}, out, err), 2);                 // no -o
	EXPECT_EQ(run_ctl({"trace", "record", "--dev", "/dev/null", "-o", "x", "--duration", "0"}, out, err), 2);
	EXPECT_EQ(run_ctl({"trace"}, out, err), 2);
}

} // namespace
