// aether-ctl version prints this tool's version, and the module's when it is loaded; it always succeeds.
#include <filesystem>

#include <gtest/gtest.h>

#include "ctl_run.hpp"

namespace {

using aether::test::CtlSysfsTest;

using CtlVersion = CtlSysfsTest;

TEST_F(CtlVersion, VersionWorksWithoutModule)
{
	EXPECT_EQ(run({"version"}), 0);
	EXPECT_NE(out_.str().find(std::string("aether-ctl ") + aether::ctl::build_version()), std::string::npos)
		<< out_.str();
	EXPECT_NE(out_.str().find("aether.ko  not loaded"), std::string::npos) << out_.str();
}

TEST_F(CtlVersion, VersionShowsTheLoadedModule)
{
	std::filesystem::create_directories(root_);
	put("version", "v7-1-gfeed");
	EXPECT_EQ(run({"version"}), 0);
	EXPECT_EQ(out_.str(), std::string("aether-ctl ") + aether::ctl::build_version() + "\naether.ko  v7-1-gfeed\n");
	EXPECT_EQ(err_.str(), "");
}

} // namespace
