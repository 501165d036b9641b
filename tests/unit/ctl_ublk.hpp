// What the tests of aether-ctl ublk share: aether-ctl run against a scratch run
// directory instead of /run/aether.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ctl_run.hpp"

namespace aether::test {

class CtlUblkTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		dir_ = scratch_dir();
		std::filesystem::create_directories(dir_);
		setenv("AETHER_RUN_DIR", dir_.c_str(), 1);
	}
	void TearDown() override
	{
		unsetenv("AETHER_RUN_DIR");
		std::filesystem::remove_all(dir_);
	}
	int run(std::vector<std::string> args) { return run_ctl(std::move(args), out_, err_); }

	std::filesystem::path dir_;
	std::ostringstream out_, err_;
};

} // namespace aether::test
