// aether-ctl's command line: usage errors exit 2, help exits 0, version always works.
#include <sstream>

#include <gtest/gtest.h>

#include "cli.hpp"

namespace {

int run(std::initializer_list<const char *> args, std::string *out = nullptr, std::string *err = nullptr)
{
	std::vector<const char *> argv{"aether-ctl"};
	argv.insert(argv.end(), args);
	std::ostringstream o, e;
	int rc = aether::ctl::run(static_cast<int>(argv.size()), argv.data(), o, e,
				  aether::ctl::Sysfs("/nonexistent/aether"));
	if (out)
		*out = o.str();
	if (err)
		*err = e.str();
	return rc;
}

TEST(CtlCli, NoCommandIsAUsageError)
{
	std::string err;
	EXPECT_EQ(run({}, nullptr, &err), 2);
	EXPECT_NE(err.find("--help"), std::string::npos) << err;
}

TEST(CtlCli, UnknownCommandIsAUsageError)
{
	EXPECT_EQ(run({"frobnicate"}), 2);
}

TEST(CtlCli, UnknownFlagIsAUsageError)
{
	EXPECT_EQ(run({"status", "--bogus"}), 2);
}

TEST(CtlCli, HelpListsCommands)
{
	std::string out;
	EXPECT_EQ(run({"--help"}, &out), 0);
	EXPECT_NE(out.find("status"), std::string::npos) << out;
	EXPECT_NE(out.find("version"), std::string::npos) << out;
}

TEST(CtlCli, VersionWorksWithoutModule)
{
	std::string out;
	EXPECT_EQ(run({"version"}, &out), 0);
	EXPECT_NE(out.find(std::string("aether-ctl ") + aether::ctl::build_version()), std::string::npos) << out;
	EXPECT_NE(out.find("aether.ko  not loaded"), std::string::npos) << out;
}

} // namespace
