// A test of the XRP B+tree on a scratch file: an empty file to build a tree on, and
// aether-ctl run in-process against it.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ctl_run.hpp"

namespace aether::test {

class XrpBtreeFile : public ::testing::Test {
protected:
	void SetUp() override
	{
		dir_ = aether::test::scratch_dir();
		std::filesystem::create_directories(dir_);
		path_ = (dir_ / "tree").string();
		std::ofstream(path_).close();
	}
	void TearDown() override { std::filesystem::remove_all(dir_); }
	int ctl(std::vector<std::string> args) { return aether::test::run_ctl(std::move(args), out_, err_); }

	std::filesystem::path dir_;
	std::string path_;
	std::ostringstream out_, err_;
};

} // namespace aether::test
