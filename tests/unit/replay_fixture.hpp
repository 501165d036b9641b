// Shared fixtures of the replay tests: a prefetcher driver, and `aether-ctl replay`
// run in-process on traces in a scratch directory.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ctl_run.hpp"
#include "replay/prefetcher.hpp"

namespace aether::ctl {

// How GoogleTest shows a Range in a failure.
inline void PrintTo(const Range &r, std::ostream *os)
{
	*os << "[" << r.start << ", +" << r.length << ")";
}

} // namespace aether::ctl

namespace aether::test {

// Feeds @accesses (address, length) to @p in order and returns what the last one
// asked to prefetch.
inline std::vector<ctl::Range> feed(ctl::Prefetcher &p, const std::vector<std::pair<ctl::u64, ctl::u32>> &accesses)
{
	std::vector<ctl::Range> out;
	for (const auto &[addr, len] : accesses) {
		out.clear();
		p.access(addr, len, out);
	}
	return out;
}

// `aether-ctl replay` on a purely sequential generic trace in a scratch directory:
// 2000 reads of 16 KiB, one after the other.
class ReplayCommand : public ::testing::Test {
protected:
	void SetUp() override
	{
		dir_ = scratch_dir();
		std::filesystem::create_directories(dir_);
		trace_ = (dir_ / "seq.csv").string();
		std::ofstream f(trace_);
		f << "offset_bytes,length_bytes,op\n";
		for (ctl::u64 i = 0; i < 2000; i++)
			f << i * 16384 << ",16384,R\n";
	}
	void TearDown() override { std::filesystem::remove_all(dir_); }

	int run(std::vector<std::string> args)
	{
		args.insert(args.begin(), "replay");
		return run_ctl(std::move(args), out_, err_);
	}

	// The JSON result of each baseline run on the sequential trace, by name.
	std::map<std::string, nlohmann::json> results(const std::string &baselines)
	{
		EXPECT_EQ(run({trace_, "--json", "--policy", baselines}), 0) << err_.str();
		std::map<std::string, nlohmann::json> by_name;
		const auto j = nlohmann::json::parse(out_.str());
		for (const auto &r : j.at("results"))
			by_name[r.at("policy")] = r;
		return by_name;
	}

	std::filesystem::path dir_;
	std::string trace_;
	std::ostringstream out_, err_;
};

// A scratch directory per test for trace files, and `aether-ctl replay` run on them.
class ReplayTrace : public ::testing::Test {
protected:
	void SetUp() override
	{
		dir_ = scratch_dir();
		std::filesystem::create_directories(dir_);
	}
	void TearDown() override { std::filesystem::remove_all(dir_); }

	std::string write(const std::string &content, const std::string &name = "trace.csv")
	{
		const std::filesystem::path p = dir_ / name;
		std::ofstream(p, std::ios::binary) << content;
		return p.string();
	}

	int run(std::vector<std::string> args)
	{
		args.insert(args.begin(), "replay");
		return run_ctl(std::move(args), out_, err_);
	}

	// Runs on a trace with @content and expects it rejected at @line of the file.
	void expect_bad_line(const std::string &content, int line, const std::string &what,
			     std::vector<std::string> extra = {})
	{
		const std::string path = write(content);
		extra.insert(extra.begin(), path);
		EXPECT_EQ(run(extra), 1);
		const std::string prefix = path + ":" + std::to_string(line) + ": ";
		EXPECT_EQ(err_.str().rfind(prefix, 0), 0u) << err_.str();
		EXPECT_NE(err_.str().find(what), std::string::npos) << err_.str();
		EXPECT_EQ(out_.str(), "");
	}

	nlohmann::json run_json(const std::string &content, std::vector<std::string> extra = {})
	{
		extra.insert(extra.begin(), {write(content), "--json", "--policy", "none"});
		EXPECT_EQ(run(extra), 0) << err_.str();
		return nlohmann::json::parse(out_.str());
	}

	std::filesystem::path dir_;
	std::ostringstream out_, err_;
};

// The CloudPhysics header line.
inline constexpr const char *kCpHeader = "version,time,op,size,lbn\n";

} // namespace aether::test
