// aether-ctl trace record refuses a --dev that is not a block device, and creates no output file.
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

} // namespace
