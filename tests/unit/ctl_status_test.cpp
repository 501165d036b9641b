// `aether-ctl status` reports a loaded module, and fails clearly when it is not.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "ctl_run.hpp"

namespace fs = std::filesystem;
using aether::ctl::Sysfs;

namespace {

// A scratch directory laid out like /sys/kernel/aether.
class FakeSysfs : public aether::test::CtlSysfsTest {
protected:
	void make_loaded(const std::string &version)
	{
		fs::create_directories(root_);
		put("version", version);
	}
};

TEST_F(FakeSysfs, LoadedPrintsVersion)
{
	make_loaded("v1.2.3-4-gabcdef");
	EXPECT_EQ(run({"status"}), 0);
	EXPECT_NE(out_.str().find("aether.ko: loaded"), std::string::npos) << out_.str();
	EXPECT_NE(out_.str().find("v1.2.3-4-gabcdef"), std::string::npos) << out_.str();
	EXPECT_EQ(err_.str(), "");
}

TEST_F(FakeSysfs, NotLoadedFailsWithClearMessage)
{
	EXPECT_EQ(run({"status"}), 1);
	EXPECT_EQ(out_.str(), "");
	EXPECT_NE(err_.str().find("aether.ko is not loaded"), std::string::npos) << err_.str();
	EXPECT_NE(err_.str().find("insmod"), std::string::npos) << err_.str();
}

TEST_F(FakeSysfs, JsonIsValidAndComplete)
{
	make_loaded("v9");
	EXPECT_EQ(run({"status", "--json"}), 0);
	auto j = nlohmann::json::parse(out_.str());
	EXPECT_EQ(j.at("loaded"), true);
	EXPECT_EQ(j.at("version"), "v9");
	EXPECT_EQ(j.at("sysfs"), root_.string());
}

TEST_F(FakeSysfs, JsonNotLoadedStillFails)
{
	EXPECT_EQ(run({"status", "--json"}), 1);
	EXPECT_EQ(nlohmann::json::parse(out_.str()).at("loaded"), false);
}

TEST_F(FakeSysfs, UnreadableVersionIsAnError)
{
	fs::create_directories(root_ / "version"); // a directory: read(2) fails with EISDIR
	EXPECT_EQ(run({"status"}), 1);
	EXPECT_NE(err_.str().find("cannot read"), std::string::npos) << err_.str();
}

} // namespace
