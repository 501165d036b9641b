// Runs aether-ctl's command line in-process, as the tests of its subcommands do.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "run.hpp"
#include "sysfs.hpp"

namespace aether::test {

// A path under the temporary directory named for this process and the running
// test, with nothing there yet: tests running side by side never share files. The
// caller creates what it needs there and removes it.
inline std::filesystem::path scratch_dir()
{
	auto dir = std::filesystem::temp_directory_path() /
		   ("aether-unit-" + std::to_string(::getpid()) + "-" +
		    ::testing::UnitTest::GetInstance()->current_test_info()->name());
	std::filesystem::remove_all(dir);
	return dir;
}

// Runs `aether-ctl ARGS...` against @sysfs; clears and fills @out and @err. Returns
// the exit code.
inline int run_ctl(std::vector<std::string> args, std::ostringstream &out, std::ostringstream &err,
		   aether::ctl::Sysfs sysfs = aether::ctl::Sysfs("/nonexistent/aether"))
{
	args.insert(args.begin(), "aether-ctl");
	std::vector<const char *> argv;
	for (const std::string &a : args)
		argv.push_back(a.c_str());
	out.str("");
	err.str("");
	return aether::ctl::run(static_cast<int>(argv.size()), argv.data(), out, err, std::move(sysfs));
}

// A test of aether-ctl against a scratch directory standing in for
// /sys/kernel/aether. The directory does not exist until the test makes it (the
// module is "not loaded"), and is removed after the test.
class CtlSysfsTest : public ::testing::Test {
protected:
	void SetUp() override { root_ = scratch_dir(); }
	void TearDown() override { std::filesystem::remove_all(root_); }

	// Writes @value and a newline to the file @name under the root.
	void put(const std::string &name, const std::string &value) const
	{
		std::ofstream(root_ / name) << value << "\n";
	}
	int run(std::vector<std::string> args) { return run_ctl(std::move(args), out_, err_, aether::ctl::Sysfs(root_)); }

	std::filesystem::path root_;
	std::ostringstream out_, err_;
};

} // namespace aether::test
